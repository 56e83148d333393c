// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the first- and second-stage page walk (walk.c) over fake guest
 * memory: every level count, large pages, permission stacking, reserved
 * bits per level, privilege and A/D updates, hostile tables, and the counted
 * bounds of single and range walks (what is read, what is traced, where a
 * page budget stops a walk).
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/module.h>

#include "fixture.h"
#include "../walk.c"

static void three_levels_and_large_pages(struct kunit *test)
{
	struct env *e = kt_env(test, 1, 0);
	struct vtd_xlate x;

	/* 39-bit: T(0) is the top (PDPT-level) table. */
	kt_set_entry(&e->mem, T(0), 1, 0x80000000ull | PS | RW);		/* 1G at 1G */
	kt_set_entry(&e->mem, T(0), 2, T(1) | RW);
	kt_set_entry(&e->mem, T(1), 3, 0x40600000ull | PS | VTD_PERM_R);	/* 2M */
	x = kt_xl(e, 0x40012345ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x80012345ull);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 30);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 1);
	x = kt_xl(e, 0x80612345ull, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x40612345ull + 0x0);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 21);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 2);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x80612345ull, true).fault, VTD_FR_WRITE);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 1ull << 39, false).fault, VTD_FR_ADDR_BEYOND_AW);

	/* Without SLLPS the same PS bits are reserved. */
	e->cfg.cap &= ~VTD_CAP_SLLPS;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x40012345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x80612345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	e->cfg.cap |= FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_2M);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x40012345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x80612345ull, false).fault, 0);

	/* A large leaf's address must be aligned to its size. */
	kt_set_entry(&e->mem, T(1), 3, 0x40601000ull | PS | VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x80612345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
}

static void permission_stacking(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);

	kt_map4(e, 0x5000, 0x7000, RW);
	kt_set_entry(&e->mem, T(1), 0, T(2) | VTD_PERM_R);	/* middle level: read only */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).perm, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, true).fault, VTD_FR_WRITE);
	kt_set_entry(&e->mem, T(1), 0, T(2) | VTD_PERM_W);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, true).perm, VTD_PERM_W);
}

static void reserved_bits(struct kunit *test)
{
	static const u64 bad[] = {
		BIT_ULL(11),		/* SNP without ECAP.SC */
		BIT_ULL(62),		/* TM without ECAP.DT */
		BIT_ULL(46),		/* address above the 46-bit HAW */
		BIT_ULL(51),
	};
	struct env *e = kt_env(test, 2, 0);
	unsigned int i, lvl;

	for (lvl = 0; lvl < 4; lvl++) {
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			kt_map4(e, 0x5000, 0x7000, RW);
			kt_set_entry(&e->mem, T(lvl), lvl == 3 ? 5 : 0,
				     (lvl == 3 ? 0x7000 : T(lvl + 1)) | RW | bad[i]);
			KUNIT_EXPECT_EQ_MSG(test, kt_xl(e, 0x5000, false).fault,
					    VTD_FR_PAGING_ENTRY_RSVD, "level %u bit %llx",
					    4 - lvl, bad[i]);
		}
	}
	/* PS at the top level of a 4-level table (no 512 GiB pages). */
	kt_map4(e, 0x5000, 0x7000, RW);
	kt_set_entry(&e->mem, T(0), 0, PS | RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	/* With ECAP.DT, TM is a field of leaves (only). */
	e->cfg.ecap |= VTD_ECAP_DT;
	kt_map4(e, 0x5000, 0x7000 | BIT_ULL(62), RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).gpa, 0x7000);
	kt_set_entry(&e->mem, T(2), 0, T(3) | RW | BIT_ULL(62));
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	e->cfg.ecap &= ~VTD_ECAP_DT;
	/* With ECAP.SC, SNP is a field of leaves (only). */
	e->cfg.ecap |= VTD_ECAP_SC;
	kt_map4(e, 0x5000, 0x7000 | BIT_ULL(11), RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	kt_set_entry(&e->mem, T(2), 0, T(3) | RW | BIT_ULL(11));
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	e->cfg.ecap &= ~VTD_ECAP_SC;
	/* Ignored bits (52-61, 63, 10, 8-9, 2-6) are not reserved. */
	kt_map4(e, 0x5000, 0x7000 | BIT_ULL(63) | BIT_ULL(55) | BIT_ULL(10) |
	     BIT_ULL(9) | BIT_ULL(2), RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).gpa, 0x7000);
}

