// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: legacy-mode root and context entries, and translation of one
 * request from source-id and address to guest physical address (VT-d spec,
 * "Root Entry", "Context Entry", "Second-Stage Translation").
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <asm/byteorder.h>

#include "regs.h"
#include "walk.h"

/* Root entry (128-bit), low quadword; the high quadword is reserved. */
#define RE_P		BIT_ULL(0)
#define RE_CTP		GENMASK_ULL(63, 12)

/* Context entry (128-bit). */
#define CE_LO_P		BIT_ULL(0)
#define CE_LO_FPD	BIT_ULL(1)
#define CE_LO_TT	GENMASK_ULL(3, 2)
#define CE_LO_SLPTPTR	GENMASK_ULL(63, 12)
#define CE_HI_AW	GENMASK_ULL(2, 0)
#define CE_HI_AVAIL	GENMASK_ULL(6, 3)
#define CE_HI_DID	GENMASK_ULL(23, 8)

#define CE_TT_MULTI	0
#define CE_TT_DEV_TLB	1
#define CE_TT_PT	2

/**
 * vtd_legacy_context() - read the context entry of a source-id
 * @gm: guest memory
 * @rta: root table address
 * @sid: source-id
 * @haw: guest physical address width
 * @page: scratch for one table page
 * @ce: out: the context entry, also when it is not present (its FPD counts)
 *
 * Reads the root table page and the context table page: two page reads.
 *
 * Return: 0, or the fault reason of the first check that fails.
 */
int vtd_legacy_context(struct vtd_gmem *gm, u64 rta, u16 sid, u8 haw,
		       __le64 *page, struct vtd_ctx_entry *ce)
{
	u64 addr_rsvd = GENMASK_ULL(63, haw);
	unsigned int i;
	u64 lo, hi;

	memset(ce, 0, sizeof(*ce));
	if (gm->read_page(gm, rta & RE_CTP, page))
		return VTD_FR_ROOT_TABLE_INV;
	gm->pages_read++;
	i = (sid >> 8) * 2;
	lo = le64_to_cpu(page[i]);
	hi = le64_to_cpu(page[i + 1]);
	if (!(lo & RE_P))
		return VTD_FR_ROOT_ENTRY_P;
	if ((lo & (GENMASK_ULL(11, 1) | addr_rsvd)) || hi)
		return VTD_FR_ROOT_ENTRY_RSVD;

	if (gm->read_page(gm, lo & RE_CTP, page))
		return VTD_FR_CONTEXT_TABLE_INV;
	gm->pages_read++;
	i = (sid & 0xff) * 2;
	lo = le64_to_cpu(page[i]);
	hi = le64_to_cpu(page[i + 1]);
	ce->present = lo & CE_LO_P;
	ce->fpd = lo & CE_LO_FPD;
	if (!ce->present)
		return VTD_FR_CONTEXT_ENTRY_P;
	if ((lo & (GENMASK_ULL(11, 4) | addr_rsvd)) ||
	    (hi & ~(CE_HI_AW | CE_HI_AVAIL | CE_HI_DID)))
		return VTD_FR_CONTEXT_ENTRY_RSVD;
	ce->tt = FIELD_GET(CE_LO_TT, lo);
	ce->aw = FIELD_GET(CE_HI_AW, hi);
	ce->did = FIELD_GET(CE_HI_DID, hi);
	ce->slptptr = lo & CE_LO_SLPTPTR;
	return 0;
}

/* Capture the one leaf a single-address walk finds. */
static int vtd_capture(void *opaque, const struct vtd_leaf *leaf)
{
	struct vtd_xlate *x = opaque;

	x->gpa = leaf->gpa + (x->iova - leaf->iova);
	x->size = leaf->size;
	x->perm = leaf->perm;
	return 0;
}

static u8 vtd_xlate_ctx(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	unsigned int sagaw = FIELD_GET(VTD_CAP_SAGAW, cfg->cap);
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, cfg->cap) + 1;
	unsigned int sllps = FIELD_GET(VTD_CAP_SLLPS, cfg->cap);
	struct vtd_ss_walk *w = &s->walk;
	struct vtd_ctx_entry ce;
	u64 before = gm->pages_read;
	int rc;

	rc = vtd_legacy_context(gm, cfg->rta, x->sid, cfg->haw, s->page, &ce);
	x->ctx_pages = gm->pages_read - before;
	x->fpd = ce.fpd;
	x->did = ce.did;
	if (rc)
		return rc;
	/* Only multi-level translation is implemented (no ECAP.DT, ECAP.PT). */
	if (ce.tt != CE_TT_MULTI || !(sagaw & BIT(ce.aw)))
		return VTD_FR_CONTEXT_ENTRY_INV;
	if (x->iova >> min(30 + 9 * ce.aw, mgaw))
		return VTD_FR_ADDR_BEYOND_AW;

	w->gm = gm;
	w->root = ce.slptptr;
	w->levels = ce.aw + 2;
	w->haw = cfg->haw;
	w->sp_2m = sllps & BIT(0);
	w->sp_1g = sllps & BIT(1);
	w->holes = false;
	w->hook = vtd_capture;
	w->opaque = x;
	before = gm->pages_read;
	rc = vtd_ss_walk_range(w, x->iova, x->iova);
	x->walk_pages = gm->pages_read - before;
	if (rc)
		return w->fault;
	if (!(x->perm & (x->write ? VTD_PERM_W : VTD_PERM_R)))
		return x->write ? VTD_FR_WRITE : VTD_FR_READ;
	return 0;
}

/**
 * vtd_translate() - translate one request, legacy mode
 * @gm: guest memory
 * @cfg: the unit's state
 * @x: the request; the result is written back into it
 * @s: scratch memory
 *
 * With translation disabled the request passes through unchanged.
 * Otherwise the root and context entries are read and the second-stage
 * tables walked: 2 + levels page reads for a present mapping.
 */
void vtd_translate(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   struct vtd_xlate *x, struct vtd_xlate_scratch *s)
{
	x->gpa = 0;
	x->size = 0;
	x->perm = 0;
	x->fpd = false;
	x->did = 0;
	x->ctx_pages = 0;
	x->walk_pages = 0;
	if (!cfg->te) {
		x->gpa = x->iova;
		x->size = 1ull << 12;
		x->perm = VTD_PERM_R | VTD_PERM_W;
		x->fault = 0;
		return;
	}
	x->fault = vtd_xlate_ctx(gm, cfg, x, s);
	if (x->fault) {
		x->gpa = 0;
		x->size = 0;
		x->perm = 0;
	}
}
