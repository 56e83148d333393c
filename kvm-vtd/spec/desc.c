// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: decoding of invalidation queue descriptors.  Pure function of
 * guest-controlled data and the unit's capabilities; KUnit covers it.
 *
 * Only the descriptor types the unit advertises are valid: context-cache,
 * IOTLB and invalidation wait always, PASID-based IOTLB and PASID-cache
 * with ECAP.SMTS, device-TLB with ECAP.DT, PASID-based device-TLB with
 * both, and interrupt entry cache with ECAP.IR.  Page group response needs
 * PRS, which this unit does not implement, so it is an invalid type.  The
 * content of every valid type is 128 bits; in a 256-bit queue the caller
 * checks that the upper half is zero.  Which width a queue must have is
 * vtd_desc_check_width()'s question.
 *
 * No address mask is used in a shift before it is bounded: MAMV is at most
 * 45 (caps.c), so 11 + AM stays below 64 wherever an AM is accepted.
 */
#include <linux/bitops.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "inval.h"
#include "regfile.h"

#define VTD_CC_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_DESC_G | VTD_CC_DESC_DID | \
				 VTD_CC_DESC_SID | VTD_CC_DESC_FM)
#define VTD_IOTLB_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_DESC_G | VTD_IOTLB_DESC_DW | \
				 VTD_IOTLB_DESC_DR | VTD_IOTLB_DESC_DID)
#define VTD_IOTLB_DESC_HI_VALID	(VTD_IOTLB_DESC_AM | VTD_IOTLB_DESC_IH | \
				 VTD_IOTLB_DESC_ADDR)
#define VTD_DEVTLB_DESC_LO_VALID (VTD_DESC_TYPE | VTD_DEVTLB_DESC_PFSID_LO | \
				  VTD_DEVTLB_DESC_MIP | VTD_DEVTLB_DESC_SID | \
				  VTD_DEVTLB_DESC_PFSID_HI)
#define VTD_DEVTLB_DESC_HI_VALID (VTD_DEVTLB_DESC_S | VTD_DEVTLB_DESC_ADDR)
#define VTD_PDEVTLB_DESC_HI_VALID (VTD_PDEVTLB_DESC_G | VTD_PDEVTLB_DESC_S | \
				   VTD_DEVTLB_DESC_ADDR)
#define VTD_IEC_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_IEC_DESC_G | VTD_IEC_DESC_IM | \
				 VTD_IEC_DESC_IIDX)
#define VTD_WAIT_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_WAIT_DESC_IF | VTD_WAIT_DESC_SW | \
				 VTD_WAIT_DESC_FN | VTD_WAIT_DESC_SDATA)

/*
 * The range of a device-TLB invalidation, in the PCIe ATS encoding: without
 * S one page; with S the lowest clear address bit from bit 12 up gives the
 * size, 2^(n + 1) pages for n set bits below it.
 */
static void vtd_devtlb_range(u64 addr, bool s, struct vtd_inv_req *inv)
{
	u64 pfn_ones = (addr & VTD_DEVTLB_DESC_ADDR) >> 12;
	unsigned int n;

	inv->addr = addr & VTD_DEVTLB_DESC_ADDR;
	if (!s)
		return;
	n = pfn_ones == GENMASK_ULL(51, 0) ? 52 : __ffs64(~pfn_ones);
	inv->am = min_t(unsigned int, n + 1, VTD_DEVTLB_AM_ALL);
	inv->addr = inv->am == VTD_DEVTLB_AM_ALL ? 0 : vtd_inv_base(inv->addr, inv->am);
}

/* The PFSID field of both device-TLB descriptors: bits 15:12 and 63:52. */
static u16 vtd_devtlb_pfsid(u64 lo)
{
	return FIELD_GET(VTD_DEVTLB_DESC_PFSID_LO, lo) |
	       FIELD_GET(VTD_DEVTLB_DESC_PFSID_HI, lo) << 4;
}

/**
 * vtd_desc_decode() - validate and decode one descriptor's low 128 bits
 * @cap: the unit's CAP (PSI, MAMV)
 * @ecap: the unit's ECAP (SMTS, DT, IR, MHMV)
 * @lo: bits 63:0 of the descriptor
 * @hi: bits 127:64
 * @d: out: the decoded descriptor, when valid
 *
 * Return: 0, or the IQERCD.IQEI code of the error: %VTD_IQEI_TYPE for a type
 * the unit does not support, %VTD_IQEI_RSVD for a reserved field that is
 * set or holds a reserved value.
 */
