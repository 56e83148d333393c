// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the structures between a request and its page table (VT-d
 * spec, "Root Entry", "Context Entry", "Scalable-Mode Root Entry",
 * "Scalable-Mode Context-Entry", "Scalable-Mode PASID Directory Entry",
 * "Scalable-Mode PASID Table Entry").  Each decoder reads whole table pages
 * (one per structure level) and maps every failure to its fault reason.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/sched.h>
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

/* Scalable-mode root entry (128-bit): lower and upper context tables. */
#define SRE_P		BIT_ULL(0)	/* LP in the low, UP in the high quadword */
#define SRE_CTP		GENMASK_ULL(63, 12)

/* Scalable-mode context entry (256-bit). */
#define SCE_0_P		BIT_ULL(0)
#define SCE_0_FPD	BIT_ULL(1)
#define SCE_0_DTE	BIT_ULL(2)
#define SCE_0_PASIDE	BIT_ULL(3)
#define SCE_0_PRE	BIT_ULL(4)
#define SCE_0_RSVD	GENMASK_ULL(8, 5)
#define SCE_0_PDTS	GENMASK_ULL(11, 9)
#define SCE_0_PASIDDIRPTR GENMASK_ULL(63, 12)
#define SCE_1_RID_PASID	GENMASK_ULL(19, 0)	/* ignored: no ECAP.RPS */
#define SCE_1_RID_PRIV	BIT_ULL(20)

/* PASID directory entry (64-bit). */
#define PDE_P		BIT_ULL(0)
#define PDE_FPD		BIT_ULL(1)
#define PDE_RSVD	GENMASK_ULL(11, 2)
#define PDE_PTP		GENMASK_ULL(63, 12)

/* PASID table entry (512-bit). */
#define PTE_0_P		BIT_ULL(0)
#define PTE_0_FPD	BIT_ULL(1)
#define PTE_0_AW	GENMASK_ULL(4, 2)
#define PTE_0_SLEE	BIT_ULL(5)
#define PTE_0_PGTT	GENMASK_ULL(8, 6)
#define PTE_0_SLADE	BIT_ULL(9)
#define PTE_0_RSVD	GENMASK_ULL(11, 10)
#define PTE_0_SLPTPTR	GENMASK_ULL(63, 12)
#define PTE_1_DID	GENMASK_ULL(15, 0)
#define PTE_1_RSVD	GENMASK_ULL(22, 16)
#define PTE_2_SRE	BIT_ULL(0)
#define PTE_2_ERE	BIT_ULL(1)
#define PTE_2_FLPM	GENMASK_ULL(3, 2)
#define PTE_2_WPE	BIT_ULL(4)
#define PTE_2_RSVD	(GENMASK_ULL(6, 5) | GENMASK_ULL(11, 8))
#define PTE_2_EAFE	BIT_ULL(7)
#define PTE_2_FLPTPTR	GENMASK_ULL(63, 12)

#define PASIDS_PER_TABLE	64
#define PASID_ENTRY_QWORDS	8

/**
 * vtd_sm_context() - read the scalable-mode context entry of a source-id
 * @gm: guest memory
 * @cfg: the unit's state (RTADDR, ECAP, HAW)
 * @sid: source-id
 * @page: scratch for one table page
 * @ce: out: the decoded context entry; its FPD is valid also when the entry
 *	has reserved bits set
 *
 * Devices 0-127 of a bus use the lower context table, 128-255 the upper
 * one; a context table holds 128 256-bit entries.  Two page reads.
 *
 * Return: 0, or the fault reason of the first check that fails.
 */
