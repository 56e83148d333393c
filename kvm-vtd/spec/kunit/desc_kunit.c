// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the invalidation queue's descriptor decoder (desc.c): every type
 * the unit offers, its granularities and reserved bits, descriptor width
 * against the queue's DW and the translation mode, device-TLB sizes and
 * interrupt entry cache invalidations.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../desc.c"

static void desc_decode(struct kunit *test)
{
	u64 cap = vtd_cap_default(), ecap = vtd_ecap_default();
	u64 sm = ecap | VTD_ECAP_SMTS | VTD_ECAP_SLTS;
	struct vtd_desc d;

	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x0000000100070011ull | (1ull << 48), 0,
					      &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_CC);
	KUNIT_EXPECT_EQ(test, d.inv.req, 1);
	KUNIT_EXPECT_EQ(test, d.inv.did, 7);
	KUNIT_EXPECT_EQ(test, d.inv.sid, 1);
	KUNIT_EXPECT_EQ(test, d.inv.fm, 1);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x31 | (5 << 16), 0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_CC);
	KUNIT_EXPECT_EQ(test, d.inv.req, VTD_CC_DEVICE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x32 | (5 << 16), 0x12345000 | 3, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x12340000);
	KUNIT_EXPECT_EQ(test, d.inv.am, 3);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x75 | (0xabcdull << 32), 0x1000, &d), 0);
	KUNIT_EXPECT_TRUE(test, d.wait_if && d.wait_sw);
	KUNIT_EXPECT_EQ(test, d.wait_data, 0xabcd);
	KUNIT_EXPECT_EQ(test, d.wait_addr, 0x1000);

	/* Bad inputs: reserved bits, reserved granularity, unsupported types. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x11 | BIT_ULL(8), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x11, 1, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x01, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x02, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x12, 0x1000, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x32, 0x1080, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x32, 63, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x25, 0x1001, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x85, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x0, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x7, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0xf, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x211, 0, &d), VTD_IQEI_TYPE);

	/* PASID-cache and PASID-based IOTLB: scalable-mode units only. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x17, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x26, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x17 | (9 << 16) | (0x12345ull << 32), 0,
					      &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_PC);
	KUNIT_EXPECT_EQ(test, d.inv.req, VTD_PC_PASID);
	KUNIT_EXPECT_EQ(test, d.inv.did, 9);
	KUNIT_EXPECT_EQ(test, d.inv.pasid, 0x12345);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x07, 0, &d), 0);	/* domain */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x37, 0, &d), 0);	/* global */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x27, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x17 | BIT_ULL(6), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x17 | BIT_ULL(12), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x17 | BIT_ULL(52), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x17, 1, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36 | (4 << 16) | (5ull << 32),
					      0x40000000 | BIT_ULL(6) | 2, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_PIOTLB);
	KUNIT_EXPECT_EQ(test, d.inv.req, VTD_PIOTLB_PAGE);
	KUNIT_EXPECT_EQ(test, d.inv.pasid, 5);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x40000000);
	KUNIT_EXPECT_EQ(test, d.inv.am, 2);
	KUNIT_EXPECT_TRUE(test, d.inv.ih);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x26, 0, &d), 0);	/* all in PASID */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x06, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x16, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36, 0x80, &d), VTD_IQEI_RSVD);
	/*
	 * No MAMV bound for PASID-IOTLB (Linux sends up to 52 for first-stage
	 * domains): 19 pages of mask is a range; 52 or more is the PASID.
	 */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36, 0x12345678000ull | 19, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_PIOTLB_PAGE);
	KUNIT_EXPECT_EQ(test, d.inv.am, 19);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x12300000000ull);	/* aligned to 2^31 */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36, 0xfff0000000000000ull | 51, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_PIOTLB_PAGE);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 1ull << 63);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36, 0x5000 | 52, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.req, VTD_PIOTLB_PAGE);
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_PIOTLB_PASID);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36, ~0ull & ~BIT_ULL(6) & ~0xf80ull,
					      &d), 0);	/* AM 63 */
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_PIOTLB_PASID);
	/* The IOTLB descriptor keeps MAMV, and without PSI never reads AM. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x32, 19, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x32, 63, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap & ~(VTD_CAP_PSI | VTD_CAP_MAMV), ecap, 0x32,
					      0x5000 | 63, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_IOTLB_DOMAIN);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x36 | BIT_ULL(7), 0, &d), VTD_IQEI_RSVD);
	/* Still not supported with SMTS: device-TLB types, IEC, page responses. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x3, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x8, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x9, 0, &d), VTD_IQEI_TYPE);
}

/*
 * Descriptor width against translation mode: scalable mode needs a 256-bit
 * queue, and the PASID-granular types exist only as 256-bit descriptors.
 */
