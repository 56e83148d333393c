// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: assigned devices, programmed through iommufd.
 *
 * A VMM hands over a device it bound in an iommufd (KVM_DEV_VTD_DEVICE_ATTACH)
 * with a nesting-parent HWPT (GPA -> host memory) and a shadow IOAS.  From
 * then on the unit keeps the device's host attachment equal to what the
 * guest programmed for its source-id, in the vCPU that made the change:
 *
 *   translation off, TT=PT or PGTT=PT     -> the nesting parent
 *   scalable mode, PGTT=first stage       -> a nested HWPT under the parent,
 *                                            built from the PASID entry
 *   legacy multi-level or PGTT=second st. -> the shadow IOAS, which the
 *                                            range walk fills with IOVA ->
 *                                            memslot HVA runs
 *   not present or invalid                -> the shadow IOAS, empty
 *
 * Only the device's RID_PASID is programmed: 6.12's iommufd attaches
 * devices, not PASIDs.  The other PASIDs' entries are kept in the device's
 * PASID cache (hpasid.c), synced at the same points.
 *
 * The invalidation code notes what each invalidation means for the
 * attached devices (kvm_vtd_host_note*()) and kvm_vtd_host_flush() carries
 * it out: once per queue drain and before every invalidation wait (whose
 * completion tells the guest the invalidation is done), and after every
 * register-based invalidation or translation state switch.  So all the
 * PASID-IOTLB invalidations a guest queues before one wait become one host
 * invalidation call per device.
 *
 * A host call that fails leaves the device blocked (or, for an
 * invalidation, with everything invalidated) and logs a primary fault for
 * the device's source-id, so the guest sees it; nothing is retried.
 *
 * Locking: everything here runs under kvm_vtd.lock, which is taken outside
 * iommufd's locks and the VMM's mmap_lock (pinning for shadow maps);
 * attach, detach and release also hold kvm->lock, outside kvm_vtd.lock.
 */
#include <linux/iommufd.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>
#include <asm/kvm_page_track.h>

#include "host.h"
#include "trace.h"
#include "walk.h"

MODULE_IMPORT_NS(IOMMUFD);

/*
 * The iommufd test mock's driver data (drivers/iommu/iommufd/iommufd_test.h,
 * CONFIG_IOMMUFD_TEST): a nested mock domain has 4 IOTLB slots, set to the
 * allocation's value and cleared by invalidations.  The unit stores the
 * first-stage table's frame number there and clears slot (address >> 12) & 3
 * for a one-page invalidation, all slots for anything larger.
 */
#define VTD_MOCK_HW_INFO_TYPE		0xfeedbeef
#define VTD_MOCK_HWPT_DATA		0xdead
#define VTD_MOCK_INV_DATA		0xdeadbeef
#define VTD_MOCK_INV_ALL		BIT(0)
#define VTD_MOCK_IOTLB_SLOTS		4

struct vtd_mock_hwpt {
	u32 iotlb;
};

struct vtd_mock_inv {
	u32 flags;
	u32 iotlb_id;
};

/**
 * vtd_host_fault() - report a failed host programming to the guest
 * @hc: the flush
 * @hd: the device
 * @reason: the fault reason the guest sees
 * @addr: the address it concerns, or 0
 */
void vtd_host_fault(struct vtd_host_ctx *hc, struct vtd_hdev *hd, u8 reason, u64 addr)
{
	struct kvm_vtd *vtd = hc->vtd;
	struct vtd_fault f = {
		.sid = hd->cfg.sid,
		.reason = reason,
		.type = VTD_FAULT_READ,
		.addr = addr,
	};
	int idx;

	idx = vtd_rf_record_fault(&vtd->rf, &f, hc->ev);
	kvm_vtd_stat_inc(vtd, idx >= 0 ? KVM_VTD_STAT_FAULTS_RECORDED :
					  KVM_VTD_STAT_FAULTS_DROPPED);
	trace_kvm_vtd_fault(vtd->id, &f, idx);
}

static int vtd_hdev_replace(struct kvm_vtd *vtd, struct vtd_hdev *hd, u32 pt_id, u8 at)
{
	u32 id = pt_id;
	int rc;

	rc = iommufd_ctx_device_replace(hd->ictx, hd->cfg.dev_id, &id);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_ATTACHES);
	trace_kvm_vtd_host_attach(vtd->id, hd->cfg.sid, at, pt_id, id, rc);
	if (rc) {
		vtd_host_error(vtd, hd);
		return rc;
	}
	hd->hwpt_id = id;
	hd->at = at;
	return 0;
}

