// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: legacy and scalable-mode root/context entries, PASID directory and
 * table, and the first- and second-stage walker (context.c, xlate.c,
 * walk.c) over fake guest memory: every PGTT and TT, every level count,
 * large pages, permission stacking, privilege, A/D updates, reserved bits
 * per level, each fault reason, hostile tables, and the counted bounds of
 * single and range walks.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../walk.c"
#include "../context.c"
#include "../xlate.c"
#include "../cache.c"

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
	bool read_only;
};

/* What the walker reported to its trace points. */
static struct {
	u64 walks, levels, leaves, skips;
} traced;

static void count_walk(struct vtd_gmem *gm, u64 root, unsigned int levels, bool first_stage,
		       u64 first, u64 last)
{
	traced.walks++;
}

static void count_walk_level(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first,
			     u64 last)
{
	traced.levels++;
}

static void count_walk_leaf(struct vtd_gmem *gm, const struct vtd_leaf *leaf)
{
	traced.leaves++;
}

static void count_walk_skip(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size)
{
	traced.skips++;
}

static const struct vtd_walk_trace count_trace = {
	.walk = count_walk,
	.level = count_walk_level,
	.leaf = count_walk_leaf,
	.skip = count_walk_skip,
};

static int fake_read(struct vtd_gmem *gm, u64 gpa, void *buf)
{
	struct fake_mem *m = container_of(gm, struct fake_mem, gm);

	if (gpa < MEM_BASE || gpa >= MEM_BASE + MEM_PAGES * 4096ull || gpa & 0xfff)
		return -EFAULT;
	memcpy(buf, m->pages + (gpa - MEM_BASE), 4096);
	return 0;
}

static int fake_update(struct vtd_gmem *gm, u64 gpa, u64 *old, u64 new)
{
	struct fake_mem *m = container_of(gm, struct fake_mem, gm);
	__le64 *p = (__le64 *)(m->pages + (gpa - MEM_BASE));

	if (m->read_only || gpa < MEM_BASE || gpa >= MEM_BASE + MEM_PAGES * 4096ull)
		return -EFAULT;
	if (le64_to_cpu(*p) != *old) {
		*old = le64_to_cpu(*p);
		return -EAGAIN;
	}
	*p = cpu_to_le64(new);
	return 0;
}

static void set_entry(struct fake_mem *m, u64 table, unsigned int i, u64 v)
{
	((__le64 *)(m->pages + (table - MEM_BASE)))[i] = cpu_to_le64(v);
}

static u64 get_entry(struct fake_mem *m, u64 table, unsigned int i)
{
	return le64_to_cpu(((__le64 *)(m->pages + (table - MEM_BASE)))[i]);
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
	e->mem.gm.update = fake_update;
	e->mem.gm.trace = &count_trace;

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
	struct vtd_xlate x = { .sid = SID, .iova = iova, .write = write };	/* no PASID */

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
	/* With ECAP.DT, TM is a field of leaves (only). */
	e->cfg.ecap |= VTD_ECAP_DT;
	map4(e, 0x5000, 0x7000 | BIT_ULL(62), RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).gpa, 0x7000);
	set_entry(&e->mem, T(2), 0, T(3) | RW | BIT_ULL(62));
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	e->cfg.ecap &= ~VTD_ECAP_DT;
	/* With ECAP.SC, SNP is a field of leaves (only). */
	e->cfg.ecap |= VTD_ECAP_SC;
	map4(e, 0x5000, 0x7000 | BIT_ULL(11), RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	set_entry(&e->mem, T(2), 0, T(3) | RW | BIT_ULL(11));
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_PAGING_ENTRY_RSVD);
	e->cfg.ecap &= ~VTD_ECAP_SC;
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
	/* With ECAP.DT, TT 1 translates untranslated requests as TT 0. */
	e->cfg.ecap |= VTD_ECAP_DT;
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7000);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_LEGACY);
	e->cfg.ecap &= ~VTD_ECAP_DT;
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
	struct vtd_walk *w = &e->s->walk;

	memset(c, 0, sizeof(*c));
	memset(&traced, 0, sizeof(traced));
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
	struct env *e = new_env(test, 2, 0);
	struct count c;
	unsigned int i;

	for (i = 0; i < 512; i++)
		set_entry(&e->mem, T(0), i, T(0) | RW);
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
	struct env *e = new_env(test, 2, 0);
	struct count c;
	unsigned int i;

	/* 48-bit space, one 4 KiB mapping: 4 table pages, one leaf. */
	map4(e, 0x7654321000ull, 0x9000, RW);
	KUNIT_EXPECT_EQ(test, range(e, 4, 0, (1ull << 48) - 1, false, &c), 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);
	KUNIT_EXPECT_EQ(test, c.leaves, 1);
	/* Traced: one walk, 4 levels, 1 leaf, 511 skips per level. */
	KUNIT_EXPECT_EQ(test, traced.walks, 1);
	KUNIT_EXPECT_EQ(test, traced.levels, 4);
	KUNIT_EXPECT_EQ(test, traced.leaves, 1);
	KUNIT_EXPECT_EQ(test, traced.skips, 4 * 511);
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

/* Scalable mode: PASID directory, PASID table, first-stage tables. */
#define PDIR		T(518)	/* and T(519): directory pages can be two */
#define PTBL		T(521)
#define FS(n)		T(530 + (n))
#define SM_ECAP		(VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | VTD_ECAP_PASID | \
			 VTD_ECAP_SRS | VTD_ECAP_PT)
