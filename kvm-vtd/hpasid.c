// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the PASID cache of an assigned device.
 *
 * For every assigned device the unit keeps a small entry per PASID whose
 * scalable-mode PASID table entry is present and valid: the translation
 * type, domain-id and table the guest programmed.  It follows the guest's
 * PASID-cache invalidations the way the architecture's PASID cache does:
 *
 *   global                 every entry of the device is re-read
 *   domain-selective       the entries of that domain-id are re-read
 *   PASID-selective        the entry of that PASID, if of that domain-id
 *
 * A re-read walks only the present PASID directory entries (and reads each
 * of their table pages once), bounded by the context entry's PDTS and by
 * the device's PASID width from the VMM (plus RID_PASID, PASID 0).  An
 * entry in the invalidation's scope that the walk does not find again (not
 * present, invalid, another domain-id now) is dropped.  Translation state
 * switches (SRTP, TE, reset, restore) re-read everything.
 *
 * The host is programmed for the RID_PASID entry only (host.c): 6.12's
 * iommufd attaches a device, not one of its PASIDs.  The other entries are
 * kept so that a kernel that can attach PASIDs programs each of them the
 * same way, and the VMM can read them (KVM_DEV_VTD_DEVICE_PASIDS).
 *
 * Memory: one 24-byte entry (a 32-byte slab object) per cached PASID plus
 * the xarray's nodes, at most 2^pasid_bits + 1 entries per device, charged
 * to the VMM's memory cgroup.
 *
 * Locking: kvm_vtd.lock, as everything of assigned devices (hdev.h).
 */
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include "hdev.h"
#include "spec/inval.h"
#include "trace.h"
#include "spec/walk.h"

/**
 * struct vtd_hpasid - one cached PASID table entry
 * @pasid: the PASID
 * @gen: &vtd_hdev.pasid_gen of the sync that last found it
 * @did: domain-id
 * @pgtt: VTD_PGTT_FS, VTD_PGTT_SS or VTD_PGTT_PT
 * @addr_width: first stage 48 or 57, second stage 39, 48 or 57, else 0
 * @flags: KVM_VTD_PASID_*
 * @pgtbl: first- or second-stage table pointer, 0 for pass-through
 */
struct vtd_hpasid {
	u32 pasid;
	u32 gen;
	u16 did;
	u8 pgtt;
	u8 addr_width;
	u8 flags;
	u64 pgtbl;
};

/* One re-read: the device, the invalidation's scope, the first failure. */
struct vtd_hpasid_walk {
	struct kvm_vtd *vtd;
	struct vtd_hdev *hd;
	const struct vtd_inv_req *scope;	/* NULL: global */
	int err;
};

static bool vtd_hpasid_in_scope(const struct vtd_inv_req *scope, u32 pasid, u16 did)
{
	const struct vtd_inv_key k = { .did = did, .pasid = pasid, .scalable = true };

	return !scope || vtd_inv_names_pasid(scope, &k);
}

static void vtd_hpasid_from_pe(struct vtd_hpasid *e, const struct vtd_pasid_entry *pe)
{
	e->did = pe->did;
	e->pgtt = pe->pgtt;
	e->flags = (pe->sre ? KVM_VTD_PASID_SRE : 0) | (pe->wpe ? KVM_VTD_PASID_WPE : 0) |
		   (pe->eafe ? KVM_VTD_PASID_EAFE : 0);
	switch (pe->pgtt) {
	case VTD_PGTT_FS:
		e->addr_width = pe->flpm ? 57 : 48;
		e->pgtbl = pe->flptptr;
		break;
	case VTD_PGTT_SS:
		e->addr_width = 30 + 9 * pe->aw;
		e->pgtbl = pe->slptptr;
		e->flags = 0;
		break;
	default:
		e->addr_width = 0;
		e->pgtbl = 0;
		e->flags = 0;
		break;
	}
}

