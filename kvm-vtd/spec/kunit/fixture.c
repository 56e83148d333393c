// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit fixture shared by the pure model's suites (fixture.h): fake guest
 * memory behind struct vtd_gmem, counted walk trace points, and legacy and
 * scalable-mode environments for one source-id.
 */
#include <linux/bitfield.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "fixture.h"

struct kt_traced kt_traced;

static void count_walk(struct vtd_gmem *gm, u64 root, unsigned int levels, bool first_stage,
		       u64 first, u64 last)
{
	kt_traced.walks++;
}

static void count_walk_level(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first,
			     u64 last)
{
	kt_traced.levels++;
}

static void count_walk_leaf(struct vtd_gmem *gm, const struct vtd_leaf *leaf)
{
	kt_traced.leaves++;
}

static void count_walk_skip(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size)
{
	kt_traced.skips++;
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

static void fake_mem_exit(void *data)
{
	vfree(data);
}

/**
 * kt_set_entry() - store a 64-bit entry in fake guest memory
 * @m: the fake memory
 * @table: guest-physical address of the table page
 * @i: entry index (qwords)
 * @v: the value, stored little-endian
 */
void kt_set_entry(struct fake_mem *m, u64 table, unsigned int i, u64 v)
{
	((__le64 *)(m->pages + (table - MEM_BASE)))[i] = cpu_to_le64(v);
}

/**
 * kt_get_entry() - read back a 64-bit entry of fake guest memory
 * @m: the fake memory
 * @table: guest-physical address of the table page
 * @i: entry index (qwords)
 *
 * Return: the entry, as the walker would see it.
 */
u64 kt_get_entry(struct fake_mem *m, u64 table, unsigned int i)
{
	return le64_to_cpu(((__le64 *)(m->pages + (table - MEM_BASE)))[i]);
}

/**
 * kt_env() - a legacy-mode environment for SID
 * @test: the test, which owns every allocation
 * @aw: the context entry's AW field
 * @tt: the context entry's TT field
 *
 * Root entry for bus 3 and a context entry for SID (DID 42) whose
 * second-stage table is T(0); CAP offers 39- and 48-bit tables, 2 MiB and
 * 1 GiB pages, and the walk trace points count into kt_traced.
 *
 * Return: the environment; the test is aborted if allocation fails.
 */
struct env *kt_env(struct kunit *test, unsigned int aw, unsigned int tt)
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
	kt_set_entry(&e->mem, ROOT, (SID >> 8) * 2, CTXT | 1);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | (tt << 2) | 1);
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2 + 1, aw | (42 << 8));
	return e;
}

/**
 * kt_map4() - map @iova to @gpa with 4 KiB second-stage pages
 * @e: the environment
 * @iova: input address
 * @gpa: output address
 * @leaf_perm: the leaf's permission bits
 *
 * The 4-level table is rooted at T(0), with tables T(1)..T(3).
 */
void kt_map4(struct env *e, u64 iova, u64 gpa, u64 leaf_perm)
{
	kt_set_entry(&e->mem, T(0), (iova >> 39) & 511, T(1) | RW);
	kt_set_entry(&e->mem, T(1), (iova >> 30) & 511, T(2) | RW);
	kt_set_entry(&e->mem, T(2), (iova >> 21) & 511, T(3) | RW);
	kt_set_entry(&e->mem, T(3), (iova >> 12) & 511, gpa | leaf_perm);
}

/**
 * kt_set_pe() - write the 512-bit PASID table entry for @pasid
 * @e: a scalable-mode environment
 * @pasid: index in PTBL
 * @q0: qword 0
 * @q1: qword 1
 * @q2: qword 2
 *
 * Qwords 3-7 are cleared.
 */
void kt_set_pe(struct env *e, u32 pasid, u64 q0, u64 q1, u64 q2)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		kt_set_entry(&e->mem, PTBL, pasid * 8 + i, 0);
	kt_set_entry(&e->mem, PTBL, pasid * 8, q0);
	kt_set_entry(&e->mem, PTBL, pasid * 8 + 1, q1);
	kt_set_entry(&e->mem, PTBL, pasid * 8 + 2, q2);
}

