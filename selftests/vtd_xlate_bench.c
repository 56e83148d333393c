// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest-level benchmark of one KVM_DEV_VTD_TRANSLATE, the call a VMM
 * makes for every DMA access of an emulated device when the unit is in the
 * kernel (QEMU's own model answers from an in-process IOTLB instead), and
 * of one KVM_DEV_VTD_TRANSLATE_MSI, its call for every interrupt such a
 * device sends with interrupt remapping on.
 *
 * A guest maps NR_PAGES 4 KiB pages of one device with a 4-level
 * second-stage table and turns translation on; the host then times, per
 * call, alternating and VTD_BENCH_REPS times (default 3):
 *   floor       KVM_GET_DEVICE_ATTR of a register: an ioctl to the unit
 *               that does almost nothing (what any call costs)
 *   hit         TRANSLATE of one page again and again (IOTLB hit)
 *   miss        TRANSLATE of NR_PAGES distinct pages once each after an
 *               invalidation (every call walks the table)
 *   msi hit     TRANSLATE_MSI of one interrupt index again and again
 *               (interrupt entry cache hit)
 *   msi miss    TRANSLATE_MSI of NR_PAGES distinct indexes once each after
 *               an interrupt entry cache invalidation (each reads its IRTE)
 * Counts first: the guest table pages each translation read (a miss reads
 * one page per level, a hit none) and the IRTEs each interrupt translation
 * read (a miss one, a hit none); asserted, so the benchmark fails if the
 * unit reads more than the spec's structures need.  Then time per call
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
#define POOL_PAGES	64
#define NR_PAGES	2048		/* 4 last-level tables; more than the IOTLB's 512 */
#define SID		0x0010
#define DID		1
#define IOVA		0x40000000ull
#define LEVELS		4
#define IRT_S		11		/* 2^(S + 1) = 4096 IRTEs, 16 pages */
#define IRT_PAGES	16

enum { K_FLOOR, K_HIT, K_MISS, K_MSI_HIT, K_MSI_MISS, NR_KINDS };
static const char * const kind_name[] = { "floor (register get)", "TRANSLATE, IOTLB hit",
					  "TRANSLATE, miss", "TRANSLATE_MSI, IEC hit",
					  "TRANSLATE_MSI, miss" };

static void guest_code(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), l4 = alloc_table();
	uint64_t *ce = tva(ctx) + (SID & 0xff) * 2;
	uint64_t ring = pool_queue(16), irt = alloc_table();
	int i;

	/* The IRT: contiguous pool pages, an xAPIC-format entry per index. */
	for (i = 1; i < IRT_PAGES; i++)
		GUEST_ASSERT_EQ(alloc_table(), irt + i * 4096ull);
	tva(root)[0] = ctx | 1;
	ce[0] = l4 | 1;
	ce[1] = 2 | (DID << 8);				/* AW 48-bit */
	for (i = 0; i < NR_PAGES; i++)
		GUEST_ASSERT(map(l4, LEVELS, IOVA + i * 4096ull, 0x100000ull + i * 4096ull, 1,
				 PTE_R | PTE_W, false));
	for (i = 0; i < NR_PAGES; i++)
		tva(irt)[2 * i] = IRTE_P | IRTE_V(0x40 + i % 0x80) | IRTE_DST_XAPIC(0);
	vtd_enable(root, ring);
	wr64(VTD_GPA, IRTA, irt | IRT_S);
	gcmd(GCMD_SIRTP, true, GSTS_IRTPS);
	gcmd(GCMD_IRE, true, GSTS_IRES);
	GUEST_SYNC(1);
	/* Each further stage: drop every cached translation, as a flush does. */
	for (i = 2; ; i++) {
		vtd_gq_push(&gq, IOTLB_GLOBAL, 0);
		vtd_gq_push(&gq, IEC_GLOBAL, 0);
		vtd_gq_wait(&gq);
		GUEST_SYNC(i);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* TRANSLATE_MSI of interrupt index @i, remapped to its IRTE's vector. */
static void msi(struct vtd_vm *t, uint32_t i)
{
	struct kvm_vtd_msi_translation m;

	TEST_ASSERT_EQ(0, xlate_msi(t->fd, SID, msi_rfi(i), 0, &m));
	TEST_ASSERT_EQ(KVM_VTD_MSI_REMAPPED, m.result);
	TEST_ASSERT_EQ(0x40 + i % 0x80, m.msi_data & 0xff);
}

/*
 * One timed batch of @kind: ns per call, the guest table pages read per
 * call and the IRTEs read per call.
 */
static double batch(struct vtd_vm *t, int kind, int *stage, double *pages, double *irtes)
{
	uint64_t w0, c0, m0, t0, ns;
	struct kvm_vtd_translation x;
	int i;

	run_stage(t, ++*stage);		/* everything invalidated */
	if (kind == K_HIT)		/* one walk, outside the timing */
		TEST_ASSERT_EQ(0, xlate(t->fd, SID, IOVA, 0, &x));
	if (kind == K_MSI_HIT)		/* one IRTE read, outside the timing */
		msi(t, 0);
	w0 = vtd_stat(t->fd, KVM_VTD_STAT_WALK_PAGES_READ);
	c0 = vtd_stat(t->fd, KVM_VTD_STAT_CTX_PAGES_READ);
	m0 = vtd_stat(t->fd, KVM_VTD_STAT_IEC_MISSES);
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
		case K_MSI_HIT:
			msi(t, 0);
			break;
		case K_MSI_MISS:
			msi(t, i);
			break;
		}
	}
	ns = now_ns() - t0;
	*pages = (double)(vtd_stat(t->fd, KVM_VTD_STAT_WALK_PAGES_READ) - w0 +
			  vtd_stat(t->fd, KVM_VTD_STAT_CTX_PAGES_READ) - c0) / NR_PAGES;
	*irtes = (double)(vtd_stat(t->fd, KVM_VTD_STAT_IEC_MISSES) - m0) / NR_PAGES;
	return (double)ns / NR_PAGES;
}