#define SM_CE		((SID & 0x7f) * 4)	/* qword of SID's 256-bit entry */
#define PE_SS(aw)	(T(0) | (VTD_PGTT_SS << 6) | ((aw) << 2) | 1)
#define PE_FS		((VTD_PGTT_FS << 6) | 1)
#define FS_PWU		(BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2))
#define FS_A		BIT_ULL(5)
#define FS_D		BIT_ULL(6)
#define PE_SRE		BIT_ULL(0)
#define PE_WPE		BIT_ULL(4)

static void set_pe(struct env *e, u32 pasid, u64 q0, u64 q1, u64 q2)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		set_entry(&e->mem, PTBL, pasid * 8 + i, 0);
	set_entry(&e->mem, PTBL, pasid * 8, q0);
	set_entry(&e->mem, PTBL, pasid * 8 + 1, q1);
	set_entry(&e->mem, PTBL, pasid * 8 + 2, q2);
}

/* SID in scalable mode: PDTS 0 (128 directory entries), PASIDE, RID_PASID 0. */
static struct env *new_sm_env(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);

	e->cfg.ecap = SM_ECAP;
	e->cfg.cap |= VTD_CAP_FL1GP;
	e->cfg.rta = ROOT | BIT_ULL(10);
	memset(e->mem.pages + (CTXT - MEM_BASE), 0, 4096);
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	set_entry(&e->mem, PDIR, 0, PTBL | 1);
	return e;
}

static struct vtd_xlate xp(struct env *e, u32 pasid, u64 iova, bool write, bool priv)
{
	struct vtd_xlate x = {
		.sid = SID, .pasid_present = true, .pasid = pasid,
		.iova = iova, .write = write, .priv = priv,
	};

	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	return x;
}

/* Map iova -> gpa with 4 KiB first-stage pages rooted at FS(0). */
static void fsmap4(struct env *e, u64 iova, u64 gpa, u64 leaf)
{
	set_entry(&e->mem, FS(0), (iova >> 39) & 511, FS(1) | FS_PWU);
	set_entry(&e->mem, FS(1), (iova >> 30) & 511, FS(2) | FS_PWU);
	set_entry(&e->mem, FS(2), (iova >> 21) & 511, FS(3) | FS_PWU);
	set_entry(&e->mem, FS(3), (iova >> 12) & 511, gpa | leaf);
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
	struct env *e = new_sm_env(test);
	struct pasid_seen ps;
	u64 max;

	/* PDTS 3: 1024 directory entries on PDIR and the page after it. */
	set_entry(&e->mem, CTXT, SM_CE, PDIR | (3 << 9) | BIT_ULL(3) | 1);
	set_pe(e, 0, PE_SS(2), 42, 0);
	set_pe(e, 5, PE_FS, 9, FS(0));
	set_pe(e, 7, PE_FS | BIT_ULL(10), 9, FS(0));	/* reserved bit */
	set_pe(e, 8, PE_FS & ~1ull, 9, FS(0));		/* not present */
	set_entry(&e->mem, PDIR, 600, T(522) | 1);	/* PASIDs 38400-38463 */
	set_entry(&e->mem, T(522), 8, (VTD_PGTT_PT << 6) | 1);	/* 38401 */
	set_entry(&e->mem, T(522), 9, 3);
	set_entry(&e->mem, PDIR, 700, T(523) | BIT_ULL(5) | 1);	/* reserved */
	set_entry(&e->mem, PDIR, 800, 0xf0000000ull | 1);	/* no memory */

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
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	ps = pasid_walk(test, e, 0, (1u << 20) - 1, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 2);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2);
	/* A directory outside guest memory: nothing, no crash. */
	set_entry(&e->mem, CTXT, SM_CE, 0xf0000000ull | BIT_ULL(3) | 1);
	ps = pasid_walk(test, e, 0, (1u << 20) - 1, 0);
	KUNIT_EXPECT_EQ(test, ps.n, 0);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 0);
}

