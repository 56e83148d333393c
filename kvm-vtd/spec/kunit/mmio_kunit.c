// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which guest accesses the register page claims, and which of those
 * are architectural register accesses.  Addresses and lengths are guest
 * controlled, so the edges (page ends, wrap-around at 2^64, odd lengths)
 * are the point.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "../access.h"

#define BASE	0xfed90000ull
#define PAGE	KVM_VTD_REG_PAGE_SIZE

static void claims(struct kunit *test, u64 base, u64 addr, int len, u32 want)
{
	u32 off = 0xdeadbeef;

	KUNIT_EXPECT_TRUE_MSG(test, kvm_vtd_page_offset(base, addr, len, &off),
			      "addr 0x%llx len %d", addr, len);
	KUNIT_EXPECT_EQ_MSG(test, off, want, "addr 0x%llx len %d", addr, len);
}

static void refuses(struct kunit *test, u64 base, u64 addr, int len)
{
	u32 off = 0xdeadbeef;

	KUNIT_EXPECT_FALSE_MSG(test, kvm_vtd_page_offset(base, addr, len, &off),
			       "addr 0x%llx len %d", addr, len);
	/* A refused access leaves the output alone. */
	KUNIT_EXPECT_EQ(test, off, 0xdeadbeef);
}

static void page_offset_inside(struct kunit *test)
{
	claims(test, BASE, BASE, 4, 0);
	claims(test, BASE, BASE, 8, 0);
	claims(test, BASE, BASE + 0x1c, 4, 0x1c);
	claims(test, BASE, BASE + PAGE - 8, 8, PAGE - 8);
	claims(test, BASE, BASE + PAGE - 1, 1, PAGE - 1);
	claims(test, BASE, BASE, PAGE, 0);
	/* Page 0 and the last page below 2^52 are valid bases. */
	claims(test, 0, 0x10, 4, 0x10);
	claims(test, BIT_ULL(52) - PAGE, BIT_ULL(52) - 4, 4, PAGE - 4);
}

static void page_offset_outside(struct kunit *test)
{
	refuses(test, BASE, BASE - 4, 4);
	refuses(test, BASE, BASE - 1, 2);	/* straddles the start */
	refuses(test, BASE, BASE + PAGE, 4);
	refuses(test, BASE, BASE + PAGE - 4, 8);	/* straddles the end */
	refuses(test, BASE, BASE + PAGE - 1, 2);
	refuses(test, BASE, BASE, PAGE + 1);
	refuses(test, BASE, 0, 4);
}

static void page_offset_hostile(struct kunit *test)
{
	/* No length makes a claim. */
	refuses(test, BASE, BASE, 0);
	refuses(test, BASE, BASE, -1);
	refuses(test, BASE, BASE, INT_MIN);
	refuses(test, BASE, BASE + 0x10, INT_MAX);
	/* addr + len wraps past 2^64 into the page: must not be claimed. */
	refuses(test, BASE, U64_MAX - 3, 8);
	refuses(test, BASE, U64_MAX, 4);
	refuses(test, 0, U64_MAX - 3, 8);
	refuses(test, BASE, BASE + (1ull << 63), 4);
	/* addr - base wraps below the page. */
	refuses(test, BASE, BASE - (1ull << 63), 4);
}

static void access_ok_sizes(struct kunit *test)
{
	static const int bad_len[] = { -8, -1, 0, 1, 2, 3, 5, 6, 7, 16, 4096 };
	int i;

	KUNIT_EXPECT_TRUE(test, kvm_vtd_access_ok(0, 4));
	KUNIT_EXPECT_TRUE(test, kvm_vtd_access_ok(0, 8));
	KUNIT_EXPECT_TRUE(test, kvm_vtd_access_ok(0x1c, 4));
	KUNIT_EXPECT_TRUE(test, kvm_vtd_access_ok(PAGE - 8, 8));
	for (i = 0; i < ARRAY_SIZE(bad_len); i++)
		KUNIT_EXPECT_FALSE_MSG(test, kvm_vtd_access_ok(0x20, bad_len[i]),
				       "len %d", bad_len[i]);
}

static void access_ok_alignment(struct kunit *test)
{
	u32 off;

	for (off = 0; off < 16; off++) {
		KUNIT_EXPECT_EQ_MSG(test, kvm_vtd_access_ok(off, 4), off % 4 == 0,
				    "off %u len 4", off);
		KUNIT_EXPECT_EQ_MSG(test, kvm_vtd_access_ok(off, 8), off % 8 == 0,
				    "off %u len 8", off);
	}
	/* A dword at a qword's upper half is a valid access. */
	KUNIT_EXPECT_TRUE(test, kvm_vtd_access_ok(0x0c, 4));
}

static struct kunit_case kvm_vtd_mmio_cases[] = {
	KUNIT_CASE(page_offset_inside),
	KUNIT_CASE(page_offset_outside),
	KUNIT_CASE(page_offset_hostile),
	KUNIT_CASE(access_ok_sizes),
	KUNIT_CASE(access_ok_alignment),
	{}
};

static struct kunit_suite kvm_vtd_mmio_suite = {
	.name = "kvm_vtd_mmio",
	.test_cases = kvm_vtd_mmio_cases,
};

kunit_test_suite(kvm_vtd_mmio_suite);

MODULE_DESCRIPTION("KUnit tests for kvm-vtd register page access decoding");
MODULE_LICENSE("GPL");