int main(void)
{
	const char *e_reps = getenv("VTD_BENCH_REPS");
	int reps = e_reps ? atoi(e_reps) : 3, stage = 1, k, r;
	double ns[NR_KINDS][16], pages[NR_KINDS], irtes[NR_KINDS];
	struct vtd_vm t;

	TEST_REQUIRE(reps >= 1 && reps <= 16);
	/* A legacy-mode unit with interrupt remapping. */
	vtd_vm_new(&t, guest_code);
	vtd_vm_pool(&t, POOL_GPA, POOL_SLOT, POOL_PAGES);
	vtd_vm_init_add(&t, 0, ECAP_IR);
	run_stage(&t, 1);
	for (r = 0; r < reps; r++)
		for (k = 0; k < NR_KINDS; k++)
			ns[k][r] = batch(&t, k, &stage, &pages[k], &irtes[k]);

	/*
	 * What a translation must read: a miss one table page per level (the
	 * context entry stays cached), a hit nothing, the floor nothing.
	 */
	TEST_ASSERT(pages[K_MISS] == LEVELS, "a miss read %.2f pages, not %d",
		    pages[K_MISS], LEVELS);
	TEST_ASSERT(pages[K_HIT] == 0 && pages[K_FLOOR] == 0, "a hit or the floor read pages");
	/* An interrupt translation reads its IRTE on a miss, nothing on a hit. */
	TEST_ASSERT(irtes[K_MSI_MISS] == 1, "an interrupt miss read %.2f IRTEs", irtes[K_MSI_MISS]);
	TEST_ASSERT(irtes[K_MSI_HIT] == 0 && pages[K_MSI_HIT] == 0 && pages[K_MSI_MISS] == 0,
		    "an interrupt hit read an IRTE, or an interrupt read table pages");

	printf("| call | guest table pages read/call | IRTEs read/call |");
	printf(" time/call us (min / median / max) | ratio to the floor |\n");
	printf("|---|---|---|---|---|\n");
	for (k = 0; k < NR_KINDS; k++)
		qsort(ns[k], reps, sizeof(ns[k][0]), cmp_double);
	for (k = 0; k < NR_KINDS; k++)
		printf("| %s | %.2f | %.2f | %.2f / %.2f / %.2f | %.2f |\n", kind_name[k], pages[k],
		       irtes[k], ns[k][0] / 1000, ns[k][reps / 2] / 1000, ns[k][reps - 1] / 1000,
		       ns[k][reps / 2] / ns[K_FLOOR][reps / 2]);
	printf("\n%d calls per batch, %d batches per row, kinds alternating;\n", NR_PAGES, reps);
	printf("times under TCG are distorted: compare ratios within this table.\n");
	vtd_vm_free(&t);
	return 0;
}
