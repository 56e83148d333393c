// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: legacy root/context entries and the second-stage walker
 * (context.c, walk.c) over fake guest memory: every level count, large
 * pages, permission stacking, reserved bits per level, each fault reason,
 * hostile tables, and the counted bounds of single and range walks.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../walk.c"
#include "../context.c"

#define MEM_BASE	0x100000ull
#define MEM_PAGES	600
#define ROOT		(MEM_BASE + 0x0000)
#define CTXT		(MEM_BASE + 0x1000)
#define T(n)		(MEM_BASE + 0x2000 + (u64)(n) * 0x1000)
#define SID		0x0308		/* bus 3, devfn 1 */
#define RW		(VTD_PERM_R | VTD_PERM_W)
#define PS		BIT_ULL(7)

struct fake_mem {
	struct vtd_gmem gm;
	u8 *pages;
};

static int fake_read(struct vtd_gmem *gm, u64 gpa, void *buf)
{
	struct fake_mem *m = container_of(gm, struct fake_mem, gm);

	if (gpa < MEM_BASE || gpa >= MEM_BASE + MEM_PAGES * 4096ull || gpa & 0xfff)
		return -EFAULT;
	memcpy(buf, m->pages + (gpa - MEM_BASE), 4096);
	return 0;
}

static void set_entry(struct fake_mem *m, u64 table, unsigned int i, u64 v)
{
	((__le64 *)(m->pages + (table - MEM_BASE)))[i] = cpu_to_le64(v);
}

static void fake_mem_exit(void *data)
{
	vfree(data);
}

struct env {
	struct fake_mem mem;
	struct vtd_xlate_cfg cfg;
	struct vtd_xlate_scratch *s;
};

/* Root entry for bus 3 and a context entry for SID with @aw, @tt. */
static struct env *new_env(struct kunit *test, unsigned int aw, unsigned int tt)
{
	struct env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->s = kunit_kzalloc(test, sizeof(*e->s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->s);
	e->mem.pages = vzalloc(MEM_PAGES * 4096);
	KUNIT_ASSERT_NOT_NULL(test, e->mem.pages);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_mem_exit, e->mem.pages), 0);
	e->mem.gm.read_page = fake_read;

	e->cfg.cap = FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39 | VTD_SAGAW_48) |
		     FIELD_PREP(VTD_CAP_MGAW, 47) |
		     FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_2M | VTD_SLLPS_1G);
	e->cfg.te = true;
	e->cfg.rta = ROOT;
	e->cfg.haw = 46;
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | 1);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (tt << 2) | 1);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, aw | (42 << 8));
	return e;
}

static struct vtd_xlate xl(struct env *e, u64 iova, bool write)
{
	struct vtd_xlate x = { .sid = SID, .iova = iova, .write = write };

	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	return x;
}

/* Map iova -> gpa with 4 KiB pages in a 4-level table rooted at T(0). */
static void map4(struct env *e, u64 iova, u64 gpa, u64 leaf_perm)
{
	set_entry(&e->mem, T(0), (iova >> 39) & 511, T(1) | RW);
	set_entry(&e->mem, T(1), (iova >> 30) & 511, T(2) | RW);
	set_entry(&e->mem, T(2), (iova >> 21) & 511, T(3) | RW);
	set_entry(&e->mem, T(3), (iova >> 12) & 511, gpa | leaf_perm);
}

static void translate_4k(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);
	struct vtd_xlate x;

	map4(e, 0x12345678000ull, 0x9abc000, RW);
	x = xl(e, 0x12345678abcull, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abcabc);
	KUNIT_EXPECT_EQ(test, x.size, 4096);
	KUNIT_EXPECT_EQ(test, x.perm, RW);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	/* Counted: one page per level, plus the root and context tables. */
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, x.ctx_pages, 2);

	/* Read-only leaf: reads pass, writes fault with reason 5. */
	map4(e, 0x12345678000ull, 0x9abc000, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345678000ull, false).fault, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345678000ull, true).fault, VTD_FR_WRITE);
	map4(e, 0x12345678000ull, 0x9abc000, VTD_PERM_W);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345678000ull, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345678000ull, true).fault, 0);

	/* Not present at each level: the access's permission fault. */
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345679000ull, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345679000ull, true).fault, VTD_FR_WRITE);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12345800000ull, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, xl(e, 0x12380000000ull, false).fault, VTD_FR_READ);
	x = xl(e, 0x80000000000ull, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 1);

	/* Beyond the 48-bit AGAW. */
	KUNIT_EXPECT_EQ(test, xl(e, 1ull << 48, false).fault, VTD_FR_ADDR_BEYOND_AW);
	/* Translation disabled: identity. */
	e->cfg.te = false;
	x = xl(e, 0x123456789ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x123456789ull);
	KUNIT_EXPECT_EQ(test, x.walk_pages + x.ctx_pages, 0);
}