static void vtd_hdev_destroy_nested(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	int rc;

	if (!hd->nested_id)
		return;
	rc = iommufd_ctx_hwpt_destroy(hd->ictx, hd->nested_obj);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_HWPT_DESTROYS);
	trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-destroy", hd->nested_id, 0, rc);
	/* On failure the object stays the context's, freed when it closes. */
	if (rc)
		vtd_host_error(vtd, hd);
	hd->nested_id = 0;
	hd->nested_obj = NULL;
}

/* Nested: the HWPT data the host IOMMU takes for the guest's PASID entry. */
static int vtd_hdev_alloc_nested(struct kvm_vtd *vtd, struct vtd_hdev *hd,
				 const struct vtd_xlate_ctx *xc, u32 *id,
				 struct iommufd_object **obj)
{
	struct iommu_hwpt_vtd_s1 s1 = {};
	struct vtd_mock_hwpt mock = {};
	const void *data;
	size_t len;
	u32 type;
	int rc;

	switch (hd->hw_type) {
	case IOMMU_HW_INFO_TYPE_INTEL_VTD:
		s1.flags = (xc->sre ? IOMMU_VTD_S1_SRE : 0) |
			   (xc->eafe ? IOMMU_VTD_S1_EAFE : 0) |
			   (xc->wpe ? IOMMU_VTD_S1_WPE : 0);
		s1.pgtbl_addr = xc->root;
		s1.addr_width = xc->width;
		type = IOMMU_HWPT_DATA_VTD_S1;
		data = &s1;
		len = sizeof(s1);
		break;
	case VTD_MOCK_HW_INFO_TYPE:
		mock.iotlb = lower_32_bits(xc->root >> PAGE_SHIFT);
		type = VTD_MOCK_HWPT_DATA;
		data = &mock;
		len = sizeof(mock);
		break;
	default:
		return -EOPNOTSUPP;
	}
	rc = iommufd_ctx_hwpt_nested_alloc(hd->ictx, hd->cfg.dev_id, hd->cfg.parent_hwpt_id,
					   type, data, len, id, obj);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_HWPT_ALLOCS);
	trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-alloc", rc ? 0 : *id, xc->root, rc);
	return rc;
}

static int vtd_hdev_nested(struct vtd_host_ctx *hc, struct vtd_hdev *hd,
			   const struct vtd_xlate_ctx *xc)
{
	struct kvm_vtd *vtd = hc->vtd;
	struct iommufd_object *obj;
	u32 id;
	int rc;

	rc = vtd_hdev_alloc_nested(vtd, hd, xc, &id, &obj);
	if (!rc) {
		rc = vtd_hdev_replace(vtd, hd, id, VTD_AT_NESTED);
		if (rc) {
			iommufd_ctx_hwpt_destroy(hd->ictx, obj);
			kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_HWPT_DESTROYS);
		}
	} else {
		vtd_host_error(vtd, hd);
	}
	if (rc) {
		/* e.g. the host driver refused the first-stage table pointer */
		vtd_host_fault(hc, hd, VTD_FR_FS_PTPTR_INV, 0);
		return rc;
	}
	/* The old nested HWPT goes only once the device has left it. */
	if (hd->nested_id)
		vtd_hdev_destroy_nested(vtd, hd);
	hd->nested_id = id;
	hd->nested_obj = obj;
	return 0;
}

/*
 * Move the device to the shadow IOAS (empty unless @mode is SHADOW), through
 * the HWPT on it that the unit allocated at attach: the move allocates
 * nothing, so it does not fail for lack of memory.  If it fails all the
 * same, the device stays where it was and says so (its mode is unchanged,
 * the failure counted and reported to the guest as a fault); a nested
 * HWPT it stays on is kept, and invalidated whole, never forgotten.
 */
