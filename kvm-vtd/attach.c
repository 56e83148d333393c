// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the VMM's side of assigned devices: KVM_DEV_VTD_DEVICE_ATTACH,
 * _DETACH, _STATE and _PASIDS, device release, and the page-track notifier
 * that tells the unit of memslot deletions.
 *
 * A VMM hands over a device it bound in an iommufd with a nesting-parent
 * HWPT (GPA -> host memory) and a shadow IOAS.  Attach holds both, allocates
 * the HWPT on the shadow IOAS the device falls back to (so that falling
 * back needs no allocation), starts the device on the parent and lets the
 * engine (host.c) follow the guest from there.
 *
 * Locking: attach, detach and release hold kvm->lock, outside kvm_vtd.lock;
 * the notifier runs under kvm->slots_lock, also outside it (vtd.h).
 */
#include <linux/iommufd.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>
#include <asm/kvm_page_track.h>

#include "hdev.h"
#include "trace.h"

/*
 * A memslot is being deleted (the VMM's KVM_SET_USER_MEMORY_REGION, under
 * kvm->slots_lock, once no vCPU can reach it): no device may keep DMA
 * access to its pages, which the VMM may unmap next.
 */
static void kvm_vtd_slot_removed(gfn_t gfn, unsigned long nr_pages,
				 struct kvm_page_track_notifier_node *node)
{
	struct kvm_vtd *vtd = container_of(node, struct kvm_vtd, track);
	struct vtd_hdev *hd;

	mutex_lock(&vtd->lock);
	list_for_each_entry(hd, &vtd->hdevs, node) {
		if (!hd->nr_runs)
			continue;
		vtd_shadow_slot_gone(vtd, hd, gfn << PAGE_SHIFT, (u64)nr_pages << PAGE_SHIFT);
		/* What other memslots back there is mapped again next exit. */
		if (hd->nr_remap || hd->sync_all) {
			vtd->host_pending = true;
			vtd->deferred = true;
		}
	}
	trace_kvm_vtd_host_call(vtd->id, 0, "memslot-delete", 0, gfn << PAGE_SHIFT, 0);
	mutex_unlock(&vtd->lock);
}

/* Be told of memslot deletions from the first attach on. */
static int kvm_vtd_track_slots(struct kvm_vtd *vtd)
{
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);
	if (vtd->track_on)
		return 0;
	vtd->track.track_remove_region = kvm_vtd_slot_removed;
	/* It walks the memslots to enable write tracking: keep them still. */
	mutex_lock(&vtd->kvm->slots_lock);
	rc = kvm_page_track_register_notifier(vtd->kvm, &vtd->track);
	mutex_unlock(&vtd->kvm->slots_lock);
	if (!rc)
		vtd->track_on = true;
	return rc;
}

static struct vtd_hdev *vtd_hdev_find(struct kvm_vtd *vtd, u16 sid)
{
	struct vtd_hdev *hd;

	lockdep_assert_held(&vtd->lock);
	list_for_each_entry(hd, &vtd->hdevs, node)
		if (hd->cfg.sid == sid)
			return hd;
	return NULL;
}

/*
 * Is this iommufd device attached already, under another source-id?  Both
 * entries would replace the one device's attachment, each undoing what the
 * other's guest entries say.
 */
static bool vtd_hdev_dev_attached(struct kvm_vtd *vtd, const struct vtd_hdev *new)
{
	struct vtd_hdev *hd;

	lockdep_assert_held(&vtd->lock);
	list_for_each_entry(hd, &vtd->hdevs, node)
		if (hd->ictx == new->ictx && hd->cfg.dev_id == new->cfg.dev_id)
			return true;
	return false;
}

static void vtd_hdev_free(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	vtd_hpasid_clear(vtd, hd);
	/* Fails only if the device could not leave it; the context frees it. */
	if (hd->ioas_hwpt_obj) {
		int rc = iommufd_ctx_hwpt_destroy(hd->ictx, hd->ioas_hwpt_obj);

		trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-destroy-ioas",
					hd->ioas_hwpt_id, 0, rc);
		if (rc)
			vtd_host_error(vtd, hd);
	}
	if (hd->shadow_obj)
		iommufd_ctx_object_release(hd->ictx, hd->shadow_obj);
	if (hd->parent_obj)
		iommufd_ctx_object_release(hd->ictx, hd->parent_obj);
	if (hd->ictx)
		iommufd_ctx_put(hd->ictx);
	kfree(hd->inv);
	kfree(hd);
}

/* Back to the parent, everything the unit made for the device destroyed. */
static void vtd_hdev_teardown(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	lockdep_assert_held(&vtd->lock);
	if (hd->at != VTD_AT_PARENT)
		vtd_hdev_replace(vtd, hd, hd->cfg.parent_hwpt_id, VTD_AT_PARENT);
	/* The parent is held: only a host failure makes that fail. */
	vtd_hdev_destroy_nested(vtd, hd);
	vtd_shadow_clear(vtd, hd);
	list_del(&hd->node);
	vtd->nr_hdevs--;
	vtd_hdev_free(vtd, hd);
}

