// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: translation of one request from source-id, PASID and address to
 * guest physical address (VT-d spec, "DMA Remapping": legacy mode,
 * scalable mode with first-stage, second-stage and pass-through PASID
 * entries).  Pure code over struct vtd_gmem; the KVM glue is translate.c.
 *
 * A translation has three stages: resolve (root, context and PASID
 * structures -> struct vtd_xlate_ctx; cacheable per source-id and PASID),
 * the request's checks against that (privilege, address width), and the
 * leaf (page walk; cacheable per domain-id, PASID and address) with the
 * request's permission checks.  vtd_translate_cached() answers the two
 * cacheable stages from struct vtd_cache when it can.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "cache.h"
#include "regs.h"
#include "walk.h"

/* The fault reasons a walk's failures map to, per table format. */
struct vtd_walk_faults {
	u8 root_access;		/* the top table cannot be read */
	u8 access;		/* a lower table cannot be read */
	u8 rsvd;		/* reserved bit in a paging entry */
	u8 write;		/* write without permission (or not present) */
	u8 read;		/* read without permission (or not present) */
};

static const struct vtd_walk_faults legacy_ss_faults = {
	VTD_FR_PAGING_ENTRY_INV, VTD_FR_PAGING_ENTRY_INV, VTD_FR_PAGING_ENTRY_RSVD,
	VTD_FR_WRITE, VTD_FR_READ,
};

static const struct vtd_walk_faults sm_ss_faults = {
	VTD_FR_SS_PTPTR_INV, VTD_FR_SS_ACCESS, VTD_FR_SS_RSVD,
	VTD_FR_SM_WRITE, VTD_FR_SM_READ,
};

static const struct vtd_walk_faults sm_fs_faults = {
	VTD_FR_FS_PTPTR_INV, VTD_FR_FS_ACCESS, VTD_FR_FS_RSVD,
	VTD_FR_SM_WRITE, VTD_FR_SM_READ,
};

/* Identity blocks a result names: a 4 KiB page up to the largest leaf, 1 GiB. */
#define VTD_IDENTITY_MIN	BIT_ULL(12)
#define VTD_IDENTITY_MAX	BIT_ULL(30)

/*
 * A request that passes through, read and write.  Every address does the
 * same, so the result names the naturally aligned block of up to 1 GiB
 * around it that stays clear of the interrupt range (whose pages are 4 KiB
 * blocks of their own): a VMM that keeps results (QEMU maps a DMA buffer
 * through one) then asks once per block, not once per page.  The range is
 * 1 MiB aligned, so a block of 1 MiB or less is inside it or clear of it.
 */
static void vtd_identity(struct vtd_xlate *x)
{
	u64 size = VTD_IDENTITY_MAX, base;

	for (; size > VTD_IDENTITY_MIN; size >>= 1) {
		base = x->iova & ~(size - 1);
		if (base > VTD_INTR_ADDR_LAST || base + (size - 1) < VTD_INTR_ADDR_FIRST)
			break;
	}
	x->gpa = x->iova;
	x->size = size;
	x->perm = VTD_PERM_R | VTD_PERM_W;
}

/* The one leaf a single-address walk finds. */
struct vtd_capture {
	bool found;
	struct vtd_leaf leaf;
};

static int vtd_capture(void *opaque, const struct vtd_leaf *leaf)
{
	struct vtd_capture *c = opaque;

	c->found = true;
	c->leaf = *leaf;
	return 0;
}