static void hostile_tables(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct vtd_xlate x;
	unsigned int i;

	/* Every entry of the top table points back at the top table. */
	for (i = 0; i < 512; i++)
		kt_set_entry(&e->mem, T(0), i, T(0) | RW);
	x = kt_xl(e, 0x5000, false);
	/* Walked as tables four levels deep, then a leaf: bounded, no loop. */
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, T(0));
	/* The context pointing the walk at the root table itself. */
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, ROOT | 1);
	x = kt_xl(e, 0x5000, false);
	KUNIT_EXPECT_LE(test, x.walk_pages, 4);
}

struct count {
	u64 leaves;
	u64 holes;
	u64 bytes;
	u64 last_iova;
	bool ordered;
};

static int count_hook(void *opaque, const struct vtd_leaf *leaf)
{
	struct count *c = opaque;

	if (leaf->iova < c->last_iova)
		c->ordered = false;
	c->last_iova = leaf->iova;
	if (leaf->perm)
		c->leaves++;
	else
		c->holes++;
	c->bytes += leaf->size;
	return 0;
}

static int range(struct env *e, unsigned int levels, u64 first, u64 last,
		 bool holes, struct count *c)
{
	struct vtd_walk *w = &e->s->walk;

	memset(c, 0, sizeof(*c));
	memset(&kt_traced, 0, sizeof(kt_traced));
	c->ordered = true;
	w->gm = &e->mem.gm;
	w->root = T(0);
	w->levels = levels;
	w->haw = 46;
	w->first_stage = false;
	w->sp_2m = true;
	w->sp_1g = true;
	w->holes = holes;
	w->max_pages = 0;
	w->hook = count_hook;
	w->opaque = c;
	e->mem.gm.pages_read = 0;
	return vtd_walk_range(w, first, last);
}

/* A 48-bit range walk from T(0) limited to @max_pages table pages. */
static int range_budget(struct env *e, u64 max_pages, struct count *c)
{
	struct vtd_walk *w = &e->s->walk;

	memset(c, 0, sizeof(*c));
	w->gm = &e->mem.gm;
	w->root = T(0);
	w->levels = 4;
	w->haw = 46;
	w->first_stage = false;
	w->sp_2m = true;
	w->sp_1g = true;
	w->holes = false;
	w->max_pages = max_pages;
	w->hook = count_hook;
	w->opaque = c;
	e->mem.gm.pages_read = 0;
	return vtd_walk_range(w, 0, (1ull << 48) - 1);
}

/*
 * Every entry of every level pointing at the same table: a range walk would
 * read 1 + 512 + 512^2 + ... pages; the page budget stops it at exactly its
 * bound, and the same walk without a budget stays bounded in depth.
 */
static void range_walk_budget(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct count c;
	unsigned int i;

	for (i = 0; i < 512; i++)
		kt_set_entry(&e->mem, T(0), i, T(0) | RW);
	KUNIT_EXPECT_EQ(test, range_budget(e, 1000, &c), -EFAULT);
	KUNIT_EXPECT_EQ(test, e->s->walk.err, VTD_WALK_BUDGET);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 1000);
	/* A 1 GiB window of it: 1 + 1 + 1 + 512 pages, 512^2 leaves. */
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 30) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 515);
	KUNIT_EXPECT_EQ(test, c.leaves, 512 * 512);
}