static void desc_width(struct kunit *test)
{
	u64 sm = vtd_ecap_default() | VTD_ECAP_SMTS | VTD_ECAP_SLTS;
	u64 legacy = 0x1000, scalable = 0x1000 | FIELD_PREP(VTD_RTADDR_TTM, 1);
	u64 q128 = 0x2000, q256 = 0x2000 | VTD_IQA_DW;
	static const u64 types[] = { 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		bool pasid = types[i] >= VTD_DESC_PIOTLB;

		KUNIT_EXPECT_EQ_MSG(test, vtd_desc_check_width(sm, legacy, q256, types[i]), 0,
				    "type %llu", types[i]);
		KUNIT_EXPECT_EQ_MSG(test, vtd_desc_check_width(sm, scalable, q256, types[i]), 0,
				    "type %llu", types[i]);
		KUNIT_EXPECT_EQ_MSG(test, vtd_desc_check_width(sm, scalable, q128, types[i]),
				    VTD_IQEI_WIDTH, "type %llu", types[i]);
		KUNIT_EXPECT_EQ_MSG(test, vtd_desc_check_width(sm, legacy, q128, types[i]),
				    pasid ? VTD_IQEI_WIDTH : 0, "type %llu", types[i]);
	}
	/*
	 * Without scalable mode there is no 256-bit queue and no PASID type:
	 * those are the decoder's invalid types (IQEI 3), as are unknown ones.
	 */
	KUNIT_EXPECT_EQ(test, vtd_desc_check_width(vtd_ecap_default(), legacy, q128, 0x17), 0);
	KUNIT_EXPECT_EQ(test, vtd_desc_check_width(sm, legacy, q128, 0x9), 0);
	KUNIT_EXPECT_EQ(test, vtd_desc_check_width(sm, legacy, q128, 0x206), 0);
}

