// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the structures a translation starts from (context.c): legacy root
 * and context entries, scalable-mode root, context, PASID directory and
 * PASID table entries with their reserved bits and fault reasons, and the
 * PASID range walk with its page budget.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../context.c"

static void root_and_context(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct vtd_xlate x;

	kt_map4(e, 0x5000, 0x7000, RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);

	/* Context entry: not present (FPD still reported), reserved, TT, AW. */
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 2);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_CONTEXT_ENTRY_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | BIT(4) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_RSVD);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 1);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 2 | BIT(7));
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_RSVD);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 2 | BIT_ULL(24));
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_RSVD);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 3);	/* 57-bit: not in SAGAW */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 2);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (1 << 2) | 1);	/* DT */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	/* With ECAP.DT, TT 1 translates untranslated requests as TT 0. */
	e->cfg.ecap |= VTD_ECAP_DT;
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7000);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_LEGACY);
	e->cfg.ecap &= ~VTD_ECAP_DT;
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (2 << 2) | 1);	/* PT */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (3 << 2) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 1);

	/* Another devfn on the bus has no context entry. */
	x = (struct vtd_xlate){ .sid = SID + 1, .iova = 0x5000 };
	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_CONTEXT_ENTRY_P);

	/* Root entry: reserved bits, not present. */
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2 + 1, 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_ROOT_ENTRY_RSVD);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2 + 1, 0);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | BIT(3) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_ROOT_ENTRY_RSVD);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_ROOT_ENTRY_P);

	/* Tables outside guest memory: the access error of each level. */
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, 0x40000000ull | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_TABLE_INV);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | 1);
	kt_set_entry(&e->mem, T(2), 0, 0x40000000ull | RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_INV);
	e->cfg.rta = 0x40000000ull;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_ROOT_TABLE_INV);
}

/* What a PASID range walk reported. */
struct pasid_seen {
	unsigned int n;
	u32 pasid[8];
	u8 pgtt[8];
	u16 did[8];
	int stop_at;
};

static int pasid_seen_fn(void *opaque, u32 pasid, const struct vtd_pasid_entry *pe)
{
	struct pasid_seen *ps = opaque;

	if (ps->n < ARRAY_SIZE(ps->pasid)) {
		ps->pasid[ps->n] = pasid;
		ps->pgtt[ps->n] = pe->pgtt;
		ps->did[ps->n] = pe->did;
	}
	return ++ps->n == ps->stop_at ? 7 : 0;
}

static struct pasid_seen pasid_walk(struct kunit *test, struct env *e, u32 first, u32 last,
				    int stop_at)
{
	struct pasid_seen ps = { .stop_at = stop_at };
	struct vtd_sm_ctx ce;

	KUNIT_ASSERT_EQ(test, vtd_sm_context(&e->mem.gm, &e->cfg, SID, e->s->page, &ce), 0);
	e->mem.gm.pages_read = 0;
	KUNIT_EXPECT_EQ(test, vtd_pasid_range_walk(&e->mem.gm, &e->cfg, &ce, first, last,
						   e->s->page, e->s->walk.tables[0],
						   pasid_seen_fn, &ps, 0, NULL),
			stop_at ? 7 : 0);
	return ps;
}

/*
 * A walk of [0, 2^20) with a page budget, resumed where it stopped until it
 * is done, as the host's PASID-cache sync does across exits: it must find
 * what one unbounded walk finds, in order, each call within the budget.
 */
static struct pasid_seen pasid_walk_budget(struct kunit *test, struct env *e, u64 max,
					   unsigned int *calls)
{
	struct pasid_seen ps = {};
	u32 first = 0, next = 0;
	struct vtd_sm_ctx ce;
	int rc;

	KUNIT_ASSERT_EQ(test, vtd_sm_context(&e->mem.gm, &e->cfg, SID, e->s->page, &ce), 0);
	for (*calls = 1; *calls < 4096; ++*calls) {
		e->mem.gm.pages_read = 0;
		rc = vtd_pasid_range_walk(&e->mem.gm, &e->cfg, &ce, first, (1u << 20) - 1,
					  e->s->page, e->s->walk.tables[0], pasid_seen_fn, &ps,
					  max, &next);
		KUNIT_EXPECT_LE(test, e->mem.gm.pages_read, max(max, 2));
		if (rc != -EAGAIN)
			break;
		KUNIT_ASSERT_GT(test, next, first);
		first = next;
	}
	KUNIT_EXPECT_EQ(test, rc, 0);
	return ps;
}