int vtd_sm_context(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg, u16 sid,
		   __le64 *page, struct vtd_sm_ctx *ce)
{
	u64 addr_rsvd = GENMASK_ULL(63, cfg->haw);
	unsigned int devfn = sid & 0xff, i;
	u64 re, q[4];

	memset(ce, 0, sizeof(*ce));
	if (gm->read_page(gm, cfg->rta & VTD_RTADDR_RTA, page))
		return VTD_FR_SM_ROOT_ACCESS;
	gm->pages_read++;
	re = le64_to_cpu(page[(sid >> 8) * 2 + devfn / 128]);
	if (!(re & SRE_P))
		return VTD_FR_SM_ROOT_P;
	if (re & (GENMASK_ULL(11, 1) | addr_rsvd))
		return VTD_FR_SM_ROOT_RSVD;

	if (gm->read_page(gm, re & SRE_CTP, page))
		return VTD_FR_SM_CTX_ACCESS;
	gm->pages_read++;
	for (i = 0; i < 4; i++)
		q[i] = le64_to_cpu(page[(devfn % 128) * 4 + i]);
	ce->fpd = q[0] & SCE_0_FPD;
	if (!(q[0] & SCE_0_P))
		return VTD_FR_SM_CTX_P;
	/* DTE needs ECAP.DT; page requests and RID_PRIV are not advertised. */
	if ((q[0] & (SCE_0_RSVD | SCE_0_PRE | addr_rsvd)) ||
	    ((q[0] & SCE_0_DTE) && !(cfg->ecap & VTD_ECAP_DT)) ||
	    (q[1] & ~SCE_1_RID_PASID) || q[2] || q[3] ||
	    ((q[0] & SCE_0_PASIDE) && !(cfg->ecap & VTD_ECAP_PASID)))
		return VTD_FR_SM_CTX_RSVD;
	ce->paside = q[0] & SCE_0_PASIDE;
	ce->pdts = FIELD_GET(SCE_0_PDTS, q[0]);
	ce->pasid_dir = q[0] & SCE_0_PASIDDIRPTR;
	return 0;
}

/* Reserved bits of a PASID table entry on this unit. */
static bool vtd_pasid_entry_rsvd(const struct vtd_xlate_cfg *cfg, const u64 *q)
{
	u64 addr_rsvd = GENMASK_ULL(63, cfg->haw);
	u64 r0 = PTE_0_RSVD | addr_rsvd, r2 = PTE_2_RSVD | addr_rsvd;
	unsigned int i;

	if (!(cfg->ecap & VTD_ECAP_SLADS))
		r0 |= PTE_0_SLADE;
	if (!(cfg->ecap & VTD_ECAP_SRS))
		r2 |= PTE_2_SRE;
	if (!(cfg->ecap & VTD_ECAP_ERS))
		r2 |= PTE_2_ERE;
	if (!(cfg->ecap & VTD_ECAP_EAFS))
		r2 |= PTE_2_EAFE;
	for (i = 3; i < PASID_ENTRY_QWORDS; i++)
		if (q[i])
			return true;
	return (q[0] & r0) || (q[1] & PTE_1_RSVD) || (q[2] & r2);
}

/*
 * A PASID directory entry: 0 and its table, or the fault reason.  FPD
 * counts whether or not the entry is present (Linux clears entries to
 * FPD=1, P=0 to silence the faults of a device it tears down).
 */
static int vtd_pasid_dir_decode(const struct vtd_xlate_cfg *cfg, u64 de, u64 *table,
				bool *fpd)
{
	*fpd |= !!(de & PDE_FPD);
	if (!(de & PDE_P))
		return VTD_FR_SM_PDIR_P;
	if (de & (PDE_RSVD | GENMASK_ULL(63, cfg->haw)))
		return VTD_FR_SM_PDIR_RSVD;
	*table = de & PDE_PTP;
	return 0;
}

/*
 * A PASID table entry (8 quadwords of a table page): 0 or the fault reason.
 * Its FPD counts whether or not it is present, as the directory entry's.
 */
static int vtd_pasid_pte_decode(const struct vtd_xlate_cfg *cfg, const __le64 *e,
				struct vtd_pasid_entry *pe)
{
	unsigned int i, sagaw = FIELD_GET(VTD_CAP_SAGAW, cfg->cap);
	u64 *q = pe->val;