static void sm_second_stage_and_pt(struct kunit *test)
{
	struct env *e = new_sm_env(test);
	struct vtd_xlate x;

	set_pe(e, 0, PE_SS(2), 42, 0);
	map4(e, 0x5000, 0x7000, RW);
	/* A request without PASID uses RID_PASID (0). */
	x = xl(e, 0x5123, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7123);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_SS);
	/* Counted: root + context, directory + table, one page per level. */
	KUNIT_EXPECT_EQ(test, x.ctx_pages, 2);
	KUNIT_EXPECT_EQ(test, x.pasid_pages, 2);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, xp(e, 0, 0x5123, true, false).gpa, 0x7123);

	/* Second-stage faults carry the scalable-mode reasons. */
	KUNIT_EXPECT_EQ(test, xl(e, 0x9000, false).fault, VTD_FR_SM_READ);
	KUNIT_EXPECT_EQ(test, xl(e, 0x9000, true).fault, VTD_FR_SM_WRITE);
	map4(e, 0x5000, 0x7000, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, true).fault, VTD_FR_SM_WRITE);
	/*
	 * SNP in a scalable-mode leaf is ignored, with or without ECAP.SC
	 * (Linux sets it there); in a non-leaf entry it stays reserved.
	 */
	map4(e, 0x5000, 0x7000 | BIT_ULL(11), RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).gpa, 0x7000);
	set_entry(&e->mem, T(2), 0, T(3) | RW | BIT_ULL(11));
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SS_RSVD);
	map4(e, 0x5000, 0x7000, RW);
	KUNIT_EXPECT_EQ(test, xl(e, 1ull << 48, false).fault, VTD_FR_SM_BEYOND_AW);
	set_entry(&e->mem, T(2), 0, 0x40000000ull | RW);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SS_ACCESS);
	set_pe(e, 0, 0x40000000ull | (VTD_PGTT_SS << 6) | (2 << 2) | 1, 42, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SS_PTPTR_INV);
	/* AW outside SAGAW, second stage not advertised. */
	set_pe(e, 0, PE_SS(3), 42, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	set_pe(e, 0, PE_SS(2), 42, 0);
	e->cfg.ecap &= ~VTD_ECAP_SLTS;
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	e->cfg.ecap |= VTD_ECAP_SLTS;

	/* Pass-through, only with ECAP.PT; nested and reserved PGTTs. */
	set_pe(e, 0, (VTD_PGTT_PT << 6) | 1, 7, 0);
	x = xl(e, 0x123456789ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x123456789ull);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_PT);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 1ull << 46, false).fault, VTD_FR_SM_BEYOND_AW);
	e->cfg.ecap &= ~VTD_ECAP_PT;
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	set_pe(e, 0, (VTD_PGTT_NESTED << 6) | 1, 7, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	set_pe(e, 0, 1, 7, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	set_pe(e, 0, (5 << 6) | 1, 7, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);

	/* Legacy pass-through (TT 2) with ECAP.PT. */
	e = new_env(test, 2, 2);
	e->cfg.ecap = VTD_ECAP_PT;
	x = xl(e, 0x123456789ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x123456789ull);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_LEGACY_PT);
	KUNIT_EXPECT_EQ(test, xl(e, 1ull << 46, false).fault, VTD_FR_ADDR_BEYOND_AW);
}