/* The PASID range walk: present directory and table entries only. */
static void pasid_range_walk(struct kunit *test)
{
	struct env *e = kt_sm_env(test);
	struct pasid_seen ps;
	u64 max;

	/* PDTS 3: 1024 directory entries on PDIR and the page after it. */
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | (3 << 9) | BIT_ULL(3) | 1);
	kt_set_pe(e, 0, PE_SS(2), 42, 0);
	kt_set_pe(e, 5, PE_FS, 9, FS(0));
	kt_set_pe(e, 7, PE_FS | BIT_ULL(10), 9, FS(0));	/* reserved bit */
	kt_set_pe(e, 8, PE_FS & ~1ull, 9, FS(0));		/* not present */
	kt_set_entry(&e->mem, PDIR, 600, T(522) | 1);	/* PASIDs 38400-38463 */
	kt_set_entry(&e->mem, T(522), 8, (VTD_PGTT_PT << 6) | 1);	/* 38401 */
	kt_set_entry(&e->mem, T(522), 9, 3);
	kt_set_entry(&e->mem, PDIR, 700, T(523) | BIT_ULL(5) | 1);	/* reserved */
	kt_set_entry(&e->mem, PDIR, 800, 0xf0000000ull | 1);	/* no memory */

	/* Everything: 2 directory pages, 2 tables; what is usable, in order. */
	ps = pasid_walk(test, e, 0, (1u << 20) - 1, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 3);
	KUNIT_EXPECT_EQ(test, ps.pasid[0], 0);
	KUNIT_EXPECT_EQ(test, ps.pgtt[0], VTD_PGTT_SS);
	KUNIT_EXPECT_EQ(test, ps.did[0], 42);
	KUNIT_EXPECT_EQ(test, ps.pasid[1], 5);
	KUNIT_EXPECT_EQ(test, ps.pgtt[1], VTD_PGTT_FS);
	KUNIT_EXPECT_EQ(test, ps.pasid[2], 38401);
	KUNIT_EXPECT_EQ(test, ps.pgtt[2], VTD_PGTT_PT);
	KUNIT_EXPECT_EQ(test, ps.did[2], 3);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);

	/* One PASID: one directory page, one table. */
	ps = pasid_walk(test, e, 5, 5, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 1);
	KUNIT_EXPECT_EQ(test, ps.pasid[0], 5);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2);
	ps = pasid_walk(test, e, 8, 8, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 0);
	/* A range below the first present table reads the directory only. */
	ps = pasid_walk(test, e, 64, 38399, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2);
	/* The hook stops the walk. */
	ps = pasid_walk(test, e, 0, 100000, 1);
	KUNIT_EXPECT_EQ(test, ps.n, 1);

	/* With a budget the walk stops and goes on: the same three, in order. */
	for (max = 1; max <= 4; max++) {
		unsigned int calls;

		ps = pasid_walk_budget(test, e, max, &calls);
		KUNIT_EXPECT_EQ(test, ps.n, 3);
		KUNIT_EXPECT_EQ(test, ps.pasid[0], 0);
		KUNIT_EXPECT_EQ(test, ps.pasid[1], 5);
		KUNIT_EXPECT_EQ(test, ps.pasid[2], 38401);
		KUNIT_EXPECT_GT(test, calls, 1);
	}

	/* PDTS 0: 128 tables, so PASID 38401 is beyond the directory. */
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	ps = pasid_walk(test, e, 0, (1u << 20) - 1, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 2);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2);
	/* A directory outside guest memory: nothing, no crash. */
	kt_set_entry(&e->mem, CTXT, SM_CE, 0xf0000000ull | BIT_ULL(3) | 1);
	ps = pasid_walk(test, e, 0, (1u << 20) - 1, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 0);
}