	for (i = 0; i < PASID_ENTRY_QWORDS; i++)
		q[i] = le64_to_cpu(e[i]);
	pe->fpd |= !!(q[0] & PTE_0_FPD);
	if (!(q[0] & PTE_0_P))
		return VTD_FR_SM_PTE_P;
	if (vtd_pasid_entry_rsvd(cfg, q))
		return VTD_FR_SM_PTE_RSVD;

	pe->pgtt = FIELD_GET(PTE_0_PGTT, q[0]);
	pe->aw = FIELD_GET(PTE_0_AW, q[0]);
	pe->did = FIELD_GET(PTE_1_DID, q[1]);
	pe->slptptr = q[0] & PTE_0_SLPTPTR;
	pe->flptptr = q[2] & PTE_2_FLPTPTR;
	pe->flpm = FIELD_GET(PTE_2_FLPM, q[2]);
	pe->sre = q[2] & PTE_2_SRE;
	pe->wpe = q[2] & PTE_2_WPE;
	pe->eafe = q[2] & PTE_2_EAFE;
	switch (pe->pgtt) {
	case VTD_PGTT_FS:
		if (!(cfg->ecap & VTD_ECAP_FLTS) || pe->flpm > 1 ||
		    (pe->flpm == 1 && !(cfg->cap & VTD_CAP_FL5LP)))
			return VTD_FR_SM_PTE_INV;
		return 0;
	case VTD_PGTT_SS:
		if (!(cfg->ecap & VTD_ECAP_SLTS) || !(sagaw & BIT(pe->aw)))
			return VTD_FR_SM_PTE_INV;
		return 0;
	case VTD_PGTT_PT:
		if (!(cfg->ecap & VTD_ECAP_PT))
			return VTD_FR_SM_PTE_INV;
		return 0;
	default:	/* nested (no ECAP.NEST) and the reserved encodings */
		return VTD_FR_SM_PTE_INV;
	}
}

/**
 * vtd_pasid_entry() - read the PASID table entry of a PASID
 * @gm: guest memory
 * @cfg: the unit's state
 * @ce: the scalable-mode context entry
 * @pasid: the PASID (%VTD_RID_PASID for requests without one)
 * @page: scratch for one table page
 * @pe: out: the decoded entry; its FPD is valid also when the entry is not
 *	usable
 *
 * Reads the PASID directory page holding the directory entry and the PASID
 * table page: two page reads.  The directory has 2^(PDTS + 7) entries, each
 * a table of 64 PASIDs.  PGTT values this unit does not support (nested,
 * and those whose ECAP bit is clear), unsupported AW or FLPM are invalid
 * programming.
 *
 * Return: 0, or the fault reason of the first check that fails.
 */
int vtd_pasid_entry(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		    const struct vtd_sm_ctx *ce, u32 pasid, __le64 *page,
		    struct vtd_pasid_entry *pe)
{
	u64 dir_idx = pasid / PASIDS_PER_TABLE, dea, table;
	int rc;

	memset(pe, 0, sizeof(*pe));
	pe->fpd = ce->fpd;
	if (dir_idx >= 1ull << (ce->pdts + 7))
		return VTD_FR_SM_CTX_PDTS;
	dea = ce->pasid_dir + dir_idx * sizeof(u64);
	if (gm->read_page(gm, dea & ~0xfffull, page))
		return VTD_FR_SM_PDIR_ACCESS;
	gm->pages_read++;
	rc = vtd_pasid_dir_decode(cfg, le64_to_cpu(page[(dea & 0xfff) / sizeof(u64)]), &table,
				  &pe->fpd);
	if (rc)
		return rc;

