// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: translation of one request from source-id, PASID and address to
 * guest physical address (VT-d spec, "DMA Remapping": legacy mode,
 * scalable mode with first-stage, second-stage and pass-through PASID
 * entries).  Pure code over struct vtd_gmem; the KVM glue is translate.c.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "regs.h"
#include "walk.h"

#define CE_TT_MULTI	0
#define CE_TT_PT	2

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

/* A request that passes through: 4 KiB pages, read and write. */
static void vtd_identity(struct vtd_xlate *x)
{
	x->gpa = x->iova;
	x->size = 1ull << 12;
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
			  const struct vtd_xlate_cfg *cfg, u64 root, unsigned int levels,
			  bool first_stage, void *opaque)
{
	unsigned int sllps = FIELD_GET(VTD_CAP_SLLPS, cfg->cap);

	w->gm = gm;
	w->root = root;
	w->levels = levels;
	w->haw = cfg->haw;
	w->first_stage = first_stage;
	w->sp_2m = first_stage || (sllps & VTD_SLLPS_2M);
	w->sp_1g = first_stage ? cfg->cap & VTD_CAP_FL1GP : sllps & VTD_SLLPS_1G;
	w->holes = false;
	w->max_pages = 0;
	w->hook = vtd_capture;
	w->opaque = opaque;
}

/*
 * Walk one address, @addr (a first-stage caller strips the sign
 * extension), and find its leaf.  Return 0 with *@leaf filled, or the
 * fault reason.  Not present is a fault only for the first stage; the
 * second stage reports it as the missing permission, like any other.
 */
static u8 vtd_walk_one(struct vtd_walk *w, const struct vtd_walk_faults *fr,
		       struct vtd_xlate *x, u64 addr, struct vtd_leaf *leaf)
{
	struct vtd_capture c = {};
	u64 before = w->gm->pages_read;
	int rc;

	w->opaque = &c;
	rc = vtd_walk_range(w, addr, addr);
	x->walk_pages = w->gm->pages_read - before;
	if (rc) {
		switch (w->err) {
		case VTD_WALK_ROOT_ACCESS:
			return fr->root_access;
		case VTD_WALK_RSVD:
			return fr->rsvd;
		default:
			return fr->access;
		}
	}
	if (!c.found)
		return w->first_stage ? VTD_FR_FS_P : x->write ? fr->write : fr->read;
	*leaf = c.leaf;
	x->gpa = leaf->gpa + (addr - leaf->iova);
	x->size = leaf->size;
	return 0;
}

/* Second stage: permissions are the R/W bits stacked down the levels. */
static u8 vtd_xlate_ss(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		       const struct vtd_walk_faults *fr, u64 root, unsigned int aw,
		       struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	struct vtd_leaf leaf;
	u8 rc;

	vtd_walk_init(&s->walk, gm, cfg, root, aw + 2, false, NULL);
	rc = vtd_walk_one(&s->walk, fr, x, x->iova, &leaf);
	if (rc)
		return rc;
	x->perm = leaf.perm & (VTD_PERM_R | VTD_PERM_W);
	if (!(x->perm & (x->write ? VTD_PERM_W : VTD_PERM_R)))
		return x->write ? fr->write : fr->read;
	return 0;
}

static u8 vtd_xlate_legacy(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			   struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	unsigned int sagaw = FIELD_GET(VTD_CAP_SAGAW, cfg->cap);
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, cfg->cap) + 1;
	struct vtd_ctx_entry ce;
	u64 before = gm->pages_read;
	int rc;

	if (x->pasid_present)
		return VTD_FR_SM_TTM0_PASID;
	rc = vtd_legacy_context(gm, cfg->rta, x->sid, cfg->haw, s->page, &ce);
	x->ctx_pages = gm->pages_read - before;
	x->fpd = ce.fpd;
	x->did = ce.did;
	if (rc)
		return rc;
	if (ce.tt == CE_TT_PT && (cfg->ecap & VTD_ECAP_PT)) {
		x->mode = VTD_XM_LEGACY_PT;
		if (x->iova >> cfg->haw)
			return VTD_FR_ADDR_BEYOND_AW;
		vtd_identity(x);
		return 0;
	}
	/* Device-TLB translation (TT 1) needs ECAP.DT, not advertised. */
	if (ce.tt != CE_TT_MULTI || !(sagaw & BIT(ce.aw)))
		return VTD_FR_CONTEXT_ENTRY_INV;
	x->mode = VTD_XM_LEGACY;
	if (x->iova >> min(30 + 9 * ce.aw, mgaw))
		return VTD_FR_ADDR_BEYOND_AW;
	return vtd_xlate_ss(gm, cfg, &legacy_ss_faults, ce.slptptr, ce.aw, x, s);
}

/*
 * First stage: canonical input, P/RW/US stacked down the levels, the
 * request's privilege against US and (for supervisor writes) WPE, then the
 * accessed/dirty updates a successful translation makes.
 */
