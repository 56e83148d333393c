// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMM's view of the register file (rfstate.c): saving every
 * register and restoring it, what a restore refuses, and that a restored
 * unit reads back what was saved.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../rfstate.c"

static void save_restore(struct kunit *test)
{
	struct vtd_regfile *a = kt_default_rf(test), *b = kt_default_rf(test);
	struct vtd_events ev;
	u64 attr, val;
	int i;

	kt_wr(a, VTD_RTADDR_REG, 8, 0x7000, &ev);
	kt_wr(a, VTD_GCMD_REG, 4, VTD_GCMD_SRTP, &ev);
	kt_wr(a, VTD_GCMD_REG, 4, VTD_GCMD_TE, &ev);
	kt_wr(a, VTD_RTADDR_REG, 8, 0x8000, &ev);
	kt_wr(a, VTD_IQA_REG, 8, 0x20001, &ev);
	kt_wr(a, VTD_GCMD_REG, 4, VTD_GCMD_TE | VTD_GCMD_QIE, &ev);
	kt_wr(a, VTD_FEDATA_REG, 4, 0x44, &ev);
	/* IVA holds any input address: MGAW may be 57. */
	kt_wr(a, VTD_IVA_REG, 8, BIT_ULL(56) | 0x9000 | 2, &ev);
	KUNIT_EXPECT_EQ(test, a->iva, BIT_ULL(56) | 0x9000 | 2);
	for (i = 0; i < 3; i++)
		kt_fault(a, i, &ev);
	/*
	 * A request's address is recorded as it came, beyond HAW included (an
	 * IOVA above the address width, a canonical-high first-stage one):
	 * what a guest can make the unit record, a VMM must be able to restore.
	 */
	for (i = 0; i < 2; i++) {
		struct vtd_fault f = {
			.sid = 9, .reason = 0x80, .type = VTD_FAULT_READ,
			.addr = i ? 0xffff800012345678ull : BIT_ULL(60),
		};

		KUNIT_EXPECT_EQ(test, vtd_rf_record_fault(a, &f, &ev), 3 + i);
	}
	KUNIT_EXPECT_EQ(test, kt_rd(a, VTD_FRCD_REG + 4 * VTD_FRCD_SIZE, 8), 0xffff800012345000ull);

	for (attr = 0; attr < KVM_VTD_REG_PAGE_SIZE; attr += 4) {
		if (vtd_rf_get(a, attr, &val))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, vtd_rf_set(b, attr, val), 0, "attr 0x%llx", attr);
	}
	for (attr = KVM_VTD_REG_LATCHED_RTADDR; attr <= KVM_VTD_REG_FAULT_NEXT; attr += 8) {
		KUNIT_ASSERT_EQ(test, vtd_rf_get(a, attr, &val), 0);
		KUNIT_EXPECT_EQ(test, vtd_rf_set(b, attr, val), 0);
	}
	KUNIT_EXPECT_EQ(test, memcmp(a->val, b->val, sizeof(a->val)), 0);
	KUNIT_EXPECT_EQ(test, a->rta, b->rta);
	KUNIT_EXPECT_EQ(test, a->iqa, b->iqa);
	KUNIT_EXPECT_EQ(test, a->iva, b->iva);
	KUNIT_EXPECT_EQ(test, a->next_frcd, b->next_frcd);

	/* Bad restores. */
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_CAP_REG, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_GCMD_REG, VTD_GCMD_TE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_GSTS_REG, VTD_GSTS_IRES), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_FEDATA_REG, 1ull << 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_CCMD_REG, VTD_CCMD_ICC), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_FSTS_REG, FIELD_PREP(VTD_FSTS_FRI, 200)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, KVM_VTD_REG_FAULT_NEXT, b->nfr), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_RTADDR_REG, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, 0x30, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_CAP_REG + 4, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, 1ull << 32 | VTD_FEDATA_REG, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_get(b, 0x1018, &val), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_get(b, KT_FRCD_HI(b->nfr), &val), -ENXIO);
	KUNIT_EXPECT_EQ(test, memcmp(a->val, b->val, sizeof(a->val)), 0);
}

static struct kunit_case kvm_vtd_rfstate_cases[] = {
	KUNIT_CASE(save_restore),
	{}
};

static struct kunit_suite kvm_vtd_rfstate_suite = {
	.name = "kvm_vtd_rfstate",
	.test_cases = kvm_vtd_rfstate_cases,
};

kunit_test_suite(kvm_vtd_rfstate_suite);