static void sm_structures(struct kunit *test)
{
	struct env *e = new_sm_env(test);
	struct vtd_xlate x;
	unsigned int i;

	set_pe(e, 0, PE_SS(2), 42, 0);
	map4(e, 0x5000, 0x7000, RW);
	KUNIT_ASSERT_EQ(test, xl(e, 0x5000, false).fault, 0);

	/* TTM: legacy mode has no PASIDs; reserved encodings; no SMTS. */
	e->cfg.rta = ROOT;
	KUNIT_EXPECT_EQ(test, xp(e, 0, 0x5000, false, false).fault, VTD_FR_SM_TTM0_PASID);
	e->cfg.rta = ROOT | (2ull << 10);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_RTADDR_INV);
	e->cfg.rta = ROOT | (1ull << 10);
	e->cfg.ecap &= ~VTD_ECAP_SMTS;
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_RTADDR_INV);
	e->cfg.ecap |= VTD_ECAP_SMTS;

	/* Root entry: devfn 1 uses the lower half. */
	set_entry(&e->mem, ROOT, (SID >> 8) * 2 + 1, 0);	/* UP: other devfns */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	x = (struct vtd_xlate){ .sid = (SID & 0xff00) | 0x81, .iova = 0x5000 };
	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_ROOT_P);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | BIT_ULL(4) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_ROOT_RSVD);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, 0x40000000ull | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_ACCESS);
	set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | 1);
	e->cfg.rta = 0x40000000ull | BIT_ULL(10);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_ROOT_ACCESS);
	e->cfg.rta = ROOT | BIT_ULL(10);

	/* Context entry: not present (FPD reported), reserved bits. */
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 2);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_CTX_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	for (i = 2; i < 9; i++) {
		if (i == 3)	/* PASIDE */
			continue;
		set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | BIT_ULL(i) | 1);
		KUNIT_EXPECT_EQ_MSG(test, xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_RSVD,
				    "bit %u", i);
	}
	/* DTE (bit 2) is a field with ECAP.DT. */
	e->cfg.ecap |= VTD_ECAP_DT;
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | BIT_ULL(2) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	e->cfg.ecap &= ~VTD_ECAP_DT;
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	for (i = 1; i < 4; i++) {
		set_entry(&e->mem, CTXT, SM_CE + i, i == 1 ? BIT_ULL(21) : 1);
		KUNIT_EXPECT_EQ_MSG(test, xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_RSVD,
				    "qword %u", i);
		set_entry(&e->mem, CTXT, SM_CE + i, 0);
	}
	e->cfg.ecap &= ~VTD_ECAP_PASID;
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_CTX_RSVD);
	e->cfg.ecap |= VTD_ECAP_PASID;

	/* PASIDs: PASIDE, PDTS bound. */
	set_entry(&e->mem, CTXT, SM_CE, PDIR | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, xp(e, 0, 0x5000, false, false).fault, VTD_FR_SM_CTX_PASIDE);
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	KUNIT_EXPECT_EQ(test, xp(e, 128 * 64, 0x5000, false, false).fault, VTD_FR_SM_CTX_PDTS);
	/* PDTS 3: 1024 directory entries; PASID 512 * 64 is on page 2. */
	set_entry(&e->mem, CTXT, SM_CE, PDIR | (3 << 9) | BIT_ULL(3) | 1);
	x = xp(e, 512 * 64, 0x5000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PDIR_P);
	KUNIT_EXPECT_EQ(test, x.pasid_pages, 1);
	set_entry(&e->mem, PDIR + 0x1000, 0, PTBL | 1);
	x = xp(e, 512 * 64, 0x5000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.pasid_pages, 2);
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	/*
	 * Without ECAP.RPS requests without PASID use PASID 0 and the RID_PASID
	 * field is ignored: one beyond PDTS, or naming another valid PASID,
	 * changes nothing.
	 */
	set_entry(&e->mem, CTXT, SM_CE + 1, 128 * 64);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	set_pe(e, 3, (VTD_PGTT_PT << 6) | 1, 43, 0);
	set_entry(&e->mem, CTXT, SM_CE + 1, 3);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_SS);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	set_entry(&e->mem, CTXT, SM_CE + 1, 0);
	set_pe(e, 3, 0, 0, 0);

	/*
	 * PASID directory entry: not present (its FPD counts all the same, as
	 * Linux's torn-down FPD=1/P=0 entries rely on), reserved, FPD,
	 * unreadable.
	 */
	set_entry(&e->mem, PDIR, 0, PTBL);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PDIR_P);
	KUNIT_EXPECT_FALSE(test, x.fpd);
	set_entry(&e->mem, PDIR, 0, PTBL | 2);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PDIR_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	set_entry(&e->mem, PDIR, 0, PTBL | BIT_ULL(2) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PDIR_RSVD);
	set_entry(&e->mem, PDIR, 0, PTBL | BIT_ULL(1) | 1);
	x = xp(e, 9, 0x5000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PTE_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	set_entry(&e->mem, PDIR, 0, 0x40000000ull | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_ACCESS);
	set_entry(&e->mem, PDIR, 0, PTBL | 1);
	set_entry(&e->mem, CTXT, SM_CE, 0x40000000ull | BIT_ULL(3) | 1);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PDIR_ACCESS);
	set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);

	/* PASID table entry: FPD, also when not present; reserved bits. */
	set_pe(e, 0, PE_SS(2) | BIT_ULL(1), 42, 0);
	x = xl(e, 0x9000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_READ);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	set_pe(e, 0, BIT_ULL(1), 0, 0);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PTE_P);
	KUNIT_EXPECT_TRUE(test, x.fpd);
	set_pe(e, 0, 0, 0, 0);
	x = xl(e, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_SM_PTE_P);
	KUNIT_EXPECT_FALSE(test, x.fpd);
	set_pe(e, 0, PE_SS(2) | BIT_ULL(9), 42, 0);	/* SLADE without SLADS */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	set_pe(e, 0, PE_SS(2) | BIT_ULL(10), 42, 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	set_pe(e, 0, PE_SS(2), 42 | BIT_ULL(16), 0);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	set_pe(e, 0, PE_SS(2), 42, BIT_ULL(7));		/* EAFE without EAFS */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	set_pe(e, 0, PE_SS(2), 42, BIT_ULL(1));		/* ERE without ERS */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	e->cfg.ecap &= ~VTD_ECAP_SRS;
	set_pe(e, 0, PE_SS(2), 42, PE_SRE);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
	e->cfg.ecap |= VTD_ECAP_SRS;
	for (i = 3; i < 8; i++) {
		set_pe(e, 0, PE_SS(2), 42, 0);
		set_entry(&e->mem, PTBL, i, BIT_ULL(63));
		KUNIT_EXPECT_EQ_MSG(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD,
				    "qword %u", i);
	}
	set_pe(e, 0, PE_SS(2) | BIT_ULL(50), 42, 0);	/* SLPTPTR above the HAW */
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_RSVD);
}