int vtd_desc_decode(u64 cap, u64 ecap, u64 lo, u64 hi, struct vtd_desc *d)
{
	memset(d, 0, sizeof(*d));
	if (lo & VTD_DESC_TYPE_HI)
		return VTD_IQEI_TYPE;
	d->type = FIELD_GET(VTD_DESC_TYPE, lo);

	switch (d->type) {
	case VTD_DESC_CC:
		if ((lo & ~VTD_CC_DESC_LO_VALID) || hi)
			return VTD_IQEI_RSVD;
		d->inv.req = FIELD_GET(VTD_DESC_G, lo);
		d->inv.did = FIELD_GET(VTD_CC_DESC_DID, lo);
		d->inv.sid = FIELD_GET(VTD_CC_DESC_SID, lo);
		d->inv.fm = FIELD_GET(VTD_CC_DESC_FM, lo);
		d->inv.actual = d->inv.req;
		break;
	case VTD_DESC_IOTLB:
		if ((lo & ~VTD_IOTLB_DESC_LO_VALID) || (hi & ~VTD_IOTLB_DESC_HI_VALID))
			return VTD_IQEI_RSVD;
		d->inv.req = FIELD_GET(VTD_DESC_G, lo);
		d->inv.did = FIELD_GET(VTD_IOTLB_DESC_DID, lo);
		d->inv.actual = d->inv.req;
		if (d->inv.req == VTD_IOTLB_PAGE) {
			d->inv.ih = hi & VTD_IOTLB_DESC_IH;
			/* Without PSI the unit does a domain-selective one. */
			if (!(cap & VTD_CAP_PSI)) {
				d->inv.actual = VTD_IOTLB_DOMAIN;
				break;
			}
			d->inv.am = FIELD_GET(VTD_IOTLB_DESC_AM, hi);
			if (d->inv.am > FIELD_GET(VTD_CAP_MAMV, cap))
				return VTD_IQEI_RSVD;
			d->inv.addr = vtd_inv_base(hi & VTD_IOTLB_DESC_ADDR, d->inv.am);
		} else if (hi) {
			return VTD_IQEI_RSVD;
		}
		break;
	case VTD_DESC_DEVTLB:
		if (!(ecap & VTD_ECAP_DT))
			return VTD_IQEI_TYPE;
		if ((lo & ~VTD_DEVTLB_DESC_LO_VALID) || (hi & ~VTD_DEVTLB_DESC_HI_VALID))
			return VTD_IQEI_RSVD;
		d->inv.sid = FIELD_GET(VTD_DEVTLB_DESC_SID, lo);
		d->inv.pfsid = vtd_devtlb_pfsid(lo);
		vtd_devtlb_range(hi, hi & VTD_DEVTLB_DESC_S, &d->inv);
		return 0;
	case VTD_DESC_PDEVTLB:
		if (!(ecap & VTD_ECAP_DT) || !(ecap & VTD_ECAP_SMTS))
			return VTD_IQEI_TYPE;
		/* Every bit of the low quadword is a field. */
		if (hi & ~VTD_PDEVTLB_DESC_HI_VALID)
			return VTD_IQEI_RSVD;
		d->inv.sid = FIELD_GET(VTD_PDEVTLB_DESC_SID, lo);
		d->inv.pasid = FIELD_GET(VTD_PDEVTLB_DESC_PASID, lo);
		d->inv.pfsid = vtd_devtlb_pfsid(lo);
		d->inv.g = hi & VTD_PDEVTLB_DESC_G;
		vtd_devtlb_range(hi, hi & VTD_PDEVTLB_DESC_S, &d->inv);
		/* No granularity field; traced as 1 for every PASID. */
		d->inv.req = d->inv.g;
		d->inv.actual = d->inv.g;
		return 0;
	case VTD_DESC_IEC:
		if (!(ecap & VTD_ECAP_IR))
			return VTD_IQEI_TYPE;
		if ((lo & ~VTD_IEC_DESC_LO_VALID) || hi)
			return VTD_IQEI_RSVD;
		d->inv.req = lo & VTD_IEC_DESC_G ? VTD_IEC_INDEX : VTD_IEC_GLOBAL;
		d->inv.actual = d->inv.req;
		if (d->inv.req == VTD_IEC_INDEX) {
			d->inv.iidx = FIELD_GET(VTD_IEC_DESC_IIDX, lo);
			d->inv.am = FIELD_GET(VTD_IEC_DESC_IM, lo);
			/* A handle mask beyond MHMV, as one beyond MAMV. */
			if (d->inv.am > FIELD_GET(VTD_ECAP_MHMV, ecap))
				return VTD_IQEI_RSVD;
		}
		return 0;
	case VTD_DESC_WAIT:
		if ((lo & ~VTD_WAIT_DESC_LO_VALID) || (hi & ~VTD_WAIT_DESC_SADDR))
			return VTD_IQEI_RSVD;
		d->wait_if = lo & VTD_WAIT_DESC_IF;
		d->wait_sw = lo & VTD_WAIT_DESC_SW;
		d->wait_data = FIELD_GET(VTD_WAIT_DESC_SDATA, lo);
		d->wait_addr = hi & VTD_WAIT_DESC_SADDR;
		return 0;
	case VTD_DESC_PC:
		if (!(ecap & VTD_ECAP_SMTS))
			return VTD_IQEI_TYPE;
		if ((lo & VTD_PASID_DESC_RSVD) || hi)
			return VTD_IQEI_RSVD;
		d->inv.req = FIELD_GET(VTD_DESC_G, lo);
		d->inv.did = FIELD_GET(VTD_PASID_DESC_DID, lo);
		d->inv.pasid = FIELD_GET(VTD_PASID_DESC_PASID, lo);
		d->inv.actual = d->inv.req;
		return d->inv.req == 2 ? VTD_IQEI_RSVD : 0;
	case VTD_DESC_PIOTLB:
		if (!(ecap & VTD_ECAP_SMTS))
			return VTD_IQEI_TYPE;
		if ((lo & VTD_PASID_DESC_RSVD) || (hi & ~VTD_IOTLB_DESC_HI_VALID))
			return VTD_IQEI_RSVD;
		d->inv.req = FIELD_GET(VTD_DESC_G, lo);
		d->inv.did = FIELD_GET(VTD_PASID_DESC_DID, lo);
		d->inv.pasid = FIELD_GET(VTD_PASID_DESC_PASID, lo);
		d->inv.actual = d->inv.req;
		if (d->inv.req == VTD_PIOTLB_PAGE) {
			d->inv.am = FIELD_GET(VTD_IOTLB_DESC_AM, hi);
			d->inv.ih = hi & VTD_IOTLB_DESC_IH;
			/*
			 * MAMV bounds the IOTLB descriptor and IVA only: Linux
			 * (qi_desc_piotlb()) sends any mask up to 52 for
			 * first-stage domains and never falls back.  A mask of
			 * 2^52 pages or more names every address: the PASID.
			 */
			if (d->inv.am >= VTD_PIOTLB_AM_ALL) {
				d->inv.actual = VTD_PIOTLB_PASID;
				d->inv.am = 0;
			} else {
				d->inv.addr = vtd_inv_base(hi & VTD_IOTLB_DESC_ADDR, d->inv.am);
			}
		}
		/* Granularities 0 and 1 are reserved. */
		return d->inv.req < VTD_PIOTLB_PASID ? VTD_IQEI_RSVD : 0;
	default:
		return VTD_IQEI_TYPE;
	}
	/* Granularity 0 is reserved for both invalidation types. */
	return d->inv.req ? 0 : VTD_IQEI_RSVD;
}

