// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: one translation end to end (xlate.c): context, PASID entry, PGTT
 * and TT dispatch, pass-through, the page walk's result turned into an
 * output address and permissions, and the interrupt-range check on every
 * output.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../xlate.c"

static void translate_4k(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct vtd_xlate x;

	kt_map4(e, 0x12345678000ull, 0x9abc000, RW);
	x = kt_xl(e, 0x12345678abcull, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x9abcabc);
	KUNIT_EXPECT_EQ(test, x.size, 4096);
	KUNIT_EXPECT_EQ(test, x.perm, RW);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	/* Counted: one page per level, plus the root and context tables. */
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, x.ctx_pages, 2);

	/* Read-only leaf: reads pass, writes fault with reason 5. */
	kt_map4(e, 0x12345678000ull, 0x9abc000, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345678000ull, false).fault, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345678000ull, true).fault, VTD_FR_WRITE);
	kt_map4(e, 0x12345678000ull, 0x9abc000, VTD_PERM_W);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345678000ull, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345678000ull, true).fault, 0);

	/* Not present at each level: the access's permission fault. */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345679000ull, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345679000ull, true).fault, VTD_FR_WRITE);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12345800000ull, false).fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x12380000000ull, false).fault, VTD_FR_READ);
	x = kt_xl(e, 0x80000000000ull, false);
	KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_READ);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 1);

	/* Beyond the 48-bit AGAW. */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 1ull << 48, false).fault, VTD_FR_ADDR_BEYOND_AW);
	/* Translation disabled: identity, in the 1 GiB block around it. */
	e->cfg.te = false;
	x = kt_xl(e, 0x123456789ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x123456789ull);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 30);
	KUNIT_EXPECT_EQ(test, x.walk_pages + x.ctx_pages, 0);
}

static void sm_second_stage_and_pt(struct kunit *test)
{
	struct env *e = kt_sm_env(test);
	struct vtd_xlate x;

	kt_set_pe(e, 0, PE_SS(2), 42, 0);
	kt_map4(e, 0x5000, 0x7000, RW);
	/* A request without PASID uses RID_PASID (0). */
	x = kt_xl(e, 0x5123, false);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x7123);
	KUNIT_EXPECT_EQ(test, x.did, 42);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_SS);
	/* Counted: root + context, directory + table, one page per level. */
	KUNIT_EXPECT_EQ(test, x.ctx_pages, 2);
	KUNIT_EXPECT_EQ(test, x.pasid_pages, 2);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 4);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 0, 0x5123, true, false).gpa, 0x7123);

	/* Second-stage faults carry the scalable-mode reasons. */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x9000, false).fault, VTD_FR_SM_READ);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x9000, true).fault, VTD_FR_SM_WRITE);
	kt_map4(e, 0x5000, 0x7000, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, true).fault, VTD_FR_SM_WRITE);
	/*
	 * SNP in a scalable-mode leaf is ignored, with or without ECAP.SC
	 * (Linux sets it there); in a non-leaf entry it stays reserved.
	 */
	kt_map4(e, 0x5000, 0x7000 | BIT_ULL(11), RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).gpa, 0x7000);
	kt_set_entry(&e->mem, T(2), 0, T(3) | RW | BIT_ULL(11));
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SS_RSVD);
	kt_map4(e, 0x5000, 0x7000, RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 1ull << 48, false).fault, VTD_FR_SM_BEYOND_AW);
	kt_set_entry(&e->mem, T(2), 0, 0x40000000ull | RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SS_ACCESS);
	kt_set_pe(e, 0, 0x40000000ull | (VTD_PGTT_SS << 6) | (2 << 2) | 1, 42, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SS_PTPTR_INV);
	/* AW outside SAGAW, second stage not advertised. */
	kt_set_pe(e, 0, PE_SS(3), 42, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	kt_set_pe(e, 0, PE_SS(2), 42, 0);
	e->cfg.ecap &= ~VTD_ECAP_SLTS;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	e->cfg.ecap |= VTD_ECAP_SLTS;

	/* Pass-through, only with ECAP.PT; nested and reserved PGTTs. */
	kt_set_pe(e, 0, (VTD_PGTT_PT << 6) | 1, 7, 0);
	x = kt_xl(e, 0x123456789ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x123456789ull);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_SM_PT);
	KUNIT_EXPECT_EQ(test, x.size, 1ull << 30);
	KUNIT_EXPECT_EQ(test, x.walk_pages, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 1ull << 46, false).fault, VTD_FR_SM_BEYOND_AW);
	e->cfg.ecap &= ~VTD_ECAP_PT;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	kt_set_pe(e, 0, (VTD_PGTT_NESTED << 6) | 1, 7, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	kt_set_pe(e, 0, 1, 7, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);
	kt_set_pe(e, 0, (5 << 6) | 1, 7, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x5000, false).fault, VTD_FR_SM_PTE_INV);

	/* Legacy pass-through (TT 2) with ECAP.PT. */
	e = kt_env(test, 2, 2);
	e->cfg.ecap = VTD_ECAP_PT;
	x = kt_xl(e, 0x123456789ull, true);
	KUNIT_EXPECT_EQ(test, x.fault, 0);
	KUNIT_EXPECT_EQ(test, x.gpa, 0x123456789ull);
	KUNIT_EXPECT_EQ(test, x.mode, VTD_XM_LEGACY_PT);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 1ull << 46, false).fault, VTD_FR_ADDR_BEYOND_AW);
}

