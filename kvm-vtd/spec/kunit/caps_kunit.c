// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the capabilities a VMM may give the unit (caps.c): which CAP/ECAP
 * combinations are accepted and why each refused one is refused.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../caps.c"

static void caps_validation(struct kunit *test)
{
	u64 cap = vtd_cap_default(), ecap = vtd_ecap_default();
	u64 small, wide, sm;

	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap), 0);
	/* 39-bit only, 16 records, no PSI, caching mode off: all fine. */
	small = cap & ~(VTD_CAP_SAGAW | VTD_CAP_MGAW | VTD_CAP_NFR | VTD_CAP_PSI |
			VTD_CAP_MAMV | VTD_CAP_CM);
	small |= FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39);
	small |= FIELD_PREP(VTD_CAP_MGAW, 38);
	small |= FIELD_PREP(VTD_CAP_NFR, 15);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, ecap), 0);
	/* MGAW beyond what SAGAW maps, or no SAGAW at all. */
	wide = (cap & ~VTD_CAP_SAGAW) | FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap & ~VTD_CAP_SAGAW, ecap), -EINVAL);
	/* 5-level tables: SAGAW bit 3 with an MGAW up to 57. */
	wide = cap | FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_57);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), 0);
	wide = (wide & ~VTD_CAP_MGAW) | FIELD_PREP(VTD_CAP_MGAW, 56);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), 0);
	/* Scalable mode, and what only exists with it or with first stage. */
	sm = ecap | VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | VTD_ECAP_PASID |
	     FIELD_PREP(VTD_ECAP_PSS, 19) | VTD_ECAP_SRS;
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_FL1GP | VTD_CAP_FL5LP, sm), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, (ecap & ~VTD_ECAP_PT) | VTD_ECAP_SMTS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_SLTS), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_PASID), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_PASID), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_FL1GP, sm & ~VTD_ECAP_FLTS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_FL1GP, ecap), -EINVAL);
	/* Device-TLBs, which are invalidated through the queue only. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_DT), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, (ecap & ~VTD_ECAP_QI) | VTD_ECAP_DT),
			-EINVAL);
	/* Interrupt remapping needs the queue; EIM, MHMV, ESIRTPS need IR. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_ESIRTPS, ecap | VTD_ECAP_IR |
						VTD_ECAP_EIM | VTD_ECAP_MHMV), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, (ecap & ~VTD_ECAP_QI) | VTD_ECAP_IR),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_EIM), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | FIELD_PREP(VTD_ECAP_MHMV, 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_ESIRTPS, ecap), -EINVAL);
	/* Not implemented (yet): 512G pages, AFL, PMRs, PI, nesting, PRS. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | FIELD_PREP(VTD_CAP_SLLPS, 4), ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_AFL, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_PLMR, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_PI, ecap | VTD_ECAP_IR), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm | VTD_ECAP_NEST), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm | VTD_ECAP_PRS), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | FIELD_PREP(VTD_CAP_SAGAW, 16), ecap),
			-EINVAL);
	/* Layout fields are fixed; NFR bounded; MAMV needs PSI. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap ^ FIELD_PREP(VTD_CAP_FRO, 1), ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap ^ FIELD_PREP(VTD_ECAP_IRO, 1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_NFR, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap & ~VTD_CAP_PSI, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | BIT_ULL(13), ecap), -EINVAL);
	/* MAMV up to 45 (2^57 bytes); beyond, the masks wrap. */
	wide = cap & ~VTD_CAP_MAMV;
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_MAMV, 45), ecap), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_MAMV, 46), ecap),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | VTD_CAP_MAMV, ecap), -EINVAL);

	/* What Linux cannot use.  SLLPS must be none, 2 MiB, or 2 MiB + 1 GiB. */
	wide = cap & ~VTD_CAP_SLLPS;
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_SLLPS, 1), ecap), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_SLLPS, 2), ecap),
			-EINVAL);
	/* Scalable mode needs the queue, and first or second stage. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_QI), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~(VTD_ECAP_FLTS | VTD_ECAP_SLTS)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_FLTS), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_SLTS), 0);
	/* Both stages: a common depth (4-level, or 5-level with FL5LP). */
	small = (cap & ~(VTD_CAP_SAGAW | VTD_CAP_MGAW)) |
		FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39) | FIELD_PREP(VTD_CAP_MGAW, 38);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, sm), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, sm & ~VTD_ECAP_FLTS), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, sm & ~VTD_ECAP_SLTS), 0);
	wide = (cap & ~VTD_CAP_SAGAW) | FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_57);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, sm), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | VTD_CAP_FL5LP, sm), 0);
	/* Snoop control: selectable. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_SC), 0);
}

static struct kunit_case kvm_vtd_caps_cases[] = {
	KUNIT_CASE(caps_validation),
	{}
};

static struct kunit_suite kvm_vtd_caps_suite = {
	.name = "kvm_vtd_caps",
	.test_cases = kvm_vtd_caps_cases,
};

kunit_test_suite(kvm_vtd_caps_suite);