static void first_stage(struct kunit *test)
{
	struct env *e = new_sm_env(test);
	u64 iova = 0x12345678000ull;
	struct vtd_xlate x;
	unsigned int i;

	set_pe(e, 5, PE_FS, 7, FS(0));
	fsmap4(e, iova, 0x9abc000, FS_PWU);
	x = xp(e, 5, iova + 0xabc, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abcabc);
	KUNIT_EXPECT_EQ(test, x.size, 4096);
	KUNIT_EXPECT_EQ(test, x.perm, RW);
	KUNIT_EXPECT_EQ(test, x.did, 7);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_FS);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	/* Accessed set on the whole path, dirty not (a read), counted. */
	KUNIT_EXPECT_EQ(test, x.ad_writes, 4);
	KUNIT_EXPECT_TRUE(test, get_entry(&e->mem, FS(0), (iova >> 39) & 511) & FS_A);
	KUNIT_EXPECT_TRUE(test, get_entry(&e->mem, FS(1), (iova >> 30) & 511) & FS_A);
	KUNIT_EXPECT_TRUE(test, get_entry(&e->mem, FS(2), (iova >> 21) & 511) & FS_A);
	KUNIT_EXPECT_EQ(test, get_entry(&e->mem, FS(3), (iova >> 12) & 511),
			0x9abc000 | FS_PWU | FS_A);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).ad_writes, 0);
	x = xp(e, 5, iova, true, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.ad_writes, 1);
	KUNIT_EXPECT_EQ(test, get_entry(&e->mem, FS(3), (iova >> 12) & 511),
			0x9abc000 | FS_PWU | FS_A | FS_D);
	/* A failed A/D update (e.g. read-only memory) is a fault. */
	fsmap4(e, iova, 0x9abc000, FS_PWU);
	e->mem.read_only = true;
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_FS_AD_UPDATE);
	e->mem.read_only = false;

	/* Privilege: US stacked; supervisor requests need SRE. */
	set_entry(&e->mem, FS(1), (iova >> 30) & 511, FS(2) | BIT_ULL(0) | BIT_ULL(1));
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_SM_US);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, true).fault, VTD_FR_SM_PTE_SRE);
	set_pe(e, 5, PE_FS, 7, FS(0) | PE_SRE);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, true).fault, 0);
	/* Read-only leaf: user writes fault; supervisor writes unless WPE. */
	fsmap4(e, iova, 0x9abc000, BIT_ULL(0) | BIT_ULL(2));
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, true, false).fault, VTD_FR_SM_WRITE);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).perm, VTD_PERM_R);
	x = xp(e, 5, iova, true, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.perm, RW);
	set_pe(e, 5, PE_FS, 7, FS(0) | PE_SRE | PE_WPE);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, true, true).fault, VTD_FR_SM_WRITE);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, true).perm, VTD_PERM_R);
	fsmap4(e, iova, 0x9abc000, FS_PWU);

	/* Not present at each level; canonical addresses. */
	x = xp(e, 5, iova + 0x1000, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_FS_P);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, xp(e, 5, 0x7f0000000000ull, false, false).fault, VTD_FR_FS_P);
	KUNIT_EXPECT_EQ(test, xp(e, 5, 0x800000000000ull, false, false).fault,
			VTD_FR_SM_NON_CANONICAL);
	KUNIT_EXPECT_EQ(test, xp(e, 5, 0xffff7fffffffffffull, false, false).fault,
			VTD_FR_SM_NON_CANONICAL);
	set_entry(&e->mem, FS(0), 256, FS(1) | FS_PWU);
	x = xp(e, 5, 0xffff800000000000ull | (iova & ((1ull << 39) - 1)), false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abc000);

	/* Large pages: 2 MiB always, 1 GiB with FL1GP, PAT bit 12 kept. */
	set_entry(&e->mem, FS(2), 5, 0x40000000ull | BIT_ULL(12) | BIT_ULL(7) | FS_PWU);
	x = xp(e, 5, (iova & ~((1ull << 30) - 1)) + (5ull << 21) + 0x1234, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x40001234ull);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 21);
	set_entry(&e->mem, FS(2), 5, 0x40000000ull | BIT_ULL(13) | BIT_ULL(7) | FS_PWU);
	KUNIT_EXPECT_EQ(test, xp(e, 5, (iova & ~((1ull << 30) - 1)) + (5ull << 21), false,
				 false).fault, VTD_FR_FS_RSVD);
	/* (Not at 3 GiB: that leaf would cover the interrupt range.) */
	set_entry(&e->mem, FS(1), 3, 0x140000000ull | BIT_ULL(7) | FS_PWU);
	x = xp(e, 5, (iova & ~((1ull << 39) - 1)) + (3ull << 30) + 0x5678, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x140005678ull);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 2);
	e->cfg.cap &= ~VTD_CAP_FL1GP;
	KUNIT_EXPECT_EQ(test, xp(e, 5, (iova & ~((1ull << 39) - 1)) + (3ull << 30), false,
				 false).fault, VTD_FR_FS_RSVD);
	e->cfg.cap |= VTD_CAP_FL1GP;
	set_entry(&e->mem, FS(0), 7, BIT_ULL(7) | FS_PWU);	/* PS at level 4 */
	KUNIT_EXPECT_EQ(test, xp(e, 5, 7ull << 39, false, false).fault, VTD_FR_FS_RSVD);

	/* Reserved address bits at every level; tables outside memory. */
	for (i = 0; i < 4; i++) {
		u64 v = get_entry(&e->mem, FS(i), (iova >> (39 - 9 * i)) & 511);

		set_entry(&e->mem, FS(i), (iova >> (39 - 9 * i)) & 511, v | BIT_ULL(46));
		KUNIT_EXPECT_EQ_MSG(test, xp(e, 5, iova, false, false).fault, VTD_FR_FS_RSVD,
				    "level %u", 4 - i);
		set_entry(&e->mem, FS(i), (iova >> (39 - 9 * i)) & 511, v);
	}
	set_entry(&e->mem, FS(3), (iova >> 12) & 511, 0x9abc000 | FS_PWU | BIT_ULL(63) |
		  BIT_ULL(60) | BIT_ULL(9));			/* ignored bits */
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, 0);
	set_entry(&e->mem, FS(2), (iova >> 21) & 511, 0x40000000ull | FS_PWU);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_FS_ACCESS);
	set_pe(e, 5, PE_FS, 7, 0x40000000ull);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_FS_PTPTR_INV);

	/* 5-level only with FL5LP; FLPM 2 and 3 are reserved encodings. */
	fsmap4(e, iova, 0x9abc000, FS_PWU);
	set_entry(&e->mem, FS(4), 0, FS(0) | FS_PWU);
	set_pe(e, 5, PE_FS, 7, FS(4) | (1 << 2));
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_SM_PTE_INV);
	e->cfg.cap |= VTD_CAP_FL5LP;
	x = xp(e, 5, iova, false, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 5);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abc000);
	KUNIT_EXPECT_EQ(test, xp(e, 5, 1ull << 56, false, false).fault,
			VTD_FR_SM_NON_CANONICAL);
	set_pe(e, 5, PE_FS, 7, FS(4) | (2 << 2));
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_SM_PTE_INV);
	set_pe(e, 5, PE_FS, 7, FS(0));
	e->cfg.ecap &= ~VTD_ECAP_FLTS;
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_SM_PTE_INV);
}