static void three_levels_and_large_pages(struct kunit *test)
{
	struct env *e = new_env(test, 1, 0);
	struct vtd_xlate x;

	/* 39-bit: T(0) is the top (PDPT-level) table. */
	set_entry(&e->mem, T(0), 1, 0x80000000ull | PS | RW);		/* 1G at 1G */
	set_entry(&e->mem, T(0), 2, T(1) | RW);
	set_entry(&e->mem, T(1), 3, 0x40600000ull | PS | VTD_PERM_R);	/* 2M */
	x = xl(e, 0x40012345ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x80012345ull);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 30);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 1);
	x = xl(e, 0x80612345ull, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x40612345ull + 0x0);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 21);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 2);
	KUNIT_EXPECT_EQ(test, xl(e, 0x80612345ull, true).fault, VTD_FR_WRITE);
	KUNIT_EXPECT_EQ(test, xl(e, 1ull << 39, false).fault, VTD_FR_ADDR_BEYOND_AW);

	/* Without SLLPS the same PS bits are reserved. */
	e->cfg.cap &= ~VTD_CAP_SLLPS;
	KUNIT_EXPECT_EQ(test, xl(e, 0x40012345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	KUNIT_EXPECT_EQ(test, xl(e, 0x80612345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	e->cfg.cap |= FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_2M);
	KUNIT_EXPECT_EQ(test, xl(e, 0x40012345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	KUNIT_EXPECT_EQ(test, xl(e, 0x80612345ull, false).fault, 0);

	/* A large leaf's address must be aligned to its size. */
	set_entry(&e->mem, T(1), 3, 0x40601000ull | PS | VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, xl(e, 0x80612345ull, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
}

static void permission_stacking(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);

	map4(e, 0x5000, 0x7000, RW);
	set_entry(&e->mem, T(1), 0, T(2) | VTD_PERM_R);	/* middle level: read only */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).perm, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, true).fault, VTD_FR_WRITE);
	set_entry(&e->mem, T(1), 0, T(2) | VTD_PERM_W);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, true).perm, VTD_PERM_W);
}

static void reserved_bits(struct kunit *test)
{
	static const u64 bad[] = {
		BIT_ULL(11),		/* SNP without ECAP.SC */
		BIT_ULL(62),		/* TM without ECAP.DT */
		BIT_ULL(46),		/* address above the 46-bit HAW */
		BIT_ULL(51),
	};
	struct env *e = new_env(test, 2, 0);
	unsigned int i, lvl;

	for (lvl = 0; lvl < 4; lvl++) {
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			map4(e, 0x5000, 0x7000, RW);
			set_entry(&e->mem, T(lvl), lvl == 3 ? 5 : 0,
				  (lvl == 3 ? 0x7000 : T(lvl + 1)) | RW | bad[i]);
			KUNIT_EXPECT_EQ_MSG(test, xl(e, 0x5000, false).fault,
					    VTD_FR_PAGING_ENTRY_RSVD, "level %u bit %llx",
					    4 - lvl, bad[i]);
		}
	}
	/* PS at the top level of a 4-level table (no 512 GiB pages). */
	map4(e, 0x5000, 0x7000, RW);
	set_entry(&e->mem, T(0), 0, PS | RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	/* Ignored bits (52-61, 63, 10, 8-9, 2-6) are not reserved. */
	map4(e, 0x5000, 0x7000 | BIT_ULL(63) | BIT_ULL(55) | BIT_ULL(10) |
	     BIT_ULL(9) | BIT_ULL(2), RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).gpa, 0x7000);
}