static void vtd_walk_init(struct vtd_walk *w, struct vtd_gmem *gm,
			  const struct vtd_xlate_cfg *cfg, const struct vtd_xlate_ctx *xc,
			  void *opaque)
{
	unsigned int sllps = FIELD_GET(VTD_CAP_SLLPS, cfg->cap);

	w->gm = gm;
	w->root = xc->root;
	w->levels = xc->levels;
	w->haw = cfg->haw;
	w->first_stage = xc->first_stage;
	w->sp_2m = xc->first_stage || (sllps & VTD_SLLPS_2M);
	w->sp_1g = xc->first_stage ? cfg->cap & VTD_CAP_FL1GP : sllps & VTD_SLLPS_1G;
	w->tm = cfg->ecap & VTD_ECAP_DT;
	/*
	 * SNP: a field with snoop control; in scalable mode always (Linux
	 * sets it there without ECAP.SC, and snooping is the PASID entry's).
	 */
	w->snp = xc->mode == VTD_XM_SM_SS || (cfg->ecap & VTD_ECAP_SC);
	w->holes = false;
	w->max_pages = 0;
	w->hook = vtd_capture;
	w->opaque = opaque;
}

static u8 vtd_resolve_legacy(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			     struct vtd_xlate *x, struct vtd_xlate_scratch *s,
			     struct vtd_xlate_ctx *xc)
{
	unsigned int sagaw = FIELD_GET(VTD_CAP_SAGAW, cfg->cap);
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, cfg->cap) + 1;
	struct vtd_ctx_entry ce;
	u64 before = gm->pages_read;
	bool multi;
	int rc;

	if (x->pasid_present)
		return VTD_FR_SM_TTM0_PASID;
	rc = vtd_legacy_context(gm, cfg->rta, x->sid, cfg->haw, s->page, &ce);
	x->ctx_pages = gm->pages_read - before;
	xc->fpd = ce.fpd;
	xc->did = ce.did;
	if (rc)
		return rc;
	if (ce.tt == VTD_TT_PT && (cfg->ecap & VTD_ECAP_PT)) {
		xc->mode = VTD_XM_LEGACY_PT;
		xc->width = cfg->haw;
		return 0;
	}
	/*
	 * Device-TLB translation (TT 1) needs ECAP.DT; it translates
	 * untranslated requests as multi-level does.
	 */
	multi = ce.tt == VTD_TT_MULTI || (ce.tt == VTD_TT_DEV_TLB && (cfg->ecap & VTD_ECAP_DT));
	if (!multi || !(sagaw & BIT(ce.aw)))
		return VTD_FR_CONTEXT_ENTRY_INV;
	xc->mode = VTD_XM_LEGACY;
	xc->levels = ce.aw + 2;
	xc->width = min(30 + 9 * ce.aw, mgaw);
	xc->root = ce.slptptr;
	return 0;
}

static u8 vtd_resolve_sm(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			 struct vtd_xlate *x, struct vtd_xlate_scratch *s,
			 struct vtd_xlate_ctx *xc)
{
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, cfg->cap) + 1;
	struct vtd_pasid_entry pe;
	struct vtd_sm_ctx ce;
	u64 before = gm->pages_read;
	int rc;

	rc = vtd_sm_context(gm, cfg, x->sid, s->page, &ce);
	x->ctx_pages = gm->pages_read - before;
	xc->fpd = ce.fpd;
	if (rc)
		return rc;
	if (x->pasid_present && !ce.paside)
		return VTD_FR_SM_CTX_PASIDE;
	xc->pasid = x->pasid_present ? x->pasid : VTD_RID_PASID;

	before = gm->pages_read;
	rc = vtd_pasid_entry(gm, cfg, &ce, xc->pasid, s->page, &pe);
	x->pasid_pages = gm->pages_read - before;
	xc->fpd = pe.fpd;
	xc->did = pe.did;
	if (rc)
		return rc;
	xc->sre = pe.sre;
	xc->wpe = pe.wpe;
	xc->eafe = pe.eafe;
	switch (pe.pgtt) {
	case VTD_PGTT_FS:
		xc->mode = VTD_XM_SM_FS;
		xc->first_stage = true;
		xc->levels = 4 + pe.flpm;
		xc->width = 12 + 9 * xc->levels;
		xc->root = pe.flptptr;
		return 0;
	case VTD_PGTT_SS:
		xc->mode = VTD_XM_SM_SS;
		xc->levels = pe.aw + 2;
		xc->width = min(30 + 9 * pe.aw, mgaw);
		xc->root = pe.slptptr;
		return 0;
	default:	/* VTD_PGTT_PT: vtd_pasid_entry() let nothing else through */
		xc->mode = VTD_XM_SM_PT;
		xc->width = cfg->haw;
		return 0;
	}
}