static void vtd_hdev_to_ioas(struct vtd_host_ctx *hc, struct vtd_hdev *hd, u16 mode)
{
	struct kvm_vtd *vtd = hc->vtd;

	if (hd->at != VTD_AT_IOAS &&
	    vtd_hdev_replace(vtd, hd, hd->ioas_hwpt_id, VTD_AT_IOAS)) {
		vtd_host_fault(hc, hd, hd->xc.mode == VTD_XM_LEGACY ?
			       VTD_FR_PAGING_ENTRY_INV : VTD_FR_SS_ACCESS, 0);
		if (hd->at == VTD_AT_NESTED)
			hd->inv_all = true;
		return;
	}
	vtd_hdev_destroy_nested(vtd, hd);
	vtd_shadow_clear(vtd, hd);
	hd->mode = mode;
	/* Shadow: the flush walks the whole space (vtd_shadow_take()). */
	hd->sync_all = mode == KVM_VTD_DEVICE_SHADOW;
}

static void vtd_hdev_to_parent(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	struct kvm_vtd *vtd = hc->vtd;

	if (hd->at != VTD_AT_PARENT &&
	    vtd_hdev_replace(vtd, hd, hd->cfg.parent_hwpt_id, VTD_AT_PARENT)) {
		vtd_hdev_to_ioas(hc, hd, KVM_VTD_DEVICE_BLOCKED);
		return;
	}
	vtd_hdev_destroy_nested(vtd, hd);
	vtd_shadow_clear(vtd, hd);
	hd->mode = KVM_VTD_DEVICE_PARENT;
}

/* Read what the guest programmed for the device and follow it. */
static void vtd_hdev_evaluate(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	struct kvm_vtd *vtd = hc->vtd;
	struct vtd_xlate x = { .sid = hd->cfg.sid };
	struct vtd_xlate_ctx xc = {};
	u16 mode = KVM_VTD_DEVICE_PARENT;
	u8 fault = 0;

	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_EVALS);
	if (hc->cfg.te) {
		fault = vtd_resolve(&hc->g.gm, &hc->cfg, &x, &vtd->host_scratch->x, &xc);
		atomic64_add(x.ctx_pages, &vtd->stats[KVM_VTD_STAT_CTX_PAGES_READ]);
		atomic64_add(x.pasid_pages, &vtd->stats[KVM_VTD_STAT_PASID_PAGES_READ]);
		hc->ctx_pages += x.ctx_pages + x.pasid_pages;
		if (fault)
			mode = KVM_VTD_DEVICE_BLOCKED;
		else if (xc.mode == VTD_XM_SM_FS)
			mode = KVM_VTD_DEVICE_NESTED;
		else if (xc.mode == VTD_XM_LEGACY || xc.mode == VTD_XM_SM_SS)
			mode = KVM_VTD_DEVICE_SHADOW;
	}

	switch (mode) {
	case KVM_VTD_DEVICE_PARENT:
		hd->xc = xc;
		vtd_hdev_to_parent(hc, hd);
		break;
	case KVM_VTD_DEVICE_NESTED:
		/* An unchanged PASID entry leaves the nested HWPT alone. */
		if (hd->mode == mode && !memcmp(&hd->xc, &xc, sizeof(xc)))
			break;
		hd->xc = xc;
		if (vtd_hdev_nested(hc, hd, &xc)) {
			vtd_hdev_to_ioas(hc, hd, KVM_VTD_DEVICE_BLOCKED);
			break;
		}
		vtd_shadow_clear(vtd, hd);
		hd->mode = mode;
		break;
	case KVM_VTD_DEVICE_SHADOW:
		/*
		 * An unchanged context keeps its mappings (a context-cache
		 * invalidation does not invalidate the IOTLB: the guest follows
		 * a change with IOTLB invalidations, which the unit notes as
		 * usual); a changed one replays the whole space.
		 */
		if (hd->mode == mode && !memcmp(&hd->xc, &xc, sizeof(xc)))
			break;
		fallthrough;
	default:
		hd->xc = xc;
		vtd_hdev_to_ioas(hc, hd, mode);
		break;
	}
}

