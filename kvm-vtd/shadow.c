// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the shadow IOAS of an assigned device.
 *
 * A device the guest translates with a legacy or second-stage table sits on
 * its shadow IOAS, where the unit maps each present leaf's IOVA to the HVA
 * of the memslot behind its GPA.  It maps in runs: a run goes on while
 * IOVA, GPA, HVA and access go on together, and never crosses a multiple
 * of VTD_SHADOW_WINDOW (2 MiB) of IOVA.  iommufd unmaps only whole runs, so
 * the window is what bounds the cost of an invalidation of one page: the
 * runs it overlaps (at most a window on either side of the range) are
 * unmapped and walked again, never all of guest memory.
 *
 * A flush works in two phases:
 *  - taking away (vtd_shadow_take()): the runs an invalidation names are
 *    unmapped at once, one call per noted range, whatever the budget, so a
 *    device never keeps access past the completion of the invalidation
 *    that revoked it;
 *  - giving back (vtd_shadow_give()): the unmapped ranges are walked again
 *    and what the guest's table says is mapped, within the exit's work
 *    budget.  A walk that runs out stops at an address it can go on from,
 *    in a later exit.  Until then the device has less access, never more.
 *
 * A deleted memslot (the page-track notifier, attach.c) has its runs unmapped
 * at once and their ranges walked again later, which maps nothing there.
 *
 * Context: kvm_vtd.lock held throughout; walks hold the kvm->srcu read side.
 */
#include <linux/interval_tree.h>
#include <linux/iommufd.h>
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <uapi/linux/iommufd.h>

#include "hdev.h"
#include "trace.h"
#include "spec/walk.h"

MODULE_IMPORT_NS(IOMMUFD);

/* A walk stopped for the budget: vtd_shadow_walk.resume says where. */
#define VTD_SHADOW_STOP		1

/* One mapped run: IOVA [it.start, it.last] -> GPA @gpa on. */
struct vtd_shadow_run {
	struct interval_tree_node it;
	u64 gpa;
};

static struct vtd_shadow_run *to_run(struct interval_tree_node *it)
{
	return container_of(it, struct vtd_shadow_run, it);
}

static u8 vtd_shadow_reason(const struct vtd_hdev *hd)
{
	return hd->xc.mode == VTD_XM_LEGACY ? VTD_FR_PAGING_ENTRY_INV : VTD_FR_SS_ACCESS;
}

static void vtd_shadow_forget(struct vtd_hdev *hd, struct vtd_shadow_run *run)
{
	interval_tree_remove(&run->it, &hd->runs);
	hd->nr_runs--;
	hd->shadow_bytes -= run->it.last - run->it.start + 1;
	kfree(run);
}

/*
 * One unmap call for [@first, @last], which holds whole runs only (and
 * nothing else: the IOAS is the unit's).
 */
static void vtd_shadow_unmap(struct kvm_vtd *vtd, struct vtd_hdev *hd, u64 first, u64 last)
{
	unsigned long unmapped = 0;
	int rc;

	rc = iommufd_ctx_ioas_unmap(hd->ictx, hd->cfg.shadow_ioas_id, first,
				    last - first + 1, &unmapped);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_SHADOW_UNMAP_CALLS);
	atomic64_add(unmapped, &vtd->stats[KVM_VTD_STAT_SHADOW_UNMAP_BYTES]);
	trace_kvm_vtd_shadow(vtd->id, hd->cfg.sid, false, first, last - first + 1, 0, rc);
	if (rc)
		vtd_host_error(vtd, hd);
}

/*
 * Unmap every run overlapping [*@first, *@last] in one call over their
 * span (every run inside it overlaps the range too), and widen the range
 * to what was unmapped.
 */
static void vtd_shadow_unmap_range(struct kvm_vtd *vtd, struct vtd_hdev *hd, u64 *first,
				   u64 *last)
{
	struct interval_tree_node *it;
	u64 lo = *first, hi = *last;

	it = interval_tree_iter_first(&hd->runs, lo, hi);
	if (!it)
		return;
	*first = min(*first, it->start);
	lo = it->start;
	while (it) {
		struct interval_tree_node *next = interval_tree_iter_next(it, *first, *last);

		hi = it->last;
		*last = max(*last, hi);
		vtd_shadow_forget(hd, to_run(it));
		it = next;
	}
	vtd_shadow_unmap(vtd, hd, lo, hi);
}