/* Device-TLB descriptors (ECAP.DT), with the PCIe ATS size encoding. */
static void desc_decode_devtlb(struct kunit *test)
{
	u64 cap = vtd_cap_default(), ecap = vtd_ecap_default() | VTD_ECAP_DT;
	u64 sm = ecap | VTD_ECAP_SMTS | VTD_ECAP_SLTS;
	struct vtd_desc d;

	/* SID 0x0123, PFSID 0xabc5, MIP 31: one page. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3 | (5ull << 12) | (31ull << 16) |
					      (0x0123ull << 32) | (0xabcull << 52),
					      0x12345000, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_DEVTLB);
	KUNIT_EXPECT_EQ(test, d.inv.sid, 0x0123);
	KUNIT_EXPECT_EQ(test, d.inv.pfsid, 0xabc5);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x12345000);
	KUNIT_EXPECT_EQ(test, d.inv.am, 0);
	/* S: bit 12 clear is 2 pages; bits 12-13 set, 14 clear is 8 pages. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, 0x12344000 | 1, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x12344000);
	KUNIT_EXPECT_EQ(test, d.inv.am, 1);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, 0x12343000 | 1, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x12340000);
	KUNIT_EXPECT_EQ(test, d.inv.am, 3);
	/* Linux's "everything": bits 62:12 set; and all of 63:12 set. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, GENMASK_ULL(62, 12) | 1, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.am, VTD_DEVTLB_AM_ALL);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, GENMASK_ULL(63, 12) | 1, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.am, VTD_DEVTLB_AM_ALL);
	/* Reserved: 8:4, 31:21, 51:48 and 11:1 of the high quadword. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x13, 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3 | BIT_ULL(21), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3 | BIT_ULL(48), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, 0x2, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x3, 0x800, &d), VTD_IQEI_RSVD);
	/* Without DT both types are unsupported; the PASID one needs SMTS. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap & ~VTD_ECAP_DT, 0x3, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x8, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm & ~VTD_ECAP_DT, 0x8, 0, &d), VTD_IQEI_TYPE);

	/* PASID-based: MIP 8:4, SID 31:16, PASID 51:32; G, S. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x8 | (31 << 4) | (0xfull << 12) |
					      (0x0456ull << 16) | (0xfffffull << 32) |
					      (0xfffull << 52), 0x40000000, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_PDEVTLB);
	KUNIT_EXPECT_EQ(test, d.inv.sid, 0x0456);
	KUNIT_EXPECT_EQ(test, d.inv.pasid, 0xfffff);
	KUNIT_EXPECT_EQ(test, d.inv.pfsid, 0xffff);
	KUNIT_EXPECT_FALSE(test, d.inv.g);
	KUNIT_EXPECT_EQ(test, d.inv.am, 0);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x8, 0x40001000 | BIT_ULL(11) | 1, &d), 0);
	KUNIT_EXPECT_TRUE(test, d.inv.g);
	KUNIT_EXPECT_EQ(test, d.inv.addr, 0x40000000);
	KUNIT_EXPECT_EQ(test, d.inv.am, 2);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x8, 0x2, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x8, 0x400, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x208, 0, &d), VTD_IQEI_TYPE);
	/* Interrupt entry cache without IR, and page responses without PRS. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x4, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, sm, 0x9, 0, &d), VTD_IQEI_TYPE);
}

static void desc_decode_iec(struct kunit *test)
{
	u64 cap = vtd_cap_default();
	u64 ecap = vtd_ecap_default() | VTD_ECAP_IR | FIELD_PREP(VTD_ECAP_MHMV, 4);
	struct vtd_desc d;

	/* Global: G clear; IM and IIDX are not looked at. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4 | (31ull << 27) | (0xffffull << 32),
					      0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.type, VTD_DESC_IEC);
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_IEC_GLOBAL);
	/* Index-selective: IIDX 47:32, IM 31:27 up to MHMV. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x14 | (4ull << 27) | (0xabcdull << 32),
					      0, &d), 0);
	KUNIT_EXPECT_EQ(test, d.inv.actual, VTD_IEC_INDEX);
	KUNIT_EXPECT_EQ(test, d.inv.iidx, 0xabcd);
	KUNIT_EXPECT_EQ(test, d.inv.am, 4);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x14 | (5ull << 27), 0, &d),
			VTD_IQEI_RSVD);
	/* Reserved: 8:5, 26:12, 63:48 and the whole high quadword. */
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4 | BIT_ULL(5), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4 | BIT_ULL(12), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4 | BIT_ULL(26), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4 | BIT_ULL(48), 0, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x4, 1, &d), VTD_IQEI_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap, 0x204, 0, &d), VTD_IQEI_TYPE);
	KUNIT_EXPECT_EQ(test, vtd_desc_decode(cap, ecap & ~VTD_ECAP_IR, 0x4, 0, &d),
			VTD_IQEI_TYPE);
}

static struct kunit_case kvm_vtd_desc_cases[] = {
	KUNIT_CASE(desc_decode),
	KUNIT_CASE(desc_width),
	KUNIT_CASE(desc_decode_devtlb),
	KUNIT_CASE(desc_decode_iec),
	{}
};

static struct kunit_suite kvm_vtd_desc_suite = {
	.name = "kvm_vtd_desc",
	.test_cases = kvm_vtd_desc_cases,
};

kunit_test_suite(kvm_vtd_desc_suite);
