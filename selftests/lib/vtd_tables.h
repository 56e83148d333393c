/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side: translation structures built from a pool of guest pages, as
 * a driver builds them, and the unit turned on.  The pool is a memslot the
 * host adds with vtd_vm_pool() (lib/vtd_guest_vm.h), identity-mapped, so a
 * table's guest-physical address is also where the guest writes it.
 *
 * Second-stage entries: R (bit 0), W (bit 1), PS (bit 7).  First-stage
 * entries: P, R/W, U/S, A, D (bits 0, 1, 2, 5, 6), PS (bit 7).  The address
 * field is bits 51:12 in both.
 */
#ifndef _SELFTEST_VTD_TABLES_H
#define _SELFTEST_VTD_TABLES_H

#include <stdbool.h>
#include <stdint.h>

#include "ucall_common.h"
#include "vtd_util.h"

#define PTE_R		1ull
#define PTE_W		2ull
#define PTE_PS		BIT_ULL(7)
#define FS_P		1ull
#define FS_RW		2ull
#define FS_US		4ull
#define FS_A		BIT_ULL(5)
#define FS_D		BIT_ULL(6)
#define ADDR_MASK	0x000ffffffffff000ull

/* The pool, set by the host (vtd_vm_pool()); the next page to hand out. */
static uint64_t vtd_pool_gpa, vtd_pool_pages, next_table;

/* Where the guest writes the page at @gpa (the pool is identity-mapped). */
static inline uint64_t *tva(uint64_t gpa)
{
	return (uint64_t *)gpa;
}

/* A zeroed page of the pool. */
static inline uint64_t alloc_table(void)
{
	GUEST_ASSERT(next_table < vtd_pool_pages);
	return vtd_pool_gpa + 4096 * next_table++;
}

/* The entry of @iova at @leaf_level below @root (@levels deep); tables must exist. */
static inline uint64_t *leaf_entry(uint64_t root, int levels, uint64_t iova, int leaf_level)
{
	uint64_t table = root;
	int level;

	for (level = levels; level > leaf_level; level--)
		table = tva(table)[(iova >> (12 + 9 * (level - 1))) & 511] & ADDR_MASK;
	return &tva(table)[(iova >> (12 + 9 * (leaf_level - 1))) & 511];
}

/*
 * Map one leaf at @leaf_level (1: 4 KiB, 2: 2 MiB, 3: 1 GiB) with @perm, in
 * second-stage (@fs false) or first-stage format, allocating the tables on
 * the way; false if anything already maps there.
 */
static inline bool map(uint64_t root, int levels, uint64_t iova, uint64_t gpa,
		       int leaf_level, uint64_t perm, bool fs)
{
	uint64_t present = fs ? FS_P : PTE_R | PTE_W;
	uint64_t table = root, *t;
	int level, idx;

	for (level = levels; level > leaf_level; level--) {
		t = tva(table);
		idx = (iova >> (12 + 9 * (level - 1))) & 511;
		if (t[idx] & PTE_PS)
			return false;
		if (!(t[idx] & present))
			t[idx] = alloc_table() | (fs ? FS_P | FS_RW | FS_US : PTE_R | PTE_W);
		table = t[idx] & ADDR_MASK;
	}
	t = tva(table);
	idx = (iova >> (12 + 9 * (leaf_level - 1))) & 511;
	if (t[idx] & present)
		return false;
	t[idx] = gpa | perm | (leaf_level > 1 ? PTE_PS : 0);
	return true;
}

/*
 * A 4 KiB read/write second-stage page in a 4-level table, replacing any
 * leaf there: a driver's map() (tables made on need).
 */
static inline void ss_map(uint64_t l4, uint64_t iova, uint64_t gpa)
{
	/* map() leaves a present leaf alone, with its tables in place. */
	if (!map(l4, 4, iova, gpa, 1, PTE_R | PTE_W, false))
		*leaf_entry(l4, 4, iova, 1) = gpa | PTE_R | PTE_W;
}

/* Clear the 4 KiB leaf of @iova in the 4-level table @l4. */
static inline void ss_unmap(uint64_t l4, uint64_t iova)
{
	*leaf_entry(l4, 4, iova, 1) = 0;
}

/* The 512-bit PASID table entry of @pasid under directory @pdir (table made on need). */
static inline uint64_t *pasid_entry(uint64_t pdir, uint32_t pasid)
{
	uint64_t *de = &tva(pdir)[pasid >> 6];

	if (!(*de & 1))
		*de = alloc_table() | 1;
	return tva(*de & ADDR_MASK) + (pasid & 63) * 8;
}

/* Write qwords 0-2 of a PASID table entry, the present bit last. */
static inline void set_pe(uint64_t *pe, uint64_t q0, uint64_t q1, uint64_t q2)
{
	pe[2] = q2;
	pe[1] = q1;
	pe[0] = q0;
}

/*
 * Wait for GSTS to show @bits; the unit answers in the write, so one read
 * does (tests count the guest's accesses: no read more than a driver's).
 */
static inline void gsts_wait(uint32_t bits)
{
	uint32_t gsts = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		gsts = rd32(VTD_GPA, GSTS);
		if ((gsts & bits) == bits)
			break;
	}
	GUEST_ASSERT_EQ(gsts & bits, bits);
}

/*
 * Latch @rtaddr, then (when @iqa is not 0) start the queue at @iqa, then
 * turn translation on, as Linux's driver orders it; GSTS must say exactly that.
 */
static inline void vtd_enable(uint64_t rtaddr, uint64_t iqa)
{
	uint32_t qie = iqa ? GCMD_QIE : 0;

	wr64(VTD_GPA, RTADDR, rtaddr);
	wr32(VTD_GPA, GCMD, GCMD_SRTP);
	gsts_wait(GSTS_RTPS);
	if (iqa) {
		wr64(VTD_GPA, IQT, 0);
		wr64(VTD_GPA, IQA, iqa);
		wr32(VTD_GPA, GCMD, GCMD_QIE);
		gsts_wait(GSTS_QIES);
	}
	wr32(VTD_GPA, GCMD, GCMD_TE | qie);
	gsts_wait(GSTS_TES);
	GUEST_ASSERT_EQ(rd32(VTD_GPA, GSTS), GSTS_RTPS | GSTS_TES | (iqa ? GSTS_QIES : 0));
}

#endif /* _SELFTEST_VTD_TABLES_H */