static void range_walk_bounds(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct count c;
	unsigned int i;

	/* 48-bit space, one 4 KiB mapping: 4 table pages, one leaf. */
	kt_map4(e, 0x7654321000ull, 0x9000, RW);
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 48) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);
	KUNIT_EXPECT_EQ(test, c.leaves, 1);
	/* Traced: one walk, 4 levels, 1 leaf, 511 skips per level. */
	KUNIT_EXPECT_EQ(test, kt_traced.walks, 1);
	KUNIT_EXPECT_EQ(test, kt_traced.levels, 4);
	KUNIT_EXPECT_EQ(test, kt_traced.leaves, 1);
	KUNIT_EXPECT_EQ(test, kt_traced.skips, 4 * 511);
	/* With holes reported: every non-present entry once, at its level. */
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 48) - 1, true, &c), 0);
	KUNIT_EXPECT_EQ(test, c.holes, 4 * 511);
	KUNIT_EXPECT_EQ(test, c.bytes, 1ull << 48);
	KUNIT_EXPECT_TRUE(test, c.ordered);

	/* 57-bit space with nothing present: the top table only. */
	memset(e->mem.pages + (T(0) - MEM_BASE), 0, 4096);
	KUNIT_EXPECT_EQ(test, range(e, 5, 0, (1ull << 57) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 1);
	KUNIT_EXPECT_EQ(test, c.leaves, 0);

	/* 1 GiB densely mapped with 4 KiB pages: 1 + 1 + 1 + 512 pages. */
	kt_set_entry(&e->mem, T(0), 0, T(1) | RW);
	kt_set_entry(&e->mem, T(1), 0, T(2) | RW);
	for (i = 0; i < 512; i++) {
		unsigned int j;

		kt_set_entry(&e->mem, T(2), i, T(3 + i) | RW);
		for (j = 0; j < 512; j++)
			kt_set_entry(&e->mem, T(3 + i), j, ((u64)i << 21 | (u64)j << 12) | RW);
	}
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 30) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 1 + 1 + 1 + 512);
	KUNIT_EXPECT_EQ(test, c.leaves, 512 * 512);
	KUNIT_EXPECT_TRUE(test, c.ordered);
	/* A sub-range reads only the tables under it. */
	KUNIT_EXPECT_EQ(test, range(e, 4, 0x200000, 0x5fffff, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 3 + 2);
	KUNIT_EXPECT_EQ(test, c.leaves, 1024);
	/* The same with 2 MiB leaves: 3 pages, 512 leaves. */
	for (i = 0; i < 512; i++)
		kt_set_entry(&e->mem, T(2), i, ((u64)i << 21) | PS | RW);
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 30) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 3);
	KUNIT_EXPECT_EQ(test, c.leaves, 512);

	/* Bad ranges. */
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, 1ull << 48, false, &c), -EFAULT);
	KUNIT_EXPECT_EQ(test, range(e, 4, 2, 1, false, &c), -EFAULT);
	KUNIT_EXPECT_EQ(test, range(e, 6, 0, 1, false, &c), -EFAULT);
}