static int vtd_device_copy(struct kvm_vtd_device *d, void __user *uarg)
{
	u32 size;
	int rc;

	if (get_user(size, (u32 __user *)uarg))
		return -EFAULT;
	if (size < sizeof(*d) || size > PAGE_SIZE)
		return -EINVAL;
	rc = copy_struct_from_user(d, sizeof(*d), uarg, size);
	if (rc)
		return rc == -E2BIG ? -EINVAL : rc;
	if (d->flags || d->reserved0 || d->reserved1 || d->pasid_bits > VTD_PASID_BITS_MAX)
		return -EINVAL;
	return 0;
}

/**
 * kvm_vtd_device_attach() - KVM_DEV_VTD_DEVICE_ATTACH
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_device
 *
 * Context: kvm->lock held.
 * Return: 0 or a negative errno, see the UAPI header.
 */
int kvm_vtd_device_attach(struct kvm_vtd *vtd, void __user *uarg)
{
	struct vtd_events ev = {};
	struct kvm_vtd_device d;
	struct vtd_hdev *hd;
	u32 pt;
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);
	rc = vtd_device_copy(&d, uarg);
	if (rc)
		return rc;
	if (!vtd->initialized)
		return -EBUSY;
	/*
	 * A guest can always put a device in legacy or second-stage mode,
	 * which the unit shadows from the guest's IOTLB invalidations.  Without
	 * caching mode a guest does not invalidate what it makes present, so
	 * new mappings would never reach the host.
	 */
	if (!(vtd_rf_read64(&vtd->rf, VTD_CAP_REG) & VTD_CAP_CM))
		return -EINVAL;

	hd = kzalloc(sizeof(*hd), GFP_KERNEL_ACCOUNT);
	if (!hd)
		return -ENOMEM;
	hd->cfg = d;
	hd->runs = RB_ROOT_CACHED;
	xa_init(&hd->pasids);
	hd->ictx = iommufd_ctx_from_fd(d.iommufd);
	if (IS_ERR(hd->ictx)) {
		hd->ictx = NULL;
		rc = -EBADF;
		goto out_free;
	}
	rc = iommufd_ctx_device_hw_info_type(hd->ictx, d.dev_id, &hd->hw_type);
	if (rc) {
		if (rc == -ENOENT)
			rc = -ENODEV;
		goto out_free;
	}
	hd->drv = vtd_host_driver_find(hd->hw_type);
	if (hd->drv) {
		hd->inv = kcalloc(VTD_HOST_INV_MAX, hd->drv->inv_len, GFP_KERNEL_ACCOUNT);
		if (!hd->inv) {
			rc = -ENOMEM;
			goto out_free;
		}
	}
	/*
	 * Hold the shadow IOAS and the parent for as long as the device is
	 * attached: the VMM cannot destroy them (IOMMU_DESTROY is -EBUSY), so
	 * their IDs cannot come to name other objects.  Holding checks their
	 * types without side effects: the shadow must be an IOAS, the parent
	 * a paging HWPT (an IOAS ID would move the device to an automatic
	 * HWPT before it could be refused).
	 */
	hd->shadow_obj = iommufd_ctx_ioas_hold(hd->ictx, d.shadow_ioas_id);
	if (IS_ERR(hd->shadow_obj)) {
		rc = PTR_ERR(hd->shadow_obj);
		hd->shadow_obj = NULL;
		goto out_free;
	}
	hd->parent_obj = iommufd_ctx_hwpt_paging_hold(hd->ictx, d.parent_hwpt_id);
	if (IS_ERR(hd->parent_obj)) {
		rc = -EINVAL;
		hd->parent_obj = NULL;
		goto out_free;
	}
	/*
	 * Fail closed: the HWPT on the shadow IOAS the device goes to when the
	 * guest blocks or shadows it, allocated now so that moving there later
	 * needs no allocation.
	 */
	rc = iommufd_ctx_hwpt_paging_alloc(hd->ictx, d.dev_id, d.shadow_ioas_id,
					   &hd->ioas_hwpt_id, &hd->ioas_hwpt_obj);
	trace_kvm_vtd_host_call(vtd->id, d.sid, "hwpt-alloc-ioas", rc ? 0 : hd->ioas_hwpt_id,
				d.shadow_ioas_id, rc);
	if (rc) {
		if (rc == -ENOENT)
			rc = -ENODEV;
		hd->ioas_hwpt_obj = NULL;
		goto out_free;
	}

	rc = kvm_vtd_track_slots(vtd);
	if (rc)
		goto out_free;

	mutex_lock(&vtd->lock);
	if (vtd_hdev_find(vtd, d.sid)) {
		rc = -EEXIST;
		goto out_unlock;
	}
	if (vtd_hdev_dev_attached(vtd, hd)) {
		rc = -EBUSY;
		goto out_unlock;
	}
	if (vtd->nr_hdevs >= KVM_VTD_MAX_DEVICES) {
		rc = -ENOSPC;
		goto out_unlock;
	}
	/*
	 * Start from the parent, which checks the device and the parent ID
	 * together (an ID that is neither a HWPT nor an IOAS is -ENOENT).
	 */
	pt = d.parent_hwpt_id;
	rc = iommufd_ctx_device_replace(hd->ictx, d.dev_id, &pt);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_ATTACHES);
	trace_kvm_vtd_host_attach(vtd->id, d.sid, VTD_AT_PARENT, d.parent_hwpt_id, pt, rc);
	if (rc == -ENOENT || (!rc && pt != d.parent_hwpt_id))
		rc = -EINVAL;
	if (rc)
		goto out_unlock;
	hd->at = VTD_AT_PARENT;
	hd->hwpt_id = pt;
	hd->mode = KVM_VTD_DEVICE_PARENT;
	list_add_tail(&hd->node, &vtd->hdevs);
	vtd->nr_hdevs++;
	hd->reeval = true;
	vtd_hpasid_note_all(vtd, hd);
	kvm_vtd_host_finish(vtd, &ev);
	kvm_vtd_unlock_deliver(vtd, &ev);
	return 0;