static void root_and_context(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);
	struct vtd_xlate x;

	map4(e, 0x5000, 0x7000, RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);

	/* Context entry: not present (FPD still reported), reserved, TT, AW. */
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 2);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_CONTEXT_ENTRY_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | BIT(4) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_RSVD);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 1);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 2 | BIT(7));
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_RSVD);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 2 | BIT_ULL(24));
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_RSVD);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 3);	/* 57-bit: not in SAGAW */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, 2);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (1 << 2) | 1);	/* DT */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (2 << 2) | 1);	/* PT */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (3 << 2) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_ENTRY_INV);
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 1);

	/* Another devfn on the bus has no context entry. */
	x = (struct vtd_xlate){ .sid = SID + 1, .iova = 0x5000 };
	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_CONTEXT_ENTRY_P);

	/* Root entry: reserved bits, not present. */
	set_entry(&e->mem, ROOT, (SID >> 8) * 2 + 1, 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_ROOT_ENTRY_RSVD);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2 + 1, 0);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | BIT(3) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_ROOT_ENTRY_RSVD);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_ROOT_ENTRY_P);

	/* Tables outside guest memory: the access error of each level. */
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, 0x40000000ull | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_CONTEXT_TABLE_INV);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | 1);
	set_entry(&e->mem, T(2), 0, 0x40000000ull | RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_INV);
	e->cfg.rta = 0x40000000ull;
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_ROOT_TABLE_INV);
}

static void hostile_tables(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);
	struct vtd_xlate x;
	unsigned int i;

	/* Every entry of the top table points back at the top table. */
	for (i = 0; i < 512; i++)
		set_entry(&e->mem, T(0), i, T(0) | RW);
	x = xl(e, 0x5000, false);
	/* Walked as tables four levels deep, then a leaf: bounded, no loop. */
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, T(0));
	/* The context pointing the walk at the root table itself. */
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, ROOT | 1);
	x = xl(e, 0x5000, false);
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
	struct vtd_ss_walk *w = &e->s->walk;

	memset(c, 0, sizeof(*c));
	c->ordered = true;
	w->gm = &e->mem.gm;
	w->root = T(0);
	w->levels = levels;
	w->haw = 46;
	w->sp_2m = true;
	w->sp_1g = true;
	w->holes = holes;
	w->hook = count_hook;
	w->opaque = c;
	e->mem.gm.pages_read = 0;
	return vtd_ss_walk_range(w, first, last);
}

static void range_walk_bounds(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);
	struct count c;
	unsigned int i;

	/* 48-bit space, one 4 KiB mapping: 4 table pages, one leaf. */
	map4(e, 0x7654321000ull, 0x9000, RW);
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 48) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);
	KUNIT_EXPECT_EQ(test, c.leaves, 1);
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
	set_entry(&e->mem, T(0), 0, T(1) | RW);
	set_entry(&e->mem, T(1), 0, T(2) | RW);
	for (i = 0; i < 512; i++) {
		unsigned int j;

		set_entry(&e->mem, T(2), i, T(3 + i) | RW);
		for (j = 0; j < 512; j++)
			set_entry(&e->mem, T(3 + i), j, ((u64)i << 21 | (u64)j << 12) | RW);
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
		set_entry(&e->mem, T(2), i, ((u64)i << 21) | PS | RW);
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 30) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 3);
	KUNIT_EXPECT_EQ(test, c.leaves, 512);

	/* Bad ranges. */
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, 1ull << 48, false, &c), -EFAULT);
	KUNIT_EXPECT_EQ(test, range(e, 4, 2, 1, false, &c), -EFAULT);
	KUNIT_EXPECT_EQ(test, range(e, 6, 0, 1, false, &c), -EFAULT);
}

static struct kunit_case kvm_vtd_walk_cases[] = {
	KUNIT_CASE(translate_4k),
	KUNIT_CASE(three_levels_and_large_pages),
	KUNIT_CASE(permission_stacking),
	KUNIT_CASE(reserved_bits),
	KUNIT_CASE(root_and_context),
	KUNIT_CASE(hostile_tables),
	KUNIT_CASE(range_walk_bounds),
	{}
};

static struct kunit_suite kvm_vtd_walk_suite = {
	.name = "kvm_vtd_walk",
	.test_cases = kvm_vtd_walk_cases,
};

kunit_test_suite(kvm_vtd_walk_suite);
