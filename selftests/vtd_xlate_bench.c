// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest-level benchmark of one KVM_DEV_VTD_TRANSLATE, the call a VMM
 * makes for every DMA access of an emulated device when the unit is in the
 * kernel (QEMU's own model answers from an in-process IOTLB instead).
 *
 * A guest maps NR_PAGES 4 KiB pages of one device with a 4-level
 * second-stage table and turns translation on; the host then times, per
 * call, alternating and VTD_BENCH_REPS times (default 3):
 *   floor       KVM_GET_DEVICE_ATTR of a register: an ioctl to the unit
 *               that does almost nothing (what any call costs)
 *   hit         TRANSLATE of one page again and again (IOTLB hit)
 *   miss        TRANSLATE of NR_PAGES distinct pages once each after an
 *               invalidation (every call walks the table)
 * Counts first: the guest table pages each translation read (a miss reads
 * one page per level, a hit none; asserted, so the benchmark fails if the
 * walk reads more than the spec's structure needs), then time per call
 * (min / median / max) and the ratio to the floor.  Times under TCG are
 * distorted: compare ratios within one run.  Output: a markdown table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "kvm_util.h"
#include "lib/vtd_guest_vm.h"
#include "lib/vtd_vmm.h"

#define POOL_GPA	0x10000000ull
#define POOL_SLOT	1
#define POOL_PAGES	32
#define NR_PAGES	2048		/* 4 last-level tables; more than the IOTLB's 512 */
#define SID		0x0010
#define DID		1
#define IOVA		0x40000000ull
#define LEVELS		4

enum { K_FLOOR, K_HIT, K_MISS, NR_KINDS };
static const char * const kind_name[] = { "floor (register get)", "TRANSLATE, IOTLB hit",
					  "TRANSLATE, miss" };

static void guest_code(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), l4 = alloc_table();
	uint64_t *ce = tva(ctx) + (SID & 0xff) * 2;
	uint64_t ring = pool_queue(16);
	int i;

	tva(root)[0] = ctx | 1;
	ce[0] = l4 | 1;
	ce[1] = 2 | (DID << 8);				/* AW 48-bit */
	for (i = 0; i < NR_PAGES; i++)
		GUEST_ASSERT(map(l4, LEVELS, IOVA + i * 4096ull, 0x100000ull + i * 4096ull, 1,
				 PTE_R | PTE_W, false));
	vtd_enable(root, ring);
	GUEST_SYNC(1);
	/* Each further stage: drop every cached translation, as a flush does. */
	for (i = 2; ; i++) {
		vtd_gq_push(&gq, IOTLB_GLOBAL, 0);
		vtd_gq_wait(&gq);
		GUEST_SYNC(i);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One timed batch of @kind: ns per call, and the table pages read per call. */
static double batch(struct vtd_vm *t, int kind, int *stage, double *pages)
{
	uint64_t w0, c0, t0, ns;
	struct kvm_vtd_translation x;
	int i;

	run_stage(t, ++*stage);		/* everything invalidated */
	if (kind == K_HIT)		/* one walk, outside the timing */
		TEST_ASSERT_EQ(0, xlate(t->fd, SID, IOVA, 0, &x));
	w0 = vtd_stat(t->fd, KVM_VTD_STAT_WALK_PAGES_READ);
	c0 = vtd_stat(t->fd, KVM_VTD_STAT_CTX_PAGES_READ);
	t0 = now_ns();
	for (i = 0; i < NR_PAGES; i++) {
		switch (kind) {
		case K_FLOOR:
			(void)vtd_reg_get(t->fd, GSTS);
			break;
		case K_HIT:
			TEST_ASSERT_EQ(0, xlate(t->fd, SID, IOVA, 0, &x));
			break;
		case K_MISS:
			TEST_ASSERT_EQ(0, xlate(t->fd, SID, IOVA + i * 4096ull, 0, &x));
			TEST_ASSERT_EQ(0x100000ull + i * 4096ull, x.gpa);
			break;
		}
	}
	ns = now_ns() - t0;
	*pages = (double)(vtd_stat(t->fd, KVM_VTD_STAT_WALK_PAGES_READ) - w0 +
			  vtd_stat(t->fd, KVM_VTD_STAT_CTX_PAGES_READ) - c0) / NR_PAGES;
	return (double)ns / NR_PAGES;
}

int main(void)
{
	const char *e_reps = getenv("VTD_BENCH_REPS");
	int reps = e_reps ? atoi(e_reps) : 3, stage = 1, k, r;
	double ns[NR_KINDS][16], pages[NR_KINDS];
	struct vtd_vm t;

	TEST_REQUIRE(reps >= 1 && reps <= 16);
	vtd_vm_tables(&t, guest_code, POOL_GPA, POOL_SLOT, POOL_PAGES, false);
	run_stage(&t, 1);
	for (r = 0; r < reps; r++)
		for (k = 0; k < NR_KINDS; k++)
			ns[k][r] = batch(&t, k, &stage, &pages[k]);

	/*
	 * What a translation must read: a miss one table page per level (the
	 * context entry stays cached), a hit nothing, the floor nothing.
	 */
	TEST_ASSERT(pages[K_MISS] == LEVELS, "a miss read %.2f pages, not %d",
		    pages[K_MISS], LEVELS);
	TEST_ASSERT(pages[K_HIT] == 0 && pages[K_FLOOR] == 0, "a hit or the floor read pages");

	printf("| call | guest table pages read/call | time/call us (min / median / max) |");
	printf(" ratio to the floor |\n|---|---|---|---|\n");
	for (k = 0; k < NR_KINDS; k++)
		qsort(ns[k], reps, sizeof(ns[k][0]), cmp_double);
	for (k = 0; k < NR_KINDS; k++)
		printf("| %s | %.2f | %.2f / %.2f / %.2f | %.2f |\n", kind_name[k], pages[k],
		       ns[k][0] / 1000, ns[k][reps / 2] / 1000, ns[k][reps - 1] / 1000,
		       ns[k][reps / 2] / ns[K_FLOOR][reps / 2]);
	printf("\n%d calls per batch, %d batches per row, kinds alternating;\n", NR_PAGES, reps);
	printf("times under TCG are distorted: compare ratios within this table.\n");
	vtd_vm_free(&t);
	return 0;
}