/**
 * vtd_shadow_clear() - unmap every run and forget what was to be re-walked
 * @vtd: the unit
 * @hd: the device
 */
void vtd_shadow_clear(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	u64 first = 0, last = U64_MAX;

	vtd_shadow_unmap_range(vtd, hd, &first, &last);
	hd->nr_remap = 0;
	hd->remap_pages = 0;
}

static bool vtd_range_touch(const struct vtd_range *r, u64 first, u64 last)
{
	return (last == U64_MAX || last + 1 >= r->first) &&
	       (r->last == U64_MAX || r->last + 1 >= first);
}

/*
 * A range to walk again, merged with those it touches.  When there is no
 * room everything is unmapped and walked again (at the next take).
 */
static void vtd_shadow_remap_add(struct vtd_hdev *hd, u64 first, u64 last)
{
	u32 i = 0;

	while (i < hd->nr_remap) {
		struct vtd_range *r = &hd->remap[i];

		if (!vtd_range_touch(r, first, last)) {
			i++;
			continue;
		}
		first = min(first, r->first);
		last = max(last, r->last);
		*r = hd->remap[--hd->nr_remap];
		i = 0;
	}
	if (hd->nr_remap == VTD_HOST_SYNC_MAX) {
		hd->sync_all = true;
		return;
	}
	hd->remap[hd->nr_remap++] = (struct vtd_range){ first, last };
}

/**
 * vtd_shadow_take() - unmap what the noted invalidations name
 * @hc: the flush
 * @hd: a shadowed device
 *
 * Never deferred: costs one unmap call per noted range.
 */
void vtd_shadow_take(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	u32 i;

	for (i = 0; !hd->sync_all && i < hd->nr_sync; i++) {
		u64 first = hd->sync[i].first, last = hd->sync[i].last;

		vtd_shadow_unmap_range(hc->vtd, hd, &first, &last);
		hc->calls++;
		vtd_shadow_remap_add(hd, first, last);
	}
	if (hd->sync_all) {
		vtd_shadow_clear(hc->vtd, hd);
		hc->calls++;
		vtd_shadow_remap_add(hd, 0, U64_MAX);
	}
	hd->sync_all = false;
	hd->nr_sync = 0;
}

/* A walk over one range: where it maps from, the run being built, the end. */
struct vtd_shadow_walk {
	struct vtd_host_ctx *hc;
	struct vtd_hdev *hd;
	struct kvm_memslots *slots;
	u64 first;
	u64 last;
	u64 iova;
	u64 gpa;
	u64 hva;
	u64 len;
	u32 flags;
	u64 resume;
	int err;
};

/* Out of budget: go on from @addr, or from the run not mapped yet. */
static int vtd_shadow_stop(struct vtd_shadow_walk *sw, u64 addr)
{
	sw->resume = sw->len ? sw->iova : addr;
	sw->len = 0;
	return VTD_SHADOW_STOP;
}

/* Map the run built so far. */
static int vtd_shadow_emit(struct vtd_shadow_walk *sw)
{
	struct kvm_vtd *vtd = sw->hc->vtd;
	struct vtd_hdev *hd = sw->hd;
	struct vtd_shadow_run *run = NULL;
	int rc;

	if (!sw->len)
		return 0;
	if (vtd_host_work_left(sw->hc) <= 0)
		return vtd_shadow_stop(sw, sw->iova);
	if (hd->nr_runs >= VTD_SHADOW_RUNS_MAX) {
		rc = -ENOSPC;
	} else {
		run = kzalloc(sizeof(*run), GFP_KERNEL_ACCOUNT);
		rc = run ? 0 : -ENOMEM;
	}
	if (!rc) {
		rc = iommufd_ctx_ioas_map(hd->ictx, hd->cfg.shadow_ioas_id, sw->iova,
					  u64_to_user_ptr(sw->hva), sw->len, sw->flags);
		sw->hc->calls++;
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_SHADOW_MAP_CALLS);
		trace_kvm_vtd_shadow(vtd->id, hd->cfg.sid, true, sw->iova, sw->len, sw->hva, rc);
	}
	if (rc) {
		kfree(run);
		vtd_host_error(vtd, hd);
		vtd_host_fault(sw->hc, hd, vtd_shadow_reason(hd), sw->iova);
		sw->err = rc;
		sw->len = 0;
		return rc;
	}
	atomic64_add(sw->len, &vtd->stats[KVM_VTD_STAT_SHADOW_MAP_BYTES]);
	run->it.start = sw->iova;
	run->it.last = sw->iova + sw->len - 1;
	run->gpa = sw->gpa;
	interval_tree_insert(&run->it, &hd->runs);
	hd->nr_runs++;
	hd->shadow_bytes += sw->len;
	sw->len = 0;
	return 0;
}

