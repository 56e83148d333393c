// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what an invalidation names (inval.c), the rules the unit's caches,
 * the device re-evaluation and the device PASID cache share: context-cache
 * granularities with domain-id and function mask, legacy against scalable
 * entries, PASID-cache granularities, the IOTLB domain scope and the
 * page-selective range.
 */
#include <kunit/test.h>

#include "../inval.c"
#include "../regs.h"

static const struct vtd_inv_key legacy = { .sid = 0x0308, .did = 7 };
static const struct vtd_inv_key scalable = { .sid = 0x0308, .did = 7, .pasid = 5,
					     .scalable = true };

static bool cc(u8 gran, u16 did, u16 sid, u8 fm, const struct vtd_inv_key *k)
{
	struct vtd_inv_req inv = { .actual = gran, .did = did, .sid = sid, .fm = fm };

	return vtd_inv_names_context(&inv, k);
}

static void inval_context(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_GLOBAL, 99, 0, 0, &legacy));
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_GLOBAL, 99, 0, 0, &scalable));
	/* Domain-selective: legacy entries by their domain-id, scalable all. */
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DOMAIN, 7, 0, 0, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DOMAIN, 8, 0, 0, &legacy));
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DOMAIN, 8, 0, 0, &scalable));
	/* Device-selective: source-id and (legacy) domain-id. */
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DEVICE, 7, 0x0308, 0, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 8, 0x0308, 0, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 7, 0x0309, 0, &legacy));
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DEVICE, 8, 0x0308, 0, &scalable));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 7, 0x0309, 0, &scalable));
	/*
	 * FM 1, 2, 3 ignore bit 2, bits 2:1, bits 2:0 of the function number
	 * (its most significant bits), never the device's or the bus's.
	 */
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DEVICE, 7, 0x030c, 1, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 7, 0x0309, 1, &legacy));
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DEVICE, 7, 0x030e, 2, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 7, 0x0309, 2, &legacy));
	KUNIT_EXPECT_TRUE(test, cc(VTD_CC_DEVICE, 7, 0x030f, 3, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 7, 0x0310, 3, &legacy));
	KUNIT_EXPECT_FALSE(test, cc(VTD_CC_DEVICE, 7, 0x0408, 3, &legacy));
	/* Not performed (granularity 0): nothing. */
	KUNIT_EXPECT_FALSE(test, cc(0, 7, 0x0308, 0, &legacy));
}

static bool pc(u8 gran, u16 did, u32 pasid, const struct vtd_inv_key *k)
{
	struct vtd_inv_req inv = { .actual = gran, .did = did, .pasid = pasid };

	return vtd_inv_names_pasid(&inv, k);
}

static void inval_pasid(struct kunit *test)
{
	/* Legacy entries have no PASID entry to drop. */
	KUNIT_EXPECT_FALSE(test, pc(VTD_PC_GLOBAL, 0, 0, &legacy));
	KUNIT_EXPECT_TRUE(test, pc(VTD_PC_GLOBAL, 99, 99, &scalable));
	KUNIT_EXPECT_TRUE(test, pc(VTD_PC_DOMAIN, 7, 99, &scalable));
	KUNIT_EXPECT_FALSE(test, pc(VTD_PC_DOMAIN, 8, 5, &scalable));
	KUNIT_EXPECT_TRUE(test, pc(VTD_PC_PASID, 7, 5, &scalable));
	KUNIT_EXPECT_FALSE(test, pc(VTD_PC_PASID, 7, 6, &scalable));
	KUNIT_EXPECT_FALSE(test, pc(VTD_PC_PASID, 8, 5, &scalable));
	/* Granularity 2 is reserved (the decoder refuses it): nothing. */
	KUNIT_EXPECT_FALSE(test, pc(2, 7, 5, &scalable));
}

static void inval_domain_and_range(struct kunit *test)
{
	struct vtd_inv_req inv = { .actual = VTD_IOTLB_GLOBAL, .did = 1 };

	KUNIT_EXPECT_TRUE(test, vtd_inv_names_domain(&inv, 7));
	inv.actual = VTD_IOTLB_DOMAIN;
	KUNIT_EXPECT_FALSE(test, vtd_inv_names_domain(&inv, 7));
	inv.did = 7;
	KUNIT_EXPECT_TRUE(test, vtd_inv_names_domain(&inv, 7));
	inv.actual = VTD_IOTLB_PAGE;
	KUNIT_EXPECT_TRUE(test, vtd_inv_names_domain(&inv, 7));
	inv.actual = 0;
	KUNIT_EXPECT_FALSE(test, vtd_inv_names_domain(&inv, 7));

	/* AM ignores the low page-number bits; the range is 2^AM pages. */
	KUNIT_EXPECT_EQ(test, vtd_inv_base(0x12345678, 0), 0x12345000ull);
	KUNIT_EXPECT_EQ(test, vtd_inv_base(0x12345000, 4), 0x12340000ull);
	KUNIT_EXPECT_EQ(test, vtd_inv_base(~0ull, 52), 0ull);
	KUNIT_EXPECT_EQ(test, vtd_inv_last(0x10000, 0), 0x10fffull);
	KUNIT_EXPECT_EQ(test, vtd_inv_last(0x10000, 2), 0x13fffull);
	KUNIT_EXPECT_EQ(test, vtd_inv_last(0, 51), (1ull << 63) - 1);
}

static struct kunit_case kvm_vtd_inval_cases[] = {
	KUNIT_CASE(inval_context),
	KUNIT_CASE(inval_pasid),
	KUNIT_CASE(inval_domain_and_range),
	{}
};

static struct kunit_suite kvm_vtd_inval_suite = {
	.name = "kvm_vtd_inval",
	.test_cases = kvm_vtd_inval_cases,
};

kunit_test_suite(kvm_vtd_inval_suite);