/*
 * No translation may output into the interrupt range 0xfee00000-0xfeefffff
 * (LGN.4 / SGN.8): not a 4 KiB page there, not a large leaf that covers
 * it (whichever of its pages is asked for), not pass-through.  Neighbours
 * pass, and translation off is identity.
 */
static void interrupt_range(struct kunit *test)
{
	struct env *e = kt_env(test, 2, 0);
	struct vtd_cache *c = kt_cache(test);
	u64 iova = 0x12345000;
	int i;

	kt_map4(e, iova, 0xfee00000, RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, true).fault, VTD_FR_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova + 0x123, false).fault, VTD_FR_INTERRUPT_ADDR);
	kt_map4(e, iova, 0xfeeff000, RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, true).fault, VTD_FR_INTERRUPT_ADDR);
	kt_map4(e, iova, 0xfedff000, RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, true).fault, 0);
	kt_map4(e, iova, 0xfef00000, RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, true).fault, 0);
	/* Permissions are checked first. */
	kt_map4(e, iova, 0xfee00000, VTD_PERM_R);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, true).fault, VTD_FR_WRITE);
	/*
	 * A 2 MiB leaf at 0xfee00000 covers the range: every page faults, also
	 * those of its upper half (iova is 0x145000 into it: GPA 0xfef45000).
	 * One at 0xfec00000 ends just below the range.
	 */
	kt_set_entry(&e->mem, T(2), (iova >> 21) & 511, 0xfec00000 | PS | RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, false).fault, 0);
	kt_set_entry(&e->mem, T(2), (iova >> 21) & 511, 0xfee00000 | PS | RW);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, false).fault, VTD_FR_INTERRUPT_ADDR);
	/* Through the IOTLB too: nothing faulting is cached, twice. */
	for (i = 0; i < 2; i++) {
		struct vtd_xlate x = kt_xc(e, c, false, 0, iova, false);

		KUNIT_EXPECT_EQ(test, x.fault, VTD_FR_INTERRUPT_ADDR);
		KUNIT_EXPECT_FALSE(test, x.leaf_cached);
	}
	/* Legacy pass-through: the identity output is checked as well. */
	kt_set_entry(&e->mem, CTXT, (SID & 0xff) * 2, (VTD_TT_PT << 2) | 1);
	e->cfg.ecap |= VTD_ECAP_PT;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfee01000, false).fault, VTD_FR_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfed00000, false).fault, 0);
	/*
	 * Its identity blocks stay clear of the range: the largest aligned
	 * one around the address that does (1 GiB far from it).
	 */
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x40001000, false).size, 1ull << 30);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xc0001000, false).size, 1ull << 29);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfed00000, false).size, 1ull << 21);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfef00000, false).size, 1ull << 20);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0x100000000ull, false).size, 1ull << 30);
	/* Translation off: identity, no fault; a 4 KiB block in the range. */
	e->cfg.te = false;
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfee00000, true).fault, 0);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfee00000, true).size, 4096);
	KUNIT_EXPECT_EQ(test, kt_xl(e, 0xfedff000, true).size, 1ull << 21);

	/* Scalable mode: first stage, second stage, pass-through: 0x87. */
	e = kt_sm_env(test);
	kt_set_pe(e, 0, PE_SS(2), 42, 0);
	kt_set_pe(e, 5, PE_FS, 7, FS(0));
	kt_set_pe(e, 6, (VTD_PGTT_PT << 6) | 1, 8, 0);
	kt_map4(e, iova, 0xfee00000, RW);
	kt_fsmap4(e, iova, 0xfee05000, FS_PWU);
	KUNIT_EXPECT_EQ(test, kt_xl(e, iova, false).fault, VTD_FR_SM_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, VTD_FR_SM_INTERRUPT_ADDR);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 6, 0xfeedf000, false, false).fault,
			VTD_FR_SM_INTERRUPT_ADDR);
	kt_fsmap4(e, iova, 0x5000, FS_PWU);
	KUNIT_EXPECT_EQ(test, kt_xp(e, 5, iova, false, false).fault, 0);
}

static struct kunit_case kvm_vtd_xlate_cases[] = {
	KUNIT_CASE(translate_4k),
	KUNIT_CASE(sm_second_stage_and_pt),
	KUNIT_CASE(interrupt_range),
	{}
};

static struct kunit_suite kvm_vtd_xlate_suite = {
	.name = "kvm_vtd_xlate",
	.test_cases = kvm_vtd_xlate_cases,
};

kunit_test_suite(kvm_vtd_xlate_suite);
