// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: keeping assigned devices' host attachment equal to what the
 * guest programmed: the re-evaluation engine.
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
 * The mechanisms are hdev.c, shadow.c, nested.c and hpasid.c; the VMM's
 * attributes (attach, detach, state) are attach.c.
 *
 * Locking: everything here runs under kvm_vtd.lock, which is taken outside
 * iommufd's locks and the VMM's mmap_lock (pinning for shadow maps).
 */
#include <linux/kvm_host.h>

#include "hdev.h"
#include "spec/inval.h"
#include "trace.h"

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
		fault = vtd_resolve(&hc->g.gm, &hc->cfg, &x, &vtd->scratch.x, &xc);
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
			vtd_nested_invalidate(&hc, hd);
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

/* Does a context- or PASID-cache invalidation name what the device uses? */
static bool vtd_hdev_named(const struct vtd_hdev *hd, u8 type, const struct vtd_inv_req *inv)
{
	const struct vtd_inv_key k = {
		.sid = hd->cfg.sid,
		.did = hd->xc.did,
		.pasid = hd->xc.pasid,
		.scalable = vtd_xm_scalable(hd->xc.mode),
	};

	/*
	 * A blocked device has no cached entries to select by: with CAP.CM the
	 * guest invalidates after making its entries present, with whatever
	 * domain-id it chose, so any such invalidation re-reads them.
	 */
	if (hd->mode == KVM_VTD_DEVICE_BLOCKED)
		return true;
	if (!hd->xc.mode)	/* translation was off: nothing to re-read */
		return false;
	if (type == VTD_DESC_CC)
		return vtd_inv_names_context(inv, &k);
	return vtd_inv_names_pasid(inv, &k);
}

static void vtd_hdev_note_range(struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	if (inv->actual != VTD_IOTLB_PAGE || hd->nr_sync == VTD_HOST_SYNC_MAX) {
		hd->sync_all = true;
		return;
	}
	hd->sync[hd->nr_sync].first = inv->addr;
	hd->sync[hd->nr_sync].last = vtd_inv_last(inv->addr, inv->am);
	hd->nr_sync++;
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
			if (!vtd_inv_names_domain(inv, hd->xc.did))
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
			vtd_nested_note_piotlb(hd, inv);
			break;
		case VTD_DESC_DEVTLB:
		case VTD_DESC_PDEVTLB:
			/* Requests without PASID use the RID_PASID entry. */
			if (hd->mode != KVM_VTD_DEVICE_NESTED || hd->cfg.sid != inv->sid ||
			    (type == VTD_DESC_PDEVTLB && !inv->g && hd->xc.pasid != inv->pasid))
				continue;
			vtd_nested_note_devtlb(hd, inv);
			break;
		default:
			continue;
		}
		vtd->host_pending = true;
	}
}