static void vtd_hdev_invalidate(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	bool vtd_s1 = hd->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD;
	u32 type = vtd_s1 ? IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 : VTD_MOCK_INV_DATA;
	struct kvm_vtd *vtd = hc->vtd;
	u32 n = hd->nr_inv, done;
	int rc;

	if (hd->inv_all) {
		struct iommu_hwpt_vtd_s1_invalidate *v = hd->inv;
		struct vtd_mock_inv *m = hd->inv;

		memset(hd->inv, 0, hd->inv_len);
		if (vtd_s1)
			v->npages = U64_MAX;
		else
			m->flags = VTD_MOCK_INV_ALL;
		n = 1;
	}
	done = n;
	rc = iommufd_ctx_hwpt_invalidate(hd->ictx, hd->nested_id, type, hd->inv, hd->inv_len,
					 &done);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_INV_CALLS);
	atomic64_add(done, &vtd->stats[KVM_VTD_STAT_HOST_INV_ENTRIES]);
	trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-invalidate", hd->nested_id, n, rc);
	if (rc || done != n) {
		vtd_host_error(vtd, hd);
		vtd_host_fault(hc, hd, VTD_FR_FS_PTPTR_INV, 0);
	}
}

/* Charge the flush's work to the exit. */
static void vtd_host_charge(struct vtd_host_ctx *hc)
{
	struct kvm_vtd *vtd = hc->vtd;
	u64 walk_pages = hc->g.gm.pages_read - hc->ctx_pages;

	vtd->work -= vtd_host_work(hc);
	atomic64_add(walk_pages, &vtd->stats[KVM_VTD_STAT_WALK_PAGES_READ]);
	atomic64_add(hc->g.gm.walks, &vtd->stats[KVM_VTD_STAT_WALKS]);
	atomic64_add(hc->g.gm.leaves, &vtd->stats[KVM_VTD_STAT_WALK_LEAVES]);
}

/**
 * kvm_vtd_host_flush() - program the host for what was noted
 * @vtd: the unit
 * @ev: the caller's events; faults for failed host calls are added
 *
 * First takes away, for every device, what the noted switches and
 * invalidations revoke: re-evaluates the devices they name, unmaps the
 * shadow runs they name and sends each nested device's collected
 * invalidations in one call.  That is never deferred.  Then gives back,
 * within what is left of the exit's work budget (&kvm_vtd.work): walks
 * the unmapped shadow ranges again and re-reads the PASID caches.  What
 * the budget does not cover stays noted: a guest exit defers it to the next
 * access (kvm_vtd_exit_flush()), an attribute call goes on with another
 * budget (kvm_vtd_host_finish()).
 *
 * Context: kvm_vtd.lock held; takes the kvm->srcu read side; may sleep.
 * Return: true when nothing is left, false when work was deferred.
 */
bool kvm_vtd_host_flush(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	struct vtd_host_ctx hc = { .vtd = vtd, .ev = ev, .budget = vtd->work };
	struct vtd_hdev *hd;
	bool done = true;
	u32 nested;
	int idx;

	lockdep_assert_held(&vtd->lock);
	if (!vtd->host_pending)
		return true;
	vtd->host_pending = false;

	kvm_vtd_gmem_init(vtd, &hc.g);
	kvm_vtd_xlate_cfg(vtd, &hc.cfg);
	idx = srcu_read_lock(&vtd->kvm->srcu);
	/* Taking away: every device, whatever the budget. */
	list_for_each_entry(hd, &vtd->hdevs, node) {
		/* Up to 64 devices: yield between. */
		cond_resched();
		if (hd->reeval) {
			nested = hd->nested_id;
			vtd_hdev_evaluate(&hc, hd);
			hc.calls++;
			/* A new HWPT is clean. */
			if (hd->nested_id != nested)
				hd->inv_all = false, hd->nr_inv = 0;
			hd->reeval = false;
		}
		if (hd->mode == KVM_VTD_DEVICE_SHADOW)
			vtd_shadow_take(&hc, hd);
		hd->sync_all = false;
		hd->nr_sync = 0;
		if (hd->mode == KVM_VTD_DEVICE_NESTED && (hd->inv_all || hd->nr_inv)) {
			vtd_hdev_invalidate(&hc, hd);
			hc.calls++;
		}
		hd->inv_all = false;
		hd->nr_inv = 0;
	}
	/* Giving back: as far as the budget goes. */
	list_for_each_entry(hd, &vtd->hdevs, node) {
		cond_resched();
		if (!vtd_shadow_give(&hc, hd) || !vtd_hpasid_sync(&hc, hd)) {
			done = false;
			break;
		}
	}
	srcu_read_unlock(&vtd->kvm->srcu, idx);
	vtd_host_charge(&hc);
	if (!done)
		vtd->host_pending = true;
	return done;
}