/* @n bytes at @iova -> @gpa / @hva: onto the run, or runs of their own. */
static int vtd_shadow_add(struct vtd_shadow_walk *sw, u64 iova, u64 gpa, u64 hva, u64 n,
			  u32 flags)
{
	int rc;

	while (n) {
		u64 win_last = iova | (VTD_SHADOW_WINDOW - 1);
		u64 len = min(n, win_last - iova + 1);

		if (sw->len && sw->iova + sw->len == iova && sw->gpa + sw->len == gpa &&
		    sw->hva + sw->len == hva && sw->flags == flags &&
		    (sw->iova | (VTD_SHADOW_WINDOW - 1)) == win_last) {
			sw->len += len;
		} else {
			rc = vtd_shadow_emit(sw);
			if (rc)
				return rc;
			if (flags) {
				sw->iova = iova;
				sw->gpa = gpa;
				sw->hva = hva;
				sw->len = len;
				sw->flags = flags;
			}
		}
		iova += len;
		gpa += len;
		hva += len;
		n -= len;
	}
	return 0;
}

/*
 * One leaf of the guest's table, clipped to the walk's range: map what
 * memslots back.  GPAs without a memslot are left unmapped: DMA there
 * aborts on the host as it would fault on real hardware.
 *
 * The cost is one memslot-tree lookup plus one step per memslot and per
 * window the leaf overlaps: a guest's 1 GiB leaves aimed where no memory
 * is cost the same as 4 KiB ones.
 */