static void sm_structures(struct kunit *test)
{
	struct env *e = kt_sm_env(test);
	struct vtd_xlate x;
	unsigned int i;

	kt_set_pe(e, 0, PE_SS(2), 42, 0);
	kt_map4(e, 0x5000, 0x7000, RW);
	KUNIT_ASSERT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);

	/* TTM: legacy mode has no PASIDs; reserved encodings; no SMTS. */
	e->cfg.rta = ROOT;
	KUNIT_EXPECT_EQ(test, kt_xp(e, 0, 0x5000, false, false).fault, VTD_FR_SM_TTM0_PASID);
	e->cfg.rta = ROOT | (2ull << 10);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_RTADDR_INV);
	e->cfg.rta = ROOT | (1ull << 10);
	e->cfg.ecap &= ~VTD_ECAP_SMTS;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_RTADDR_INV);
	e->cfg.ecap |= VTD_ECAP_SMTS;

	/* Root entry: devfn 1 uses the lower half. */
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2 + 1, 0);	/* UP: other devfns */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	x = (struct vtd_xlate){ .sid = (SID & 0xff00) | 0x81, .iova = 0x5000 };
	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_ROOT_P);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | BIT_ULL(4) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_ROOT_RSVD);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, 0x40000000ull | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_ACCESS);
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | 1);
	e->cfg.rta = 0x40000000ull | BIT_ULL(10);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_ROOT_ACCESS);
	e->cfg.rta = ROOT | BIT_ULL(10);

	/* Context entry: not present (FPD reported), reserved bits. */
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 2);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_CTX_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	for (i = 2; i < 9; i++) {
		if (i == 3)	/* PASIDE */
			continue;
		kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | BIT_ULL(i) | 1);
		KUNIT_EXPECT_EQ_MSG(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_RSVD,
				    "bit %u", i);
	}
	/* DTE (bit 2) is a field with ECAP.DT. */
	e->cfg.ecap |= VTD_ECAP_DT;
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | BIT_ULL(2) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	e->cfg.ecap &= ~VTD_ECAP_DT;
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	for (i = 1; i < 4; i++) {
		kt_set_entry(&e->mem, CTXT, SM_CE + i, i == 1 ? BIT_ULL(21) : 1);
		KUNIT_EXPECT_EQ_MSG(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_RSVD,
				    "qword %u", i);
		kt_set_entry(&e->mem, CTXT, SM_CE + i, 0);
	}
	e->cfg.ecap &= ~VTD_ECAP_PASID;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_RSVD);
	e->cfg.ecap |= VTD_ECAP_PASID;

	/* PASIDs: PASIDE, PDTS bound. */
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 0, 0x5000, false, false).fault, VTD_FR_SM_CTX_PASIDE);
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 128 * 64, 0x5000, false, false).fault, VTD_FR_SM_CTX_PDTS);
	/* PDTS 3: 1024 directory entries; PASID 512 * 64 is on page 2. */
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | (3 << 9) | BIT_ULL(3) | 1);
	x = kt_xp(e, 512 * 64, 0x5000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PDIR_P);
	KUNIT_EXPECT_EQ(test, x.pasid_pages, 1);
	kt_set_entry(&e->mem, PDIR + 0x1000, 0, PTBL | 1);
	x = kt_xp(e, 512 * 64, 0x5000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.pasid_pages, 2);
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	/*
	 * Without ECAP.RPS requests without PASID use PASID 0 and the RID_PASID
	 * field is ignored: one beyond PDTS, or naming another valid PASID,
	 * changes nothing.
	 */
	kt_set_entry(&e->mem, CTXT, SM_CE + 1, 128 * 64);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	kt_set_pe(e, 3, (VTD_PGTT_PT << 6) | 1, 43, 0);
	kt_set_entry(&e->mem, CTXT, SM_CE + 1, 3);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_SS);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	kt_set_entry(&e->mem, CTXT, SM_CE + 1, 0);
	kt_set_pe(e, 3, 0, 0, 0);

	/*
	 * PASID directory entry: not present (its FPD counts all the same, as
	 * Linux's torn-down FPD=1/P=0 entries rely on), reserved, FPD,
	 * unreadable.
	 */
	kt_set_entry(&e->mem, PDIR, 0, PTBL);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PDIR_P);
	KUNIT_EXPECT_FALSE(test, x.fpd);
	kt_set_entry(&e->mem, PDIR, 0, PTBL | 2);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PDIR_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	kt_set_entry(&e->mem, PDIR, 0, PTBL | BIT_ULL(2) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PDIR_RSVD);
	kt_set_entry(&e->mem, PDIR, 0, PTBL | BIT_ULL(1) | 1);
	x = kt_xp(e, 9, 0x5000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PTE_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	kt_set_entry(&e->mem, PDIR, 0, 0x40000000ull | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_ACCESS);
	kt_set_entry(&e->mem, PDIR, 0, PTBL | 1);
	kt_set_entry(&e->mem, CTXT, SM_CE, 0x40000000ull | BIT_ULL(3) | 1);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PDIR_ACCESS);
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);

	/* PASID table entry: FPD, also when not present; reserved bits. */
	kt_set_pe(e, 0, PE_SS(2) | BIT_ULL(1), 42, 0);
	x = kt_xl(e, 0x9000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_READ);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	kt_set_pe(e, 0, BIT_ULL(1), 0, 0);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PTE_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	kt_set_pe(e, 0, 0, 0, 0);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PTE_P);
	KUNIT_EXPECT_FALSE(test, x.fpd);
	kt_set_pe(e, 0, PE_SS(2) | BIT_ULL(9), 42, 0);	/* SLADE without SLADS */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	kt_set_pe(e, 0, PE_SS(2) | BIT_ULL(10), 42, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	kt_set_pe(e, 0, PE_SS(2), 42 | BIT_ULL(16), 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	kt_set_pe(e, 0, PE_SS(2), 42, BIT_ULL(7));		/* EAFE without EAFS */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	kt_set_pe(e, 0, PE_SS(2), 42, BIT_ULL(1));		/* ERE without ERS */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	e->cfg.ecap &= ~VTD_ECAP_SRS;
	kt_set_pe(e, 0, PE_SS(2), 42, PE_SRE);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	e->cfg.ecap |= VTD_ECAP_SRS;
	for (i = 3; i < 8; i++) {
		kt_set_pe(e, 0, PE_SS(2), 42, 0);
		kt_set_entry(&e->mem, PTBL, i, BIT_ULL(63));
		KUNIT_EXPECT_EQ_MSG(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD,
				    "qword %u", i);
	}
	kt_set_pe(e, 0, PE_SS(2) | BIT_ULL(50), 42, 0);	/* SLPTPTR above the HAW */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
}

static struct kunit_case kvm_vtd_context_cases[] = {
	KUNIT_CASE(root_and_context),
	KUNIT_CASE(pasid_range_walk),
	KUNIT_CASE(sm_structures),
	{}
};

static struct kunit_suite kvm_vtd_context_suite = {
	.name = "kvm_vtd_context",
	.test_cases = kvm_vtd_context_cases,
};

kunit_test_suite(kvm_vtd_context_suite);