/**
 * vtd_resolve() - the context stage of a translation
 * @gm: guest memory
 * @cfg: the unit's state; translation is enabled
 * @x: the request; its page counters are updated
 * @s: scratch memory
 * @xc: out: what the structures say for this source-id and PASID; @xc->fpd
 *	is valid also when the result is a fault
 *
 * Legacy mode (RTADDR.TTM 0) reads the root and context tables (2 pages);
 * scalable mode (TTM 1, with ECAP.SMTS) also the PASID directory and table
 * (2 more).  Any other TTM faults with the invalid root table reason.
 *
 * Return: 0, or the fault reason.
 */
u8 vtd_resolve(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg, struct vtd_xlate *x,
	       struct vtd_xlate_scratch *s, struct vtd_xlate_ctx *xc)
{
	unsigned int ttm = FIELD_GET(VTD_RTADDR_TTM, cfg->rta);

	memset(xc, 0, sizeof(*xc));
	if (ttm == VTD_RTADDR_TTM_LEGACY)
		return vtd_resolve_legacy(gm, cfg, x, s, xc);
	if (ttm == VTD_RTADDR_TTM_SCALABLE && (cfg->ecap & VTD_ECAP_SMTS))
		return vtd_resolve_sm(gm, cfg, x, s, xc);
	return VTD_FR_SM_RTADDR_INV;
}

/**
 * vtd_range_walk() - walk a resolved context's page table over a range
 * @gm: guest memory
 * @cfg: the unit's state
 * @xc: the context, from vtd_resolve() (first or second stage)
 * @w: walk memory
 * @first: first address of the range
 * @last: last address of the range
 * @hook: called for every present leaf in the range, in address order
 * @opaque: @hook's argument
 * @max_pages: table pages the walk may read (0: no limit)
 *
 * Return: 0, the non-zero value of @hook that stopped the walk, or -EFAULT
 * with @w->err saying why the table could not be walked.
 */
int vtd_range_walk(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   const struct vtd_xlate_ctx *xc, struct vtd_walk *w, u64 first, u64 last,
		   vtd_walk_hook hook, void *opaque, u64 max_pages)
{
	vtd_walk_init(w, gm, cfg, xc, opaque);
	w->hook = hook;
	w->max_pages = max_pages;
	return vtd_walk_range(w, first, last);
}

/* The request against the resolved structures: privilege, input address. */
static u8 vtd_check_request(const struct vtd_xlate_ctx *xc, const struct vtd_xlate *x)
{
	bool legacy = xc->mode == VTD_XM_LEGACY || xc->mode == VTD_XM_LEGACY_PT;
	u64 high;

	if (x->priv && !xc->sre)
		return VTD_FR_SM_PTE_SRE;
	if (!xc->first_stage) {
		if (x->iova >> xc->width)
			return legacy ? VTD_FR_ADDR_BEYOND_AW : VTD_FR_SM_BEYOND_AW;
		return 0;
	}
	/* First stage: bits 63:width-1 all equal, 0 or all ones. */
	high = x->iova >> (xc->width - 1);
	if (high && high != GENMASK_ULL(64 - xc->width, 0))
		return VTD_FR_SM_NON_CANONICAL;
	return 0;
}

/* The address the walk sees: a first-stage one without its sign bits. */
static u64 vtd_walk_addr(const struct vtd_xlate_ctx *xc, u64 iova)
{
	return xc->first_stage ? iova & GENMASK_ULL(xc->width - 1, 0) : iova;
}