static void five_level_second_stage(struct kunit *test)
{
	struct env *e = new_env(test, 3, 0);
	struct vtd_xlate x;

	e->cfg.cap |= FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_57);
	e->cfg.cap = (e->cfg.cap & ~VTD_CAP_MGAW) | FIELD_PREP(VTD_CAP_MGAW, 56);
	set_entry(&e->mem, T(4), 1, T(0) | RW);		/* level 5 -> level 4 */
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(4) | 1);
	map4(e, 0x5000, 0x7000, RW);
	x = xl(e, (1ull << 48) | 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7000);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 5);
	KUNIT_EXPECT_EQ(test, xl(e, 0x5000, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, xl(e, 1ull << 57, false).fault, VTD_FR_ADDR_BEYOND_AW);
}

/* Cached translations: what each invalidation drops, and only that. */
static struct vtd_xlate xc_(struct env *e, struct vtd_cache *c, bool pasid, u32 p, u64 iova,
			    bool write)
{
	struct vtd_xlate x = {
		.sid = SID, .pasid_present = pasid, .pasid = p, .iova = iova, .write = write,
	};

	e->mem.gm.pages_read = 0;
	vtd_translate_cached(&e->mem.gm, &e->cfg, c, &x, e->s);
	return x;
}

static struct vtd_cache *new_cache(struct kunit *test)
{
	struct vtd_cache *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

static void cache_legacy(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);	/* DID 42 */
	struct vtd_cache *c = new_cache(test);
	struct vtd_xlate x;

	map4(e, 0x5000, 0x7000, RW);
	map4(e, 0x6000, 0x8000, RW);
	x = xc_(e, c, false, 0, 0x5123, false);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7123);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2 + 4);
	KUNIT_EXPECT_FALSE(test, x.ctx_cached || x.leaf_cached);
	/* A hit reads nothing. */
	x = xc_(e, c, false, 0, 0x5456, true);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7456);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 0);
	KUNIT_EXPECT_TRUE(test, x.ctx_cached && x.leaf_cached);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x6000, false).gpa, 0x8000);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);	/* context cached */

	/* The guest changes the PTE: the old translation stays cached... */
	set_entry(&e->mem, T(3), 5, 0x9000 | VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x5000, false).gpa, 0x7000);
	/* ...through invalidations of another domain or another page... */
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 41, 0x5000, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 41, 0, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x4000, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x6000, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x5000, false).gpa, 0x7000);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x5000, true).gpa, 0x7000);
	/* ...until the page's own: one path re-walked, exactly 4 pages. */
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x5000, 0);
	x = xc_(e, c, false, 0, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9000);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x5000, true).fault, VTD_FR_WRITE);
	/* The neighbour invalidated with it by a 2-page mask, and its own DSI. */
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x4000, 2);	/* 0x4000-0x7fff */
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x6000, false).leaf_cached, false);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x6000, false).leaf_cached, true);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 42, 0, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x6000, false).leaf_cached, false);

	/* Context entry changed to not present: cached until invalidated. */
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x6000, false).fault, 0);
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 42, SID ^ 0x8, 0);	/* other device */
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 41, SID, 0);		/* other domain */
	vtd_cache_inv_context(c, VTD_CC_DOMAIN, 41, 0, 0);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, false, 0, 0x6000, false).ctx_cached);
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 42, SID ^ 0x7, 3);	/* any function */
	x = xc_(e, c, false, 0, 0x6000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_CONTEXT_ENTRY_P);
	/* Faults are not cached (CM): present again, found at once. */
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 1);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x6000, false).fault, 0);
	/* A not-present leaf neither. */
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0xa000, false).fault, VTD_FR_READ);
	set_entry(&e->mem, T(3), 10, 0xb000 | RW);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0xa000, false).gpa, 0xb000);
	/* A global flush (SRTP, TE, reset) drops everything. */
	vtd_cache_flush(c);
	x = xc_(e, c, false, 0, 0xa000, false);
	KUNIT_EXPECT_FALSE(test, x.ctx_cached || x.leaf_cached);
	KUNIT_EXPECT_EQ(test, c->invalidated, 5);
}