	if (gm->read_page(gm, table, page))
		return VTD_FR_SM_PTE_ACCESS;
	gm->pages_read++;
	return vtd_pasid_pte_decode(cfg, &page[(pasid % PASIDS_PER_TABLE) * PASID_ENTRY_QWORDS],
				    pe);
}

/**
 * vtd_pasid_range_walk() - the usable PASID table entries of a range
 * @gm: guest memory
 * @cfg: the unit's state
 * @ce: the scalable-mode context entry
 * @first: first PASID of the range
 * @last: last PASID of the range (inclusive)
 * @dir: scratch for a PASID directory page
 * @table: scratch for a PASID table page
 * @fn: called, in PASID order, for every PASID of the range whose
 *	directory and table entries are present and valid; a non-zero return
 *	stops the walk and is returned
 * @opaque: passed to @fn
 * @max_pages: directory and table pages the walk may read (0: no limit)
 * @next: out: where to go on when the walk stopped for @max_pages
 *
 * The range is clipped to the directory (2^(PDTS + 7) tables of 64 PASIDs).
 * Reads each directory page the range touches once and the table page of
 * each present directory entry once: a non-present directory entry skips
 * its 64 PASIDs unread.  Entries that are not present, invalid or in memory
 * that cannot be read are skipped, as is what an unreadable directory page
 * points to.  Yields between table pages.
 *
 * Return: 0, what @fn returned, or -EAGAIN when the next step would read
 * more than @max_pages pages (the first step always runs, so at most
 * max(@max_pages, 2) are read): @next is the first PASID not visited, and a
 * walk from there (with the same @last) finishes the range.
 */
int vtd_pasid_range_walk(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			 const struct vtd_sm_ctx *ce, u32 first, u32 last, __le64 *dir,
			 __le64 *table, vtd_pasid_hook fn, void *opaque, u64 max_pages,
			 u32 *next)
{
	u64 start = gm->pages_read;
	u64 nr_dir = 1ull << (ce->pdts + 7), dir_page = ~0ull;
	u64 d, d_last = min_t(u64, last / PASIDS_PER_TABLE, nr_dir - 1);
	bool dir_ok = false, dir_fpd;
	struct vtd_pasid_entry pe;
	u32 pasid, p_last;
	u64 dea, tp;
	int rc;

	for (d = first / PASIDS_PER_TABLE; first <= last && d <= d_last; d++) {
		/*
		 * Both pages a step may read must fit in the budget; the first
		 * step always runs, so a resumed walk always gets further.
		 */
		if (max_pages && d != first / PASIDS_PER_TABLE &&
		    gm->pages_read - start + 2 > max_pages) {
			*next = max_t(u32, first, d * PASIDS_PER_TABLE);
			return -EAGAIN;
		}
		dea = ce->pasid_dir + d * sizeof(u64);
		if ((dea & ~0xfffull) != dir_page) {
			dir_page = dea & ~0xfffull;
			dir_ok = !gm->read_page(gm, dir_page, dir);
			gm->pages_read += dir_ok;
		}
		dir_fpd = ce->fpd;
		if (!dir_ok ||
		    vtd_pasid_dir_decode(cfg, le64_to_cpu(dir[(dea & 0xfff) / sizeof(u64)]), &tp,
					 &dir_fpd))
			continue;
		cond_resched();
		if (gm->read_page(gm, tp, table))
			continue;
		gm->pages_read++;
		pasid = max_t(u32, first, d * PASIDS_PER_TABLE);
		p_last = min_t(u32, last, d * PASIDS_PER_TABLE + PASIDS_PER_TABLE - 1);
		for (; pasid <= p_last; pasid++) {
			memset(&pe, 0, sizeof(pe));
			pe.fpd = dir_fpd;
			if (vtd_pasid_pte_decode(cfg, &table[(pasid % PASIDS_PER_TABLE) *
							     PASID_ENTRY_QWORDS], &pe))
				continue;
			rc = fn(opaque, pasid, &pe);
			if (rc)
				return rc;
		}
	}
	return 0;
}