out_unlock:
	mutex_unlock(&vtd->lock);
out_free:
	vtd_hdev_free(vtd, hd);
	return rc;
}

/**
 * kvm_vtd_device_detach() - KVM_DEV_VTD_DEVICE_DETACH
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_device (@sid)
 *
 * Context: kvm->lock held.
 * Return: 0, -EINVAL for a bad struct, -ENOENT for an unknown source-id.
 */
int kvm_vtd_device_detach(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_device d;
	struct vtd_hdev *hd;
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);
	rc = vtd_device_copy(&d, uarg);
	if (rc)
		return rc;
	mutex_lock(&vtd->lock);
	hd = vtd_hdev_find(vtd, d.sid);
	if (hd)
		vtd_hdev_teardown(vtd, hd);
	mutex_unlock(&vtd->lock);
	return hd ? 0 : -ENOENT;
}

/**
 * kvm_vtd_device_state() - KVM_DEV_VTD_DEVICE_STATE
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_device_state
 *
 * Return: 0, -EFAULT, or -ENOENT for an unknown source-id.
 */
int kvm_vtd_device_state(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_device_state st;
	struct vtd_hdev *hd;
	u16 sid;

	if (get_user(sid, (u16 __user *)uarg))
		return -EFAULT;
	memset(&st, 0, sizeof(st));
	st.sid = sid;
	mutex_lock(&vtd->lock);
	hd = vtd_hdev_find(vtd, sid);
	if (hd) {
		st.mode = hd->mode;
		st.hwpt_id = hd->hwpt_id;
		st.shadow_runs = hd->nr_runs;
		st.shadow_bytes = hd->shadow_bytes;
		st.host_errors = hd->host_errors;
		st.pasids = hd->nr_pasids;
	}
	mutex_unlock(&vtd->lock);
	if (!hd)
		return -ENOENT;
	return copy_to_user(uarg, &st, sizeof(st)) ? -EFAULT : 0;
}

/**
 * kvm_vtd_device_pasids() - KVM_DEV_VTD_DEVICE_PASIDS
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_device_pasids
 *
 * Return: 0, -EFAULT, -EINVAL for bad flags or count, -ENOENT for an
 * unknown source-id, -ENOMEM.
 */
int kvm_vtd_device_pasids(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_device_pasids __user *up = uarg;
	struct kvm_vtd_device_pasids hdr;
	struct kvm_vtd_pasid_info *out;
	struct vtd_hdev *hd;
	int n = 0, rc = 0;
	u32 total = 0;

	if (copy_from_user(&hdr, up, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags || hdr.nr > KVM_VTD_PASIDS_MAX)
		return -EINVAL;
	out = kvcalloc(max(hdr.nr, 1u), sizeof(*out), GFP_KERNEL_ACCOUNT);
	if (!out)
		return -ENOMEM;
	mutex_lock(&vtd->lock);
	hd = vtd_hdev_find(vtd, hdr.sid);
	if (hd) {
		n = vtd_hpasid_list(vtd, hd, hdr.first, out, hdr.nr);
		total = hd->nr_pasids;
	}
	mutex_unlock(&vtd->lock);
	if (!hd) {
		rc = -ENOENT;
		goto out_free;
	}
	if (copy_to_user(up->entries, out, n * sizeof(*out)) || put_user(n, &up->nr) ||
	    put_user(total, &up->total))
		rc = -EFAULT;
out_free:
	kvfree(out);
	return rc;
}

/**
 * kvm_vtd_host_release() - detach every device (device release)
 * @vtd: the unit
 *
 * Context: kvm->lock held.
 */
void kvm_vtd_host_release(struct kvm_vtd *vtd)
{
	struct vtd_hdev *hd, *tmp;

	/* Waits for a running notifier, which takes kvm_vtd.lock. */
	if (vtd->track_on)
		kvm_page_track_unregister_notifier(vtd->kvm, &vtd->track);
	vtd->track_on = false;
	mutex_lock(&vtd->lock);
	list_for_each_entry_safe(hd, tmp, &vtd->hdevs, node)
		vtd_hdev_teardown(vtd, hd);
	mutex_unlock(&vtd->lock);
}