static void cache_scalable(struct kunit *test)
{
	struct env *e = new_sm_env(test);
	struct vtd_cache *c = new_cache(test);
	u64 iova = 0x12345678000ull, hi;
	struct vtd_xlate x;

	set_pe(e, 0, PE_SS(2), 42, 0);
	set_pe(e, 5, PE_FS, 7, FS(0));
	map4(e, 0x5000, 0x7000, RW);
	fsmap4(e, iova, 0x9abc000, FS_PWU);
	x = xc_(e, c, true, 5, iova, false);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abc000);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2 + 2 + 4);
	KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, 0x5000, false).gpa, 0x7000);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, iova, false).leaf_cached);
	/* A write through a leaf cached by a read re-walks (it sets D). */
	x = xc_(e, c, true, 5, iova, true);
	KUNIT_EXPECT_FALSE(test, x.leaf_cached);
	KUNIT_EXPECT_EQ(test, x.ad_writes, 1);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, iova, true).leaf_cached);

	/* PIOTLB descriptors take first-stage leaves by domain, PASID, range. */
	fsmap4(e, iova, 0x5555000, FS_PWU | FS_A | FS_D);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 6, iova, 0);	/* other PASID */
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 8, 5, iova, 0);	/* other domain */
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, iova + 0x1000, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, true, 5, iova, false).gpa, 0x9abc000);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, iova, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, true, 5, iova, false).gpa, 0x5555000);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, false, 0, 0x5000, false).leaf_cached);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PASID, 7, 5, 0, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, true, 5, iova, false).leaf_cached);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, false, 0, 0x5000, false).leaf_cached);

	/*
	 * A canonical-high address (kernel SVA) is cached without its sign
	 * bits; the descriptor names it with them, and takes it all the same.
	 */
	set_entry(&e->mem, FS(0), 256, FS(1) | FS_PWU);
	hi = 0xffff800000000000ull | (iova & ((1ull << 39) - 1));
	KUNIT_EXPECT_EQ(test, xc_(e, c, true, 5, hi, false).gpa, 0x5555000);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, hi, false).leaf_cached);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, hi + 0x1000, 0);	/* next page */
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, hi, false).leaf_cached);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, hi, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, true, 5, hi, false).leaf_cached);

	/*
	 * IOTLB descriptors take first-stage leaves too: another domain's
	 * leave them, a page-selective one of their domain takes them all,
	 * whatever the address, and a global one takes everything.
	 */
	fsmap4(e, iova, 0x6666000, FS_PWU | FS_A | FS_D);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 42, 0, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 8, iova, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, true, 5, iova, false).gpa, 0x5555000);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 7, 0x40000000, 0);
	x = xc_(e, c, true, 5, iova, false);
	KUNIT_EXPECT_FALSE(test, x.leaf_cached);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x6666000);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 7, 0, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, true, 5, iova, false).leaf_cached);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, iova, false).leaf_cached);
	xc_(e, c, false, 0, 0x5000, false);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_GLOBAL, 0, 0, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, true, 5, iova, false).leaf_cached);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, false, 0, 0x5000, false).leaf_cached);

	/* The PASID entry switched to pass-through: cached until PC inv. */
	set_pe(e, 5, (VTD_PGTT_PT << 6) | 1, 7, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, true, 5, iova, false).mode, VTD_XM_SM_FS);
	vtd_cache_inv_pasid(c, VTD_PC_PASID, 7, 6);
	vtd_cache_inv_pasid(c, VTD_PC_PASID, 8, 5);
	vtd_cache_inv_pasid(c, VTD_PC_DOMAIN, 8, 0);
	KUNIT_EXPECT_EQ(test, xc_(e, c, true, 5, iova, false).mode, VTD_XM_SM_FS);
	vtd_cache_inv_pasid(c, VTD_PC_PASID, 7, 5);
	x = xc_(e, c, true, 5, iova, false);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_PT);
	KUNIT_EXPECT_EQ(test, x.gpa, iova);
	/* The domain-selective one of the RID_PASID entry's domain. */
	KUNIT_EXPECT_TRUE(test, xc_(e, c, false, 0, 0x5000, false).ctx_cached);
	vtd_cache_inv_pasid(c, VTD_PC_DOMAIN, 42, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, false, 0, 0x5000, false).ctx_cached);
	/* A global one drops every cached PASID entry. */
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, iova, false).ctx_cached);
	vtd_cache_inv_pasid(c, VTD_PC_GLOBAL, 0, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, true, 5, iova, false).ctx_cached);
	/* Context-cache invalidations select scalable-mode entries by device. */
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 0, SID ^ 1, 0);
	KUNIT_EXPECT_TRUE(test, xc_(e, c, true, 5, iova, false).ctx_cached);
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 0, SID, 0);
	KUNIT_EXPECT_FALSE(test, xc_(e, c, true, 5, iova, false).ctx_cached);
}

static void cache_bounds(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);
	struct vtd_cache *c = new_cache(test);
	unsigned int i, hits = 0;

	/* 1024 pages through a 512-entry IOTLB: bounded, evictions counted. */
	set_entry(&e->mem, T(0), 0, T(1) | RW);
	set_entry(&e->mem, T(1), 0, T(2) | RW);
	set_entry(&e->mem, T(2), 0, T(3) | RW);
	set_entry(&e->mem, T(2), 1, T(4) | RW);
	for (i = 0; i < 512; i++) {
		set_entry(&e->mem, T(3), i, ((u64)i << 12) | RW);
		set_entry(&e->mem, T(4), i, ((u64)(i + 512) << 12) | RW);
	}
	for (i = 0; i < 1024; i++)
		KUNIT_EXPECT_EQ(test, xc_(e, c, false, 0, (u64)i << 12, false).gpa, (u64)i << 12);
	KUNIT_EXPECT_GE(test, c->evictions, 1024 - VTD_IOTLB_ENTRIES);
	for (i = 0; i < 1024; i++) {
		struct vtd_xlate x = xc_(e, c, false, 0, (u64)i << 12, false);

		KUNIT_EXPECT_EQ(test, x.gpa, (u64)i << 12);
		hits += x.leaf_cached;
	}
	KUNIT_EXPECT_LE(test, hits, VTD_IOTLB_ENTRIES);
	KUNIT_EXPECT_GT(test, hits, 0);
}