static void first_stage(struct kunit *test)
{
	struct env *e = kt_sm_env(test);
	u64 iova = 0x12345678000ull;
	struct vtd_xlate x;
	unsigned int i;

	kt_set_pe(e, 5, PE_FS, 7, FS(0));
	kt_fsmap4(e, iova, 0x9abc000, FS_PWU);
	x = kt_xp(e, 5, iova + 0xabc, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abcabc);
	KUNIT_EXPECT_EQ(test, x.size, 4096);
	KUNIT_EXPECT_EQ(test, x.perm, RW);
	KUNIT_EXPECT_EQ(test, x.did, 7);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_FS);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	/* Accessed set on the whole path, dirty not (a read), counted. */
	KUNIT_EXPECT_EQ(test, x.ad_writes, 4);
	KUNIT_EXPECT_TRUE(test, kt_get_entry(&e->mem, FS(0), (iova >> 39) & 511) & FS_A);
	KUNIT_EXPECT_TRUE(test, kt_get_entry(&e->mem, FS(1), (iova >> 30) & 511) & FS_A);
	KUNIT_EXPECT_TRUE(test, kt_get_entry(&e->mem, FS(2), (iova >> 21) & 511) & FS_A);
	KUNIT_EXPECT_EQ(test, kt_get_entry(&e->mem, FS(3), (iova >> 12) & 511),
			0x9abc000 | FS_PWU | FS_A);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).ad_writes, 0);
	x = kt_xp(e, 5, iova, true, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.ad_writes, 1);
	KUNIT_EXPECT_EQ(test, kt_get_entry(&e->mem, FS(3), (iova >> 12) & 511),
			0x9abc000 | FS_PWU | FS_A | FS_D);
	/* A failed A/D update (e.g. read-only memory) is a fault. */
	kt_fsmap4(e, iova, 0x9abc000, FS_PWU);
	e->mem.read_only = true;
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_FS_AD_UPDATE);
	e->mem.read_only = false;

	/* Privilege: US stacked; supervisor requests need SRE. */
	kt_set_entry(&e->mem, FS(1), (iova >> 30) & 511, FS(2) | BIT_ULL(0) | BIT_ULL(1));
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_SM_US);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, true).fault, VTD_FR_SM_PTE_SRE);
	kt_set_pe(e, 5, PE_FS, 7, FS(0) | PE_SRE);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, true).fault, 0);
	/* Read-only leaf: user writes fault; supervisor writes unless WPE. */
	kt_fsmap4(e, iova, 0x9abc000, BIT_ULL(0) | BIT_ULL(2));
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, true, false).fault, VTD_FR_SM_WRITE);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).perm, VTD_PERM_R);
	x = kt_xp(e, 5, iova, true, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.perm, RW);
	kt_set_pe(e, 5, PE_FS, 7, FS(0) | PE_SRE | PE_WPE);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, true, true).fault, VTD_FR_SM_WRITE);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, true).perm, VTD_PERM_R);
	kt_fsmap4(e, iova, 0x9abc000, FS_PWU);

	/* Not present at each level; canonical addresses. */
	x = kt_xp(e, 5, iova + 0x1000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_FS_P);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, 0x7f0000000000ull, false, false).fault, VTD_FR_FS_P);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, 0x800000000000ull, false, false).fault,
			VTD_FR_SM_NON_CANONICAL);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, 0xffff7fffffffffffull, false, false).fault,
			VTD_FR_SM_NON_CANONICAL);
	kt_set_entry(&e->mem, FS(0), 256, FS(1) | FS_PWU);
	x = kt_xp(e, 5, 0xffff800000000000ull | (iova & ((1ull << 39) - 1)), false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abc000);

	/* Large pages: 2 MiB always, 1 GiB with FL1GP, PAT bit 12 kept. */
	kt_set_entry(&e->mem, FS(2), 5, 0x40000000ull | BIT_ULL(12) | BIT_ULL(7) | FS_PWU);
	x = kt_xp(e, 5, (iova & ~((1ull << 30) - 1)) + (5ull << 21) + 0x1234, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x40001234ull);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 21);
	kt_set_entry(&e->mem, FS(2), 5, 0x40000000ull | BIT_ULL(13) | BIT_ULL(7) | FS_PWU);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, (iova & ~((1ull << 30) - 1)) + (5ull << 21), false,
				    false).fault, VTD_FR_FS_RSVD);
	/* (Not at 3 GiB: that leaf would cover the interrupt range.) */
	kt_set_entry(&e->mem, FS(1), 3, 0x140000000ull | BIT_ULL(7) | FS_PWU);
	x = kt_xp(e, 5, (iova & ~((1ull << 39) - 1)) + (3ull << 30) + 0x5678, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x140005678ull);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 2);
	e->cfg.cap &= ~VTD_CAP_FL1GP;
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, (iova & ~((1ull << 39) - 1)) + (3ull << 30), false,
				    false).fault, VTD_FR_FS_RSVD);
	e->cfg.cap |= VTD_CAP_FL1GP;
	kt_set_entry(&e->mem, FS(0), 7, BIT_ULL(7) | FS_PWU);	/* PS at level 4 */
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, 7ull << 39, false, false).fault, VTD_FR_FS_RSVD);

	/* Reserved address bits at every level; tables outside memory. */
	for (i = 0; i < 4; i++) {
		u64 v = kt_get_entry(&e->mem, FS(i), (iova >> (39 - 9 * i)) & 511);

		kt_set_entry(&e->mem, FS(i), (iova >> (39 - 9 * i)) & 511, v | BIT_ULL(46));
		KUNIT_EXPECT_EQ_MSG(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_FS_RSVD,
				    "level %u", 4 - i);
		kt_set_entry(&e->mem, FS(i), (iova >> (39 - 9 * i)) & 511, v);
	}
	kt_set_entry(&e->mem, FS(3), (iova >> 12) & 511, 0x9abc000 | FS_PWU | BIT_ULL(63) |
		  BIT_ULL(60) | BIT_ULL(9));			/* ignored bits */
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, 0);
	kt_set_entry(&e->mem, FS(2), (iova >> 21) & 511, 0x40000000ull | FS_PWU);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_FS_ACCESS);
	kt_set_pe(e, 5, PE_FS, 7, 0x40000000ull);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_FS_PTPTR_INV);

	/* 5-level only with FL5LP; FLPM 2 and 3 are reserved encodings. */
	kt_fsmap4(e, iova, 0x9abc000, FS_PWU);
	kt_set_entry(&e->mem, FS(4), 0, FS(0) | FS_PWU);
	kt_set_pe(e, 5, PE_FS, 7, FS(4) | (1 << 2));
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_SM_PTE_INV);
	e->cfg.cap |= VTD_CAP_FL5LP;
	x = kt_xp(e, 5, iova, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 5);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abc000);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, 1ull << 56, false, false).fault,
			VTD_FR_SM_NON_CANONICAL);
	kt_set_pe(e, 5, PE_FS, 7, FS(4) | (2 << 2));
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_SM_PTE_INV);
	kt_set_pe(e, 5, PE_FS, 7, FS(0));
	e->cfg.ecap &= ~VTD_ECAP_FLTS;
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_SM_PTE_INV);
}