/* A usable PASID entry the walk found: add or update it if in scope. */
static int vtd_hpasid_fill(void *opaque, u32 pasid, const struct vtd_pasid_entry *pe)
{
	struct vtd_hpasid_walk *w = opaque;
	struct vtd_hdev *hd = w->hd;
	struct vtd_hpasid new = { .pasid = pasid }, *e;
	const char *what = "update";

	if (!vtd_hpasid_in_scope(w->scope, pasid, pe->did))
		return 0;
	vtd_hpasid_from_pe(&new, pe);
	new.gen = hd->pasid_gen;
	e = xa_load(&hd->pasids, pasid);
	if (e) {
		if (e->did == new.did && e->pgtt == new.pgtt &&
		    e->addr_width == new.addr_width && e->flags == new.flags &&
		    e->pgtbl == new.pgtbl) {
			e->gen = new.gen;
			return 0;
		}
		*e = new;
	} else {
		e = kmemdup(&new, sizeof(new), GFP_KERNEL_ACCOUNT);
		if (!e)
			return -ENOMEM;
		if (xa_err(xa_store(&hd->pasids, pasid, e, GFP_KERNEL_ACCOUNT))) {
			kfree(e);
			return -ENOMEM;
		}
		hd->nr_pasids++;
		what = "add";
	}
	kvm_vtd_stat_inc(w->vtd, KVM_VTD_STAT_HOST_PASID_UPDATES);
	trace_kvm_vtd_host_pasid(w->vtd->id, hd->cfg.sid, pasid, what, e->pgtt, e->did, e->pgtbl);
	return 0;
}

static void vtd_hpasid_drop(struct kvm_vtd *vtd, struct vtd_hdev *hd, struct vtd_hpasid *e)
{
	xa_erase(&hd->pasids, e->pasid);
	hd->nr_pasids--;
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_PASID_DROPS);
	trace_kvm_vtd_host_pasid(vtd->id, hd->cfg.sid, e->pasid, "drop", e->pgtt, e->did,
				 e->pgtbl);
	kfree(e);
}

/*
 * Re-read the entries @scope names (NULL: all), then drop what is gone.
 * A re-read of all of them stops when the budget runs out and goes on from
 * &vtd_hdev.psync_next at the next call; one of a scope starts over.
 *
 * Return: true when done, false when the budget ran out.
 */
static bool vtd_hpasid_sync_one(struct vtd_host_ctx *hc, struct vtd_hdev *hd,
				const struct vtd_sm_ctx *ce, const struct vtd_inv_req *scope)
{
	struct vtd_scratch *s = &hc->vtd->scratch;
	struct vtd_hpasid_walk w = { .vtd = hc->vtd, .hd = hd, .scope = scope };
	u32 first = 0, last = U32_MAX, from, dev_last, rid, next;
	u64 pages = max_t(s64, vtd_host_work_left(hc) / VTD_WORK_PAGE, 1);
	struct vtd_hpasid *e;
	unsigned long idx;
	bool dev;
	int rc;

	if (scope && scope->actual == VTD_PC_PASID) {
		first = scope->pasid;
		last = scope->pasid;
	}
	from = first;
	if (!scope && hd->psync_busy)
		from = hd->psync_next;
	else
		hd->pasid_gen++;
	if (ce) {
		/* The PASIDs the device issues (with PASIDE), and RID_PASID. */
		dev = ce->paside && hd->cfg.pasid_bits;
		dev_last = dev ? BIT(hd->cfg.pasid_bits) - 1 : 0;
		if (dev && from <= dev_last) {
			rc = vtd_pasid_range_walk(&hc->g.gm, &hc->cfg, ce, from,
						  min(last, dev_last), s->x.page, s->table,
						  vtd_hpasid_fill, &w, pages, &next);
			if (rc == -EAGAIN) {
				hd->psync_busy = !scope;
				hd->psync_next = next;
				return false;
			}
			w.err = rc;
		}
		rid = VTD_RID_PASID;
		if (!w.err && rid >= first && rid <= last && (!dev || rid > dev_last))
			w.err = vtd_pasid_range_walk(&hc->g.gm, &hc->cfg, ce, rid, rid, s->x.page,
						     s->table, vtd_hpasid_fill, &w, 0, NULL);
	}
	hd->psync_busy = false;
	if (w.err)
		vtd_host_error(hc->vtd, hd);
	xa_for_each_range(&hd->pasids, idx, e, first, last)
		if (e->gen != hd->pasid_gen && vtd_hpasid_in_scope(scope, e->pasid, e->did))
			vtd_hpasid_drop(hc->vtd, hd, e);
	return true;
}

/**
 * vtd_hpasid_sync() - carry out the PASID-cache invalidations noted
 * @hc: the flush
 * @hd: the device
 *
 * Within the flush's budget: a sync that runs out becomes a re-read of
 * every entry, which the next calls carry on from where it stopped.
 *
 * Context: kvm_vtd.lock and the kvm->srcu read side held; may sleep.
 * Return: true when nothing is left, false when the budget ran out.
 */