/**
 * kvm_vtd_host_finish() - program the host for everything noted (VMM calls)
 * @vtd: the unit
 * @ev: the caller's events
 *
 * For attribute calls (attach, restore, reset): flushes budget after budget,
 * yielding between, until nothing is left or the task is dying (then the
 * rest waits for the guest's next exit, with less access meanwhile).
 *
 * Context: kvm_vtd.lock held; in the VMM's task.
 */
void kvm_vtd_host_finish(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	lockdep_assert_held(&vtd->lock);
	for (;;) {
		vtd->work = VTD_EXIT_WORK;
		if (kvm_vtd_host_flush(vtd, ev))
			return;
		if (fatal_signal_pending(current))
			break;
		cond_resched();
	}
	/* Not an exit's budget running out: not counted as deferred. */
	vtd->deferred = true;
}

/**
 * kvm_vtd_host_note_switch() - every device must be re-evaluated
 * @vtd: the unit
 *
 * Context: kvm_vtd.lock held.
 */
void kvm_vtd_host_note_switch(struct kvm_vtd *vtd)
{
	struct vtd_hdev *hd;

	lockdep_assert_held(&vtd->lock);
	list_for_each_entry(hd, &vtd->hdevs, node) {
		hd->reeval = true;
		vtd_hpasid_note_all(vtd, hd);
	}
}

static bool vtd_hdev_scalable(const struct vtd_hdev *hd)
{
	return hd->xc.mode == VTD_XM_SM_FS || hd->xc.mode == VTD_XM_SM_SS ||
	       hd->xc.mode == VTD_XM_SM_PT;
}

/* Does a context- or PASID-cache invalidation name what the device uses? */
static bool vtd_hdev_named(const struct vtd_hdev *hd, u8 type, const struct vtd_inv_req *inv)
{
	u16 mask = ~((0x7 << (3 - inv->fm)) & 0x7);

	/*
	 * A blocked device has no cached entries to select by: with CAP.CM the
	 * guest invalidates after making its entries present, with whatever
	 * domain-id it chose, so any such invalidation re-reads them.
	 */
	if (hd->mode == KVM_VTD_DEVICE_BLOCKED)
		return true;
	if (!hd->xc.mode)	/* translation was off: nothing to re-read */
		return false;
	if (type == VTD_DESC_CC) {
		if (inv->actual == VTD_CC_GLOBAL)
			return true;
		if (inv->actual == VTD_CC_DOMAIN)
			return vtd_hdev_scalable(hd) || hd->xc.did == inv->did;
		return (hd->cfg.sid & mask) == (inv->sid & mask);
	}
	if (!vtd_hdev_scalable(hd))
		return false;
	return inv->actual == VTD_PC_GLOBAL ||
	       (inv->actual == VTD_PC_DOMAIN && hd->xc.did == inv->did) ||
	       (inv->actual == VTD_PC_PASID && hd->xc.did == inv->did &&
		hd->xc.pasid == inv->pasid);
}

static void vtd_hdev_note_range(struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	if (inv->actual != VTD_IOTLB_PAGE || hd->nr_sync == VTD_HOST_SYNC_MAX) {
		hd->sync_all = true;
		return;
	}
	hd->sync[hd->nr_sync].first = inv->addr;
	hd->sync[hd->nr_sync].last = inv->addr + (PAGE_SIZE << inv->am) - 1;
	hd->nr_sync++;
}

static void vtd_hdev_note_piotlb(struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	void *e = hd->inv + hd->nr_inv * hd->inv_len;

	if (hd->inv_all)
		return;
	if (inv->actual != VTD_PIOTLB_PAGE || hd->nr_inv == VTD_HOST_INV_MAX ||
	    (hd->hw_type != IOMMU_HW_INFO_TYPE_INTEL_VTD && inv->am)) {
		hd->inv_all = true;
		return;
	}
	hd->nr_inv++;
	memset(e, 0, hd->inv_len);
	if (hd->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD) {
		struct iommu_hwpt_vtd_s1_invalidate *v = e;

		v->addr = inv->addr;
		v->npages = 1ull << inv->am;
		v->flags = inv->ih ? IOMMU_VTD_INV_FLAGS_LEAF : 0;
	} else {
		struct vtd_mock_inv *m = e;

		m->iotlb_id = (inv->addr >> PAGE_SHIFT) % VTD_MOCK_IOTLB_SLOTS;
	}
}

