// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the unit's context cache and IOTLB (cache.c) behind
 * vtd_translate_cached(): what is kept, what each invalidation drops (and
 * only that), in legacy and scalable mode, and the caches' bounds.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../cache.c"

static void cache_legacy(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);	/* DID 42 */
	struct vtd_cache *c = kt_cache(test);
	struct vtd_xlate x;

	kt_map4(e, 0x5000, 0x7000, RW);
	kt_map4(e, 0x6000, 0x8000, RW);
	x = kt_xc(e, c, false, 0, 0x5123, false);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7123);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2 + 4);
	KUNIT_EXPECT_FALSE(test, x.ctx_cached || x.leaf_cached);
	/* A hit reads nothing. */
	x = kt_xc(e, c, false, 0, 0x5456, true);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7456);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 0);
	KUNIT_EXPECT_TRUE(test, x.ctx_cached && x.leaf_cached);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x6000, false).gpa, 0x8000);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);	/* context cached */

	/* The guest changes the PTE: the old translation stays cached... */
	kt_set_entry(&e->mem, T(3), 5, 0x9000 | VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x5000, false).gpa, 0x7000);
	/* ...through invalidations of another domain or another page... */
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 41, 0x5000, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 41, 0, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x4000, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x6000, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x5000, false).gpa, 0x7000);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x5000, true).gpa, 0x7000);
	/* ...until the page's own: one path re-walked, exactly 4 pages. */
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x5000, 0);
	x = kt_xc(e, c, false, 0, 0x5000, false);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9000);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 4);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x5000, true).fault, VTD_FR_WRITE);
	/* The neighbour invalidated with it by a 2-page mask, and its own DSI. */
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 42, 0x4000, 2);	/* 0x4000-0x7fff */
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x6000, false).leaf_cached, false);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x6000, false).leaf_cached, true);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 42, 0, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x6000, false).leaf_cached, false);

	/* Context entry changed to not present: cached until invalidated. */
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x6000, false).fault, 0);
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 42, SID ^ 0x8, 0);	/* other device */
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 41, SID, 0);		/* other domain */
	vtd_cache_inv_context(c, VTD_CC_DOMAIN, 41, 0, 0);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, false, 0, 0x6000, false).ctx_cached);
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 42, SID ^ 0x7, 3);	/* any function */
	x = kt_xc(e, c, false, 0, 0x6000, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_CONTEXT_ENTRY_P);
	/* Faults are not cached (CM): present again, found at once. */
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, T(0) | 1);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x6000, false).fault, 0);
	/* A not-present leaf neither. */
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0xa000, false).fault, VTD_FR_READ);
	kt_set_entry(&e->mem, T(3), 10, 0xb000 | RW);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0xa000, false).gpa, 0xb000);
	/* A global flush (SRTP, TE, reset) drops everything. */
	vtd_cache_flush(c);
	x = kt_xc(e, c, false, 0, 0xa000, false);
	KUNIT_EXPECT_FALSE(test, x.ctx_cached || x.leaf_cached);
	KUNIT_EXPECT_EQ(test, c->invalidated, 5);
}