static u8 vtd_xlate_fs(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		       const struct vtd_pasid_entry *pe, struct vtd_xlate *x,
		       struct vtd_xlate_scratch *s)
{
	unsigned int levels = 4 + pe->flpm, width = 12 + 9 * levels;
	u64 high = x->iova >> (width - 1);
	u64 before = gm->entries_written;
	struct vtd_leaf leaf;
	bool w_ok;
	u8 rc;

	if (high && high != GENMASK_ULL(64 - width, 0))
		return VTD_FR_SM_NON_CANONICAL;
	vtd_walk_init(&s->walk, gm, cfg, pe->flptptr, levels, true, NULL);
	rc = vtd_walk_one(&s->walk, &sm_fs_faults, x, x->iova & GENMASK_ULL(width - 1, 0),
			  &leaf);
	if (rc)
		return rc;
	if (!x->priv && !(leaf.perm & VTD_PERM_U))
		return VTD_FR_SM_US;
	/* Supervisor writes ignore R/W unless write protection is enabled. */
	w_ok = (leaf.perm & VTD_PERM_W) || (x->priv && !pe->wpe);
	x->perm = VTD_PERM_R | (w_ok ? VTD_PERM_W : 0);
	if (x->write && !w_ok)
		return VTD_FR_SM_WRITE;
	rc = vtd_walk_set_ad(&s->walk, leaf.level, x->write) ? VTD_FR_FS_AD_UPDATE : 0;
	x->ad_writes = gm->entries_written - before;
	return rc;
}

static u8 vtd_xlate_sm(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		       struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, cfg->cap) + 1;
	struct vtd_pasid_entry pe;
	struct vtd_sm_ctx ce;
	u64 before = gm->pages_read;
	u32 pasid;
	int rc;

	rc = vtd_sm_context(gm, cfg, x->sid, s->page, &ce);
	x->ctx_pages = gm->pages_read - before;
	x->fpd = ce.fpd;
	if (rc)
		return rc;
	if (x->pasid_present && !ce.paside)
		return VTD_FR_SM_CTX_PASIDE;
	pasid = x->pasid_present ? x->pasid : ce.rid_pasid;

	before = gm->pages_read;
	rc = vtd_pasid_entry(gm, cfg, &ce, pasid, s->page, &pe);
	x->pasid_pages = gm->pages_read - before;
	x->fpd = pe.fpd;
	x->did = pe.did;
	if (rc == VTD_FR_SM_CTX_PDTS && !x->pasid_present)
		return VTD_FR_SM_CTX_RID_PASID;
	if (rc)
		return rc;
	if (x->priv && !pe.sre)
		return VTD_FR_SM_PTE_SRE;

	switch (pe.pgtt) {
	case VTD_PGTT_FS:
		x->mode = VTD_XM_SM_FS;
		return vtd_xlate_fs(gm, cfg, &pe, x, s);
	case VTD_PGTT_SS:
		x->mode = VTD_XM_SM_SS;
		if (x->iova >> min(30 + 9 * pe.aw, mgaw))
			return VTD_FR_SM_BEYOND_AW;
		return vtd_xlate_ss(gm, cfg, &sm_ss_faults, pe.slptptr, pe.aw, x, s);
	default:	/* VTD_PGTT_PT: vtd_pasid_entry() let nothing else through */
		x->mode = VTD_XM_SM_PT;
		if (x->iova >> cfg->haw)
			return VTD_FR_SM_BEYOND_AW;
		vtd_identity(x);
		return 0;
	}
}

/**
 * vtd_translate() - translate one request
 * @gm: guest memory
 * @cfg: the unit's state
 * @x: the request; the result is written back into it
 * @s: scratch memory
 *
 * With translation disabled the request passes through unchanged.  In legacy
 * mode (RTADDR.TTM 0) the root and context entries are read and the
 * second-stage tables walked: 2 + levels page reads for a present mapping.
 * In scalable mode (TTM 1, with ECAP.SMTS) the root, context, PASID
 * directory and PASID table entries are read (4 pages) and the PASID
 * entry's first- or second-stage table walked, or the request passed
 * through.  Any other TTM faults with the invalid root table reason.
 */
void vtd_translate(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	unsigned int ttm = FIELD_GET(VTD_RTADDR_TTM, cfg->rta);

	x->gpa = 0;
	x->size = 0;
	x->perm = 0;
	x->fpd = false;
	x->mode = VTD_XM_OFF;
	x->did = 0;
	x->ctx_pages = 0;
	x->pasid_pages = 0;
	x->walk_pages = 0;
	x->ad_writes = 0;
	if (!cfg->te) {
		vtd_identity(x);
		x->fault = 0;
		return;
	}
	if (ttm == VTD_RTADDR_TTM_LEGACY)
		x->fault = vtd_xlate_legacy(gm, cfg, x, s);
	else if (ttm == VTD_RTADDR_TTM_SCALABLE && (cfg->ecap & VTD_ECAP_SMTS))
		x->fault = vtd_xlate_sm(gm, cfg, x, s);
	else
		x->fault = VTD_FR_SM_RTADDR_INV;
	if (x->fault) {
		x->gpa = 0;
		x->size = 0;
		x->perm = 0;
	}
}