bool vtd_hpasid_sync(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	struct kvm_vtd *vtd = hc->vtd;
	struct vtd_sm_ctx ce, *cep = NULL;
	u64 before = hc->g.gm.pages_read;
	bool done = true;
	u32 i;

	lockdep_assert_held(&vtd->lock);
	if (!hd->psync_all && !hd->nr_psync)
		return true;
	if (vtd_host_work_left(hc) <= 0)
		return false;
	if (!hd->psync_busy)
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_PASID_SYNCS);
	/* Without scalable-mode translation no PASID entry applies. */
	if (hc->cfg.te && (hc->cfg.ecap & VTD_ECAP_SMTS) &&
	    FIELD_GET(VTD_RTADDR_TTM, hc->cfg.rta) == VTD_RTADDR_TTM_SCALABLE &&
	    !vtd_sm_context(&hc->g.gm, &hc->cfg, hd->cfg.sid, hc->vtd->scratch.x.page, &ce))
		cep = &ce;
	atomic64_add(hc->g.gm.pages_read - before, &vtd->stats[KVM_VTD_STAT_CTX_PAGES_READ]);
	hc->ctx_pages += hc->g.gm.pages_read - before;
	before = hc->g.gm.pages_read;
	if (hd->psync_all)
		done = vtd_hpasid_sync_one(hc, hd, cep, NULL);
	for (i = 0; done && !hd->psync_all && i < hd->nr_psync; i++) {
		if (!vtd_hpasid_sync_one(hc, hd, cep, &hd->psync[i])) {
			/* Too big for one exit: all of it, resumably. */
			hd->psync_all = true;
			done = false;
		}
	}
	if (done) {
		hd->psync_all = false;
		hd->nr_psync = 0;
	}
	atomic64_add(hc->g.gm.pages_read - before, &vtd->stats[KVM_VTD_STAT_PASID_PAGES_READ]);
	hc->ctx_pages += hc->g.gm.pages_read - before;
	return done;
}

/**
 * vtd_hpasid_note() - a PASID-cache invalidation, for the device's cache
 * @vtd: the unit
 * @hd: the device
 * @inv: the invalidation as performed
 *
 * Context: kvm_vtd.lock held.  vtd_hpasid_sync() acts on it.
 */
void vtd_hpasid_note(struct kvm_vtd *vtd, struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	lockdep_assert_held(&vtd->lock);
	if (inv->actual == VTD_PC_GLOBAL || hd->nr_psync == VTD_HOST_PSYNC_MAX)
		hd->psync_all = true;
	else if (!hd->psync_all)
		hd->psync[hd->nr_psync++] = *inv;
	/* What a stopped re-read passed may have changed: start over. */
	hd->psync_busy = false;
	vtd->host_pending = true;
}

/**
 * vtd_hpasid_note_all() - the device's whole PASID cache must be re-read
 * @vtd: the unit
 * @hd: the device
 *
 * Context: kvm_vtd.lock held.
 */
void vtd_hpasid_note_all(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	lockdep_assert_held(&vtd->lock);
	hd->psync_all = true;
	hd->psync_busy = false;
	vtd->host_pending = true;
}

/**
 * vtd_hpasid_clear() - drop the device's PASID cache (detach)
 * @vtd: the unit
 * @hd: the device
 */
void vtd_hpasid_clear(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	struct vtd_hpasid *e;
	unsigned long idx;

	xa_for_each(&hd->pasids, idx, e)
		kfree(e);
	xa_destroy(&hd->pasids);
	hd->nr_pasids = 0;
}

/**
 * vtd_hpasid_list() - copy out cached entries, for KVM_DEV_VTD_DEVICE_PASIDS
 * @vtd: the unit
 * @hd: the device
 * @first: the lowest PASID to copy
 * @out: room for @nr entries
 * @nr: entries @out holds
 *
 * Context: kvm_vtd.lock held.
 * Return: the number of entries copied.
 */
int vtd_hpasid_list(struct kvm_vtd *vtd, struct vtd_hdev *hd, u32 first,
		    struct kvm_vtd_pasid_info *out, u32 nr)
{
	struct vtd_hpasid *e;
	unsigned long idx;
	u32 n = 0;

	lockdep_assert_held(&vtd->lock);
	xa_for_each_start(&hd->pasids, idx, e, first) {
		if (n == nr)
			break;
		out[n++] = (struct kvm_vtd_pasid_info) {
			.pasid = e->pasid,
			.did = e->did,
			.pgtt = e->pgtt,
			.addr_width = e->addr_width,
			.flags = e->flags,
			.pgtbl = e->pgtbl,
		};
	}
	return n;
}