static void cache_scalable(struct kunit *test)
{
	struct env *e = kt_sm_env(test);
	struct vtd_cache *c = kt_cache(test);
	u64 iova = 0x12345678000ull, hi;
	struct vtd_xlate x;

	kt_set_pe(e, 0, PE_SS(2), 42, 0);
	kt_set_pe(e, 5, PE_FS, 7, FS(0));
	kt_map4(e, 0x5000, 0x7000, RW);
	kt_fsmap4(e, iova, 0x9abc000, FS_PWU);
	x = kt_xc(e, c, true, 5, iova, false);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abc000);
	KUNIT_EXPECT_EQ(test, e->mem.gm.pages_read, 2 + 2 + 4);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, 0x5000, false).gpa, 0x7000);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, iova, false).leaf_cached);
	/* A write through a leaf cached by a read re-walks (it sets D). */
	x = kt_xc(e, c, true, 5, iova, true);
	KUNIT_EXPECT_FALSE(test, x.leaf_cached);
	KUNIT_EXPECT_EQ(test, x.ad_writes, 1);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, iova, true).leaf_cached);

	/* PIOTLB descriptors take first-stage leaves by domain, PASID, range. */
	kt_fsmap4(e, iova, 0x5555000, FS_PWU | FS_A | FS_D);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 6, iova, 0);	/* other PASID */
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 8, 5, iova, 0);	/* other domain */
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, iova + 0x1000, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, true, 5, iova, false).gpa, 0x9abc000);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, iova, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, true, 5, iova, false).gpa, 0x5555000);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, false, 0, 0x5000, false).leaf_cached);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PASID, 7, 5, 0, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, true, 5, iova, false).leaf_cached);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, false, 0, 0x5000, false).leaf_cached);

	/*
	 * A canonical-high address (kernel SVA) is cached without its sign
	 * bits; the descriptor names it with them, and takes it all the same.
	 */
	kt_set_entry(&e->mem, FS(0), 256, FS(1) | FS_PWU);
	hi = 0xffff800000000000ull | (iova & ((1ull << 39) - 1));
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, true, 5, hi, false).gpa, 0x5555000);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, hi, false).leaf_cached);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, hi + 0x1000, 0);	/* next page */
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, hi, false).leaf_cached);
	vtd_cache_inv_piotlb(c, VTD_PIOTLB_PAGE, 7, 5, hi, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, true, 5, hi, false).leaf_cached);

	/*
	 * IOTLB descriptors take first-stage leaves too: another domain's
	 * leave them, a page-selective one of their domain takes them all,
	 * whatever the address, and a global one takes everything.
	 */
	kt_fsmap4(e, iova, 0x6666000, FS_PWU | FS_A | FS_D);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 42, 0, 0);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 8, iova, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, true, 5, iova, false).gpa, 0x5555000);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_PAGE, 7, 0x40000000, 0);
	x = kt_xc(e, c, true, 5, iova, false);
	KUNIT_EXPECT_FALSE(test, x.leaf_cached);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x6666000);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_DOMAIN, 7, 0, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, true, 5, iova, false).leaf_cached);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, iova, false).leaf_cached);
	kt_xc(e, c, false, 0, 0x5000, false);
	vtd_cache_inv_iotlb(c, VTD_IOTLB_GLOBAL, 0, 0, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, true, 5, iova, false).leaf_cached);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, false, 0, 0x5000, false).leaf_cached);

	/* The PASID entry switched to pass-through: cached until PC inv. */
	kt_set_pe(e, 5, (VTD_PGTT_PT << 6) | 1, 7, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, true, 5, iova, false).mode, VTD_XM_SM_FS);
	vtd_cache_inv_pasid(c, VTD_PC_PASID, 7, 6);
	vtd_cache_inv_pasid(c, VTD_PC_PASID, 8, 5);
	vtd_cache_inv_pasid(c, VTD_PC_DOMAIN, 8, 0);
	KUNIT_EXPECT_EQ(test, kt_xc(e, c, true, 5, iova, false).mode, VTD_XM_SM_FS);
	vtd_cache_inv_pasid(c, VTD_PC_PASID, 7, 5);
	x = kt_xc(e, c, true, 5, iova, false);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_PT);
	KUNIT_EXPECT_EQ(test, x.gpa, iova);
	/* The domain-selective one of the RID_PASID entry's domain. */
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, false, 0, 0x5000, false).ctx_cached);
	vtd_cache_inv_pasid(c, VTD_PC_DOMAIN, 42, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, false, 0, 0x5000, false).ctx_cached);
	/* A global one drops every cached PASID entry. */
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, iova, false).ctx_cached);
	vtd_cache_inv_pasid(c, VTD_PC_GLOBAL, 0, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, true, 5, iova, false).ctx_cached);
	/* Context-cache invalidations select scalable-mode entries by device. */
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 0, SID ^ 1, 0);
	KUNIT_EXPECT_TRUE(test, kt_xc(e, c, true, 5, iova, false).ctx_cached);
	vtd_cache_inv_context(c, VTD_CC_DEVICE, 0, SID, 0);
	KUNIT_EXPECT_FALSE(test, kt_xc(e, c, true, 5, iova, false).ctx_cached);
}

static void cache_bounds(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct vtd_cache *c = kt_cache(test);
	unsigned int i, hits = 0;

	/* 1024 pages through a 512-entry IOTLB: bounded, evictions counted. */
	kt_set_entry(&e->mem, T(0), 0, T(1) | RW);
	kt_set_entry(&e->mem, T(1), 0, T(2) | RW);
	kt_set_entry(&e->mem, T(2), 0, T(3) | RW);
	kt_set_entry(&e->mem, T(2), 1, T(4) | RW);
	for (i = 0; i < 512; i++) {
		kt_set_entry(&e->mem, T(3), i, ((u64)i << 12) | RW);
		kt_set_entry(&e->mem, T(4), i, ((u64)(i + 512) << 12) | RW);
	}
	for (i = 0; i < 1024; i++)
		KUNIT_EXPECT_EQ(test, kt_xc(e, c, false, 0, (u64)i << 12, false).gpa, (u64)i << 12);
	KUNIT_EXPECT_GE(test, c->evictions, 1024 - VTD_IOTLB_ENTRIES);
	for (i = 0; i < 1024; i++) {
		struct vtd_xlate x = kt_xc(e, c, false, 0, (u64)i << 12, false);

		KUNIT_EXPECT_EQ(test, x.gpa, (u64)i << 12);
		hits += x.leaf_cached;
	}
	KUNIT_EXPECT_LE(test, hits, VTD_IOTLB_ENTRIES);
	KUNIT_EXPECT_GT(test, hits, 0);
}

static struct kunit_case kvm_vtd_cache_cases[] = {
	KUNIT_CASE(cache_legacy),
	KUNIT_CASE(cache_scalable),
	KUNIT_CASE(cache_bounds),
	{}
};

static struct kunit_suite kvm_vtd_cache_suite = {
	.name = "kvm_vtd_cache",
	.test_cases = kvm_vtd_cache_cases,
};

kunit_test_suite(kvm_vtd_cache_suite);