/* Walk to the leaf of one address; 0 with *@leaf filled, or the fault. */
static u8 vtd_walk_one(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		       const struct vtd_xlate_ctx *xc, struct vtd_xlate *x,
		       struct vtd_xlate_scratch *s, struct vtd_leaf *leaf)
{
	const struct vtd_walk_faults *fr = xc->first_stage ? &sm_fs_faults :
					   xc->mode == VTD_XM_LEGACY ? &legacy_ss_faults :
					   &sm_ss_faults;
	u64 addr = vtd_walk_addr(xc, x->iova), before = gm->pages_read;
	struct vtd_capture c = {};
	int rc;

	vtd_walk_init(&s->walk, gm, cfg, xc, &c);
	rc = vtd_walk_range(&s->walk, addr, addr);
	x->walk_pages = gm->pages_read - before;
	if (rc) {
		switch (s->walk.err) {
		case VTD_WALK_ROOT_ACCESS:
			return fr->root_access;
		case VTD_WALK_RSVD:
			return fr->rsvd;
		default:
			return fr->access;
		}
	}
	/* Not present: a fault of its own at the first stage, else no permission. */
	if (!c.found)
		return xc->first_stage ? VTD_FR_FS_P : x->write ? fr->write : fr->read;
	*leaf = c.leaf;
	return 0;
}

/*
 * An output range that overlaps the interrupt address range faults (VT-d
 * spec, "Handling Requests to Interrupt Address Range": LGN.4 in legacy
 * mode, SGN.8 in scalable mode), so a device's DMA write can never become
 * an interrupt that skipped remapping.  The whole leaf is checked, not
 * just the requested page: the result tells the VMM the leaf's size, and a
 * VMM may map all of it.
 */
static u8 vtd_check_output(const struct vtd_xlate_ctx *xc, u64 gpa, u64 size)
{
	bool legacy = xc->mode == VTD_XM_LEGACY || xc->mode == VTD_XM_LEGACY_PT;

	if (gpa > VTD_INTR_ADDR_LAST || gpa + (size - 1) < VTD_INTR_ADDR_FIRST)
		return 0;
	return legacy ? VTD_FR_INTERRUPT_ADDR : VTD_FR_SM_INTERRUPT_ADDR;
}

/*
 * The request's permissions on its leaf.  Second stage: the R/W bits
 * stacked down the levels.  First stage: user requests need US; supervisor
 * writes ignore R/W unless write protection is enabled.  Then the leaf's
 * output must stay clear of the interrupt range.
 */
static u8 vtd_check_leaf(const struct vtd_xlate_ctx *xc, struct vtd_xlate *x,
			 const struct vtd_leaf *leaf)
{
	bool legacy = xc->mode == VTD_XM_LEGACY;
	bool w_ok;

	x->gpa = leaf->gpa + (vtd_walk_addr(xc, x->iova) - leaf->iova);
	x->size = leaf->size;
	if (!xc->first_stage) {
		x->perm = leaf->perm & (VTD_PERM_R | VTD_PERM_W);
		if (!(x->perm & (x->write ? VTD_PERM_W : VTD_PERM_R)))
			return x->write ? (legacy ? VTD_FR_WRITE : VTD_FR_SM_WRITE) :
					  (legacy ? VTD_FR_READ : VTD_FR_SM_READ);
		return vtd_check_output(xc, leaf->gpa, leaf->size);
	}
	if (!x->priv && !(leaf->perm & VTD_PERM_U))
		return VTD_FR_SM_US;
	w_ok = (leaf->perm & VTD_PERM_W) || (x->priv && !xc->wpe);
	x->perm = VTD_PERM_R | (w_ok ? VTD_PERM_W : 0);
	if (x->write && !w_ok)
		return VTD_FR_SM_WRITE;
	return vtd_check_output(xc, leaf->gpa, leaf->size);
}