/*
 * No translation may output into the interrupt range 0xfee00000-0xfeefffff
 * (LGN.4 / SGN.8): not a 4 KiB page there, not a large leaf that covers
 * it (whichever of its pages is asked for), not pass-through.  Neighbours
 * pass, and translation off is identity.
 */
static void interrupt_range(struct kunit *test)
{
	struct env *e = new_env(test, 2, 0);
	struct vtd_cache *c = new_cache(test);
	u64 iova = 0x12345000;
	int i;

	map4(e, iova, 0xfee00000, RW);
	KUNIT_EXPECT_EQ(test, xl(e, iova, true).fault, VTD_FR_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, xl(e, iova + 0x123, false).fault, VTD_FR_INTERRUPT_ADDR);
	map4(e, iova, 0xfeeff000, RW);
	KUNIT_EXPECT_EQ(test, xl(e, iova, true).fault, VTD_FR_INTERRUPT_ADDR);
	map4(e, iova, 0xfedff000, RW);
	KUNIT_EXPECT_EQ(test, xl(e, iova, true).fault, 0);
	map4(e, iova, 0xfef00000, RW);
	KUNIT_EXPECT_EQ(test, xl(e, iova, true).fault, 0);
	/* Permissions are checked first. */
	map4(e, iova, 0xfee00000, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, xl(e, iova, true).fault, VTD_FR_WRITE);
	/*
	 * A 2 MiB leaf at 0xfee00000 covers the range: every page faults, also
	 * those of its upper half (iova is 0x145000 into it: GPA 0xfef45000).
	 * One at 0xfec00000 ends just below the range.
	 */
	set_entry(&e->mem, T(2), (iova >> 21) & 511, 0xfec00000 | PS | RW);
	KUNIT_EXPECT_EQ(test, xl(e, iova, false).fault, 0);
	set_entry(&e->mem, T(2), (iova >> 21) & 511, 0xfee00000 | PS | RW);
	KUNIT_EXPECT_EQ(test, xl(e, iova, false).fault, VTD_FR_INTERRUPT_ADDR);
	/* Through the IOTLB too: nothing faulting is cached, twice. */
	for (i = 0; i < 2; i++) {
		struct vtd_xlate x = xc_(e, c, false, 0, iova, false);

		KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_INTERRUPT_ADDR);
		KUNIT_EXPECT_FALSE(test, x.leaf_cached);
	}
	/* Legacy pass-through: the identity output is checked as well. */
	set_entry(&e->mem, CTXT, (SID & 0xff) * 2, (VTD_TT_PT << 2) | 1);
	e->cfg.ecap |= VTD_ECAP_PT;
	KUNIT_EXPECT_EQ(test, xl(e, 0xfee01000, false).fault, VTD_FR_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, xl(e, 0xfed00000, false).fault, 0);
	/* Translation off: identity, no fault. */
	e->cfg.te = false;
	KUNIT_EXPECT_EQ(test, xl(e, 0xfee00000, true).fault, 0);

	/* Scalable mode: first stage, second stage, pass-through: 0x87. */
	e = new_sm_env(test);
	set_pe(e, 0, PE_SS(2), 42, 0);
	set_pe(e, 5, PE_FS, 7, FS(0));
	set_pe(e, 6, (VTD_PGTT_PT << 6) | 1, 8, 0);
	map4(e, iova, 0xfee00000, RW);
	fsmap4(e, iova, 0xfee05000, FS_PWU);
	KUNIT_EXPECT_EQ(test, xl(e, iova, false).fault, VTD_FR_SM_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, VTD_FR_SM_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, xp(e, 6, 0xfeedf000, false, false).fault,
			VTD_FR_SM_INTERRUPT_ADDR);
	fsmap4(e, iova, 0x5000, FS_PWU);
	KUNIT_EXPECT_EQ(test, xp(e, 5, iova, false, false).fault, 0);
}

static struct kunit_case kvm_vtd_walk_cases[] = {
	KUNIT_CASE(translate_4k),
	KUNIT_CASE(three_levels_and_large_pages),
	KUNIT_CASE(permission_stacking),
	KUNIT_CASE(reserved_bits),
	KUNIT_CASE(root_and_context),
	KUNIT_CASE(hostile_tables),
	KUNIT_CASE(range_walk_bounds),
	KUNIT_CASE(range_walk_budget),
	KUNIT_CASE(sm_second_stage_and_pt),
	KUNIT_CASE(sm_structures),
	KUNIT_CASE(pasid_range_walk),
	KUNIT_CASE(first_stage),
	KUNIT_CASE(five_level_second_stage),
	KUNIT_CASE(cache_legacy),
	KUNIT_CASE(cache_scalable),
	KUNIT_CASE(cache_bounds),
	KUNIT_CASE(interrupt_range),
	{}
};

static struct kunit_suite kvm_vtd_walk_suite = {
	.name = "kvm_vtd_walk",
	.test_cases = kvm_vtd_walk_cases,
};

kunit_test_suite(kvm_vtd_walk_suite);