static void five_level_second_stage(struct kunit *test)
{
	struct env *e = kt_env(test, 3, 0);
	struct vtd_xlate x;

	e->cfg.cap |= FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_57);
	e->cfg.cap = (e->cfg.cap & ~VTD_CAP_MGAW) | FIELD_PREP(VTD_CAP_MGAW, 56);
	kt_set_entry(&e->mem, T(4), 1, T(0) | RW);		/* level 5 -> level 4 */
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(4) | 1);
	kt_map4(e, 0x5000, 0x7000, RW);
	x = kt_xl(e, (1ull << 48) | 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7000);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 5);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 1ull << 57, false).fault, VTD_FR_ADDR_BEYOND_AW);
}

static struct kunit_case kvm_vtd_walk_cases[] = {
	KUNIT_CASE(three_levels_and_large_pages),
	KUNIT_CASE(permission_stacking),
	KUNIT_CASE(reserved_bits),
	KUNIT_CASE(hostile_tables),
	KUNIT_CASE(range_walk_budget),
	KUNIT_CASE(range_walk_bounds),
	KUNIT_CASE(first_stage),
	KUNIT_CASE(five_level_second_stage),
	{}
};

static struct kunit_suite kvm_vtd_walk_suite = {
	.name = "kvm_vtd_walk",
	.test_cases = kvm_vtd_walk_cases,
};

kunit_test_suite(kvm_vtd_walk_suite);