/* Reset the outputs; with translation off, the identity result. */
static bool vtd_xlate_begin(const struct vtd_xlate_cfg *cfg, struct vtd_xlate *x)
{
	x->gpa = 0;
	x->size = 0;
	x->perm = 0;
	x->fault = 0;
	x->fpd = false;
	x->mode = VTD_XM_OFF;
	x->did = 0;
	x->ctx_pages = 0;
	x->pasid_pages = 0;
	x->walk_pages = 0;
	x->ad_writes = 0;
	x->ctx_cached = false;
	x->leaf_cached = false;
	if (!cfg->te)
		vtd_identity(x);
	return cfg->te;
}

static u8 vtd_xlate_stages(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			   struct vtd_cache *c, struct vtd_xlate *x,
			   struct vtd_xlate_scratch *s)
{
	struct vtd_xlate_ctx xc;
	struct vtd_leaf leaf;
	u64 before;
	u8 rc;

	x->ctx_cached = c && vtd_cache_ctx_lookup(c, x, &xc);
	if (!x->ctx_cached) {
		rc = vtd_resolve(gm, cfg, x, s, &xc);
		x->fpd = xc.fpd;
		x->did = xc.did;
		if (rc)
			return rc;
		if (c)
			vtd_cache_ctx_insert(c, x, &xc);
	}
	x->fpd = xc.fpd;
	x->did = xc.did;
	x->mode = xc.mode;
	rc = vtd_check_request(&xc, x);
	if (rc)
		return rc;
	if (xc.mode == VTD_XM_LEGACY_PT || xc.mode == VTD_XM_SM_PT) {
		vtd_identity(x);
		return vtd_check_output(&xc, x->gpa & ~(x->size - 1), x->size);
	}

	x->leaf_cached = c && vtd_cache_tlb_lookup(c, &xc, vtd_walk_addr(&xc, x->iova),
						   x->write, &leaf);
	if (x->leaf_cached)
		return vtd_check_leaf(&xc, x, &leaf);
	rc = vtd_walk_one(gm, cfg, &xc, x, s, &leaf);
	if (!rc)
		rc = vtd_check_leaf(&xc, x, &leaf);
	if (rc || !xc.first_stage)
		goto out;
	/* A successful first-stage translation sets A (and D for a write). */
	before = gm->entries_written;
	rc = vtd_walk_set_ad(&s->walk, leaf.level, x->write) ? VTD_FR_FS_AD_UPDATE : 0;
	x->ad_writes = gm->entries_written - before;
out:
	if (!rc && c)
		vtd_cache_tlb_insert(c, &xc, &leaf, x->write);
	return rc;
}

static void vtd_xlate_end(struct vtd_xlate *x, u8 fault)
{
	x->fault = fault;
	if (fault) {
		x->gpa = 0;
		x->size = 0;
		x->perm = 0;
	}
}

/**
 * vtd_translate() - translate one request, from guest memory only
 * @gm: guest memory
 * @cfg: the unit's state
 * @x: the request; the result is written back into it
 * @s: scratch memory
 *
 * With translation disabled the request passes through unchanged.
 * Otherwise vtd_resolve() reads the structures, the request is checked
 * against them and the page table walked (one page read per level) unless
 * the entry passes through.
 */
void vtd_translate(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	if (vtd_xlate_begin(cfg, x))
		vtd_xlate_end(x, vtd_xlate_stages(gm, cfg, NULL, x, s));
}

/**
 * vtd_translate_cached() - translate one request through the caches
 * @gm: guest memory
 * @cfg: the unit's state
 * @c: the unit's caches; the caller serializes them
 * @x: the request; the result is written back into it
 * @s: scratch memory
 *
 * As vtd_translate(), with the context stage answered from the context
 * cache and the leaf from the IOTLB when they hold them; successful results
 * are cached.  A hit reads no guest memory.
 */
void vtd_translate_cached(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			  struct vtd_cache *c, struct vtd_xlate *x,
			  struct vtd_xlate_scratch *s)
{
	if (vtd_xlate_begin(cfg, x))
		vtd_xlate_end(x, vtd_xlate_stages(gm, cfg, c, x, s));
}