/**
 * kt_sm_env() - a scalable-mode environment for SID
 * @test: the test
 *
 * kt_env() switched to scalable mode: PDTS 0 (128 directory entries),
 * PASID enabled, RID_PASID 0, PDIR entry 0 pointing at PTBL.
 *
 * Return: the environment.
 */
struct env *kt_sm_env(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);

	e->cfg.ecap = SM_ECAP;
	e->cfg.cap |= VTD_CAP_FL1GP;
	e->cfg.rta = ROOT | BIT_ULL(10);
	memset(e->mem.pages + (CTXT - MEM_BASE), 0, 4096);
	kt_set_entry(&e->mem, CTXT, SM_CE, PDIR | BIT_ULL(3) | 1);
	kt_set_entry(&e->mem, PDIR, 0, PTBL | 1);
	return e;
}

/**
 * kt_fsmap4() - map @iova to @gpa with 4 KiB first-stage pages
 * @e: the environment
 * @iova: input address
 * @gpa: output address
 * @leaf: the leaf's flag bits
 *
 * The table is rooted at FS(0), with tables FS(1)..FS(3).
 */
void kt_fsmap4(struct env *e, u64 iova, u64 gpa, u64 leaf)
{
	kt_set_entry(&e->mem, FS(0), (iova >> 39) & 511, FS(1) | FS_PWU);
	kt_set_entry(&e->mem, FS(1), (iova >> 30) & 511, FS(2) | FS_PWU);
	kt_set_entry(&e->mem, FS(2), (iova >> 21) & 511, FS(3) | FS_PWU);
	kt_set_entry(&e->mem, FS(3), (iova >> 12) & 511, gpa | leaf);
}

/**
 * kt_cache() - an empty context cache and IOTLB
 * @test: the test, which owns it
 *
 * Return: the cache.
 */
struct vtd_cache *kt_cache(struct kunit *test)
{
	struct vtd_cache *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

/**
 * kt_rf() - a register file after reset
 * @test: the test, which owns it
 * @cap: CAP_REG
 * @ecap: ECAP_REG
 *
 * Return: the register file.
 */
struct vtd_regfile *kt_rf(struct kunit *test, u64 cap, u64 ecap)
{
	struct vtd_regfile *rf = kunit_kzalloc(test, sizeof(*rf), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rf);
	vtd_rf_reset(rf, cap, ecap);
	return rf;
}

/**
 * kt_default_rf() - a register file with the default capabilities
 * @test: the test, which owns it
 *
 * Return: the register file.
 */
struct vtd_regfile *kt_default_rf(struct kunit *test)
{
	return kt_rf(test, vtd_cap_default(), vtd_ecap_default());
}

/**
 * kt_wr() - a guest register write
 * @rf: the register file
 * @off: register offset
 * @len: 4 or 8
 * @v: the value
 * @ev: the events the write raised
 */
void kt_wr(struct vtd_regfile *rf, u32 off, int len, u64 v, struct vtd_events *ev)
{
	vtd_rf_write(rf, off, len, v, ev);
}

/**
 * kt_rd() - a guest register read
 * @rf: the register file
 * @off: register offset
 * @len: 4 or 8
 *
 * Return: what the guest reads.
 */
u64 kt_rd(struct vtd_regfile *rf, u32 off, int len)
{
	return vtd_rf_read(rf, off, len);
}

/**
 * kt_fault() - record a read fault by @sid
 * @rf: the register file
 * @sid: the requester
 * @ev: the events it raised, cleared first
 *
 * Return: vtd_rf_record_fault()'s result.
 */
int kt_fault(struct vtd_regfile *rf, u16 sid, struct vtd_events *ev)
{
	struct vtd_fault f = {
		.sid = sid, .reason = 0x5, .type = VTD_FAULT_READ, .addr = 0xabcdef123,
	};

	memset(ev, 0, sizeof(*ev));
	return vtd_rf_record_fault(rf, &f, ev);
}