/*
 * A device-TLB invalidation for a nested device.  The host driver flushes
 * the device's ATC with every invalidation of its HWPT (for VT-d:
 * "the device TLB will be invalidated automatically if ATS is enabled"),
 * so the range joins the HWPT invalidation; a range the drain already
 * invalidates, as when the guest follows a PASID-IOTLB invalidation with
 * the device-TLB one for the same pages, adds nothing.  Shadowed devices
 * need nothing: the host flushes the ATC when it unmaps.
 */
static void vtd_hdev_note_devtlb(struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	struct vtd_inv_req r = {
		.actual = inv->am >= VTD_DEVTLB_AM_ALL ? VTD_PIOTLB_PASID : VTD_PIOTLB_PAGE,
		.addr = inv->addr,
		.am = inv->am,
	};
	u32 n = hd->nr_inv;

	vtd_hdev_note_piotlb(hd, &r);
	if (n && hd->nr_inv == n + 1 &&
	    !memcmp(hd->inv + (n - 1) * hd->inv_len, hd->inv + n * hd->inv_len, hd->inv_len))
		hd->nr_inv = n;
}

/**
 * kvm_vtd_host_note() - note what an invalidation means for the devices
 * @vtd: the unit
 * @type: the descriptor type (VTD_DESC_*) of the invalidation
 * @inv: the invalidation as performed
 *
 * Context: kvm_vtd.lock held.  kvm_vtd_host_flush() acts on it.
 */
void kvm_vtd_host_note(struct kvm_vtd *vtd, u8 type, const struct vtd_inv_req *inv)
{
	struct vtd_hdev *hd;

	lockdep_assert_held(&vtd->lock);
	list_for_each_entry(hd, &vtd->hdevs, node) {
		switch (type) {
		case VTD_DESC_PC:
			/* The other PASIDs may be in any domain: every device syncs. */
			vtd_hpasid_note(vtd, hd, inv);
			fallthrough;
		case VTD_DESC_CC:
			if (!vtd_hdev_named(hd, type, inv))
				continue;
			hd->reeval = true;
			break;
		case VTD_DESC_IOTLB:
			if (inv->actual != VTD_IOTLB_GLOBAL && hd->xc.did != inv->did)
				continue;
			/* Second-stage mappings: the shadowed ones, in the range. */
			if (hd->mode == KVM_VTD_DEVICE_SHADOW)
				vtd_hdev_note_range(hd, inv);
			/* First-stage ones: all of the domain, whatever the range. */
			else if (hd->mode == KVM_VTD_DEVICE_NESTED)
				hd->inv_all = true;
			else
				continue;
			break;
		case VTD_DESC_PIOTLB:
			/* First-stage mappings: the nested ones. */
			if (hd->mode != KVM_VTD_DEVICE_NESTED || hd->xc.did != inv->did ||
			    hd->xc.pasid != inv->pasid)
				continue;
			vtd_hdev_note_piotlb(hd, inv);
			break;
		case VTD_DESC_DEVTLB:
		case VTD_DESC_PDEVTLB:
			/* Requests without PASID use the RID_PASID entry. */
			if (hd->mode != KVM_VTD_DEVICE_NESTED || hd->cfg.sid != inv->sid ||
			    (type == VTD_DESC_PDEVTLB && !inv->g && hd->xc.pasid != inv->pasid))
				continue;
			vtd_hdev_note_devtlb(hd, inv);
			break;
		default:
			continue;
		}
		vtd->host_pending = true;
	}
}

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
	hd->inv_len = hd->hw_type == IOMMU_HW_INFO_TYPE_INTEL_VTD ?
		      sizeof(struct iommu_hwpt_vtd_s1_invalidate) : sizeof(struct vtd_mock_inv);
	hd->inv = kcalloc(VTD_HOST_INV_MAX, hd->inv_len, GFP_KERNEL_ACCOUNT);
	if (!hd->inv) {
		rc = -ENOMEM;
		goto out_free;
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
	if (!vtd->host_scratch) {
		vtd->host_scratch = kvzalloc(sizeof(*vtd->host_scratch), GFP_KERNEL_ACCOUNT);
		if (!vtd->host_scratch) {
			rc = -ENOMEM;
			goto out_unlock;
		}
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
	kvfree(vtd->host_scratch);
	vtd->host_scratch = NULL;
}