/**
 * vtd_desc_check_width() - may the queue's width carry this descriptor?
 * @ecap: the unit's ECAP: without SMTS there is one width, and the
 *	PASID-granular types are invalid types for vtd_desc_decode()
 * @rta: the latched RTADDR: its TTM is the translation mode in effect
 * @iqa: the latched IQA: its DW is the queue's descriptor width
 * @lo: bits 63:0 of the descriptor
 *
 * In scalable mode (TTM 01b) software must use a 256-bit queue, and the
 * PASID-granular descriptors (PASID-based IOTLB, PASID-cache, PASID-based
 * device-TLB) exist only as 256-bit descriptors.  Either violation is the
 * "invalid descriptor width" queue error, reported at the descriptor.
 *
 * Return: 0, or %VTD_IQEI_WIDTH.
 */
int vtd_desc_check_width(u64 ecap, u64 rta, u64 iqa, u64 lo)
{
	unsigned int type = FIELD_GET(VTD_DESC_TYPE, lo);

	if (!(ecap & VTD_ECAP_SMTS) || (iqa & VTD_IQA_DW))
		return 0;
	if (FIELD_GET(VTD_RTADDR_TTM, rta) == VTD_RTADDR_TTM_SCALABLE)
		return VTD_IQEI_WIDTH;
	if (!(lo & VTD_DESC_TYPE_HI) &&
	    (type == VTD_DESC_PIOTLB || type == VTD_DESC_PC || type == VTD_DESC_PDEVTLB))
		return VTD_IQEI_WIDTH;
	return 0;
}