static int vtd_shadow_leaf(void *opaque, const struct vtd_leaf *leaf)
{
	struct vtd_shadow_walk *sw = opaque;
	u64 lo = max(leaf->iova, sw->first);
	u64 hi = min(leaf->iova + leaf->size - 1, sw->last);
	gfn_t start = (leaf->gpa + (lo - leaf->iova)) >> PAGE_SHIFT;
	gfn_t end = start + ((hi - lo + 1) >> PAGE_SHIFT);
	struct kvm_memslot_iter iter;
	int rc;

	if (vtd_host_work_left(sw->hc) <= 0)
		return vtd_shadow_stop(sw, lo);
	/*
	 * A run the leaf does not continue is mapped now, not when the next
	 * backed leaf comes: a stop must never have to drop a run that
	 * unbacked leaves after it kept pending, or the next exit would walk
	 * them again from its start, and the one after, for ever.
	 */
	if (sw->len && sw->iova + sw->len != lo) {
		rc = vtd_shadow_emit(sw);
		if (rc)
			return rc;
	}
	kvm_for_each_memslot_in_gfn_range(&iter, sw->slots, start, end) {
		struct kvm_memory_slot *slot = iter.slot;
		gfn_t first = max(start, slot->base_gfn);
		gfn_t last = min(end, slot->base_gfn + slot->npages);
		u32 flags = 0;

		if (slot->flags & KVM_MEMSLOT_INVALID)
			continue;
		if (leaf->perm & VTD_PERM_R)
			flags |= IOMMU_IOAS_MAP_READABLE;
		if ((leaf->perm & VTD_PERM_W) && !(slot->flags & KVM_MEM_READONLY))
			flags |= IOMMU_IOAS_MAP_WRITEABLE;
		rc = vtd_shadow_add(sw, lo + ((first - start) << PAGE_SHIFT), first << PAGE_SHIFT,
				    __gfn_to_hva_memslot(slot, first),
				    (last - first) << PAGE_SHIFT, flags);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Map what the guest's table says over [@r->first, @r->last], which holds
 * no run.  Return: true when done, false when the budget ran out, with
 * @r->first moved to where to go on.
 */
static bool vtd_shadow_walk_range(struct vtd_host_ctx *hc, struct vtd_hdev *hd,
				  struct vtd_range *r)
{
	struct vtd_xlate_scratch *s = &hc->vtd->scratch.x;
	u64 top = hd->xc.width >= 64 ? U64_MAX : BIT_ULL(hd->xc.width) - 1;
	struct vtd_shadow_walk sw = {
		.hc = hc, .hd = hd, .slots = kvm_memslots(hc->vtd->kvm),
		.first = r->first, .last = min(r->last, top),
	};
	u64 before = hc->g.gm.pages_read, pages;
	s64 left = vtd_host_work_left(hc);
	int rc;

	/* Pinning for the map calls is on the VMM's mm. */
	if (current->mm != hc->vtd->kvm->mm || r->first > top)
		return true;
	if (left <= 0)
		return false;
	if (hd->remap_pages >= VTD_SHADOW_WALK_PAGES) {
		/* A table this big (or this loopy) is not shadowed past here. */
		vtd_host_fault(hc, hd, vtd_shadow_reason(hd), r->first);
		return true;
	}
	pages = min_t(u64, VTD_SHADOW_WALK_PAGES - hd->remap_pages,
		      max_t(s64, left / VTD_WORK_PAGE, 1));
	rc = vtd_range_walk(&hc->g.gm, &hc->cfg, &hd->xc, &s->walk, sw.first, sw.last,
			    vtd_shadow_leaf, &sw, pages);
	hd->remap_pages += hc->g.gm.pages_read - before;
	if (!rc)
		rc = vtd_shadow_emit(&sw);
	else if (rc == -EFAULT && s->walk.err == VTD_WALK_BUDGET)
		rc = vtd_shadow_stop(&sw, s->walk.fault_addr);
	if (rc != VTD_SHADOW_STOP)
		/* Other walk errors leave the bad part unmapped, which blocks it. */
		return true;
	r->first = sw.resume;
	return false;
}

/**
 * vtd_shadow_give() - map again what was unmapped, within the budget
 * @hc: the flush
 * @hd: the device
 *
 * Return: true when nothing is left to map, false when the budget ran out.
 */
bool vtd_shadow_give(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	while (hd->nr_remap) {
		if (!vtd_shadow_walk_range(hc, hd, &hd->remap[hd->nr_remap - 1]))
			return false;
		hd->nr_remap--;
	}
	hd->remap_pages = 0;
	return true;
}

/**
 * vtd_shadow_slot_gone() - a memslot is being deleted: unmap its runs
 * @vtd: the unit
 * @hd: the device
 * @gpa: the slot's first GPA
 * @len: its size
 *
 * The runs' ranges are walked again at the next flush: whatever another
 * memslot still backs there comes back.
 *
 * Return: nothing; the device's access to the slot is gone on return.
 */
void vtd_shadow_slot_gone(struct kvm_vtd *vtd, struct vtd_hdev *hd, u64 gpa, u64 len)
{
	struct interval_tree_node *it, *next;

	lockdep_assert_held(&vtd->lock);
	for (it = interval_tree_iter_first(&hd->runs, 0, ULONG_MAX); it; it = next) {
		struct vtd_shadow_run *run = to_run(it);
		u64 first = it->start, last = it->last;

		next = interval_tree_iter_next(it, 0, ULONG_MAX);
		if (run->gpa >= gpa + len || gpa > run->gpa + (last - first))
			continue;
		vtd_shadow_forget(hd, run);
		vtd_shadow_unmap(vtd, hd, first, last);
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_SHADOW_SLOT_UNMAPS);
		vtd_shadow_remap_add(hd, first, last);
		cond_resched();
	}
}
