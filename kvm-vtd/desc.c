// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: decoding of invalidation queue descriptors.  Pure function of
 * guest-controlled data and the unit's capabilities; KUnit covers it.
 *
 * Only the descriptor types the unit advertises are valid: context-cache,
 * IOTLB and invalidation wait always, PASID-based IOTLB and PASID-cache
 * with ECAP.SMTS.  Device-TLB, PASID-based device-TLB, interrupt entry
 * cache and page group response need DT, IR and PRS, which are not
 * advertised, so they are invalid types here.  The content of every valid
 * type is 128 bits; in a 256-bit queue the caller checks that the upper
 * half is zero.
 */
#include <linux/string.h>

#include "regfile.h"

#define VTD_CC_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_DESC_G | VTD_CC_DESC_DID | \
				 VTD_CC_DESC_SID | VTD_CC_DESC_FM)
#define VTD_IOTLB_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_DESC_G | VTD_IOTLB_DESC_DW | \
				 VTD_IOTLB_DESC_DR | VTD_IOTLB_DESC_DID)
#define VTD_IOTLB_DESC_HI_VALID	(VTD_IOTLB_DESC_AM | VTD_IOTLB_DESC_IH | \
				 VTD_IOTLB_DESC_ADDR)
#define VTD_WAIT_DESC_LO_VALID	(VTD_DESC_TYPE | VTD_WAIT_DESC_IF | VTD_WAIT_DESC_SW | \
				 VTD_WAIT_DESC_FN | VTD_WAIT_DESC_SDATA)

/**
 * vtd_desc_decode() - validate and decode one descriptor's low 128 bits
 * @cap: the unit's CAP (PSI, MAMV)
 * @ecap: the unit's ECAP (SMTS)
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
			d->inv.am = FIELD_GET(VTD_IOTLB_DESC_AM, hi);
			d->inv.ih = hi & VTD_IOTLB_DESC_IH;
			if (!(cap & VTD_CAP_PSI))
				d->inv.actual = VTD_IOTLB_DOMAIN;
			else if (d->inv.am > FIELD_GET(VTD_CAP_MAMV, cap))
				return VTD_IQEI_RSVD;
			d->inv.addr = hi & VTD_IOTLB_DESC_ADDR &
				      ~GENMASK_ULL(11 + d->inv.am, 0);
		} else if (hi) {
			return VTD_IQEI_RSVD;
		}
		break;
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
			if (d->inv.am > FIELD_GET(VTD_CAP_MAMV, cap))
				return VTD_IQEI_RSVD;
			d->inv.addr = hi & VTD_IOTLB_DESC_ADDR &
				      ~GENMASK_ULL(11 + d->inv.am, 0);
		}
		/* Granularities 0 and 1 are reserved. */
		return d->inv.req < VTD_PIOTLB_PASID ? VTD_IQEI_RSVD : 0;
	default:
		return VTD_IQEI_TYPE;
	}
	/* Granularity 0 is reserved for both invalidation types. */
	return d->inv.req ? 0 : VTD_IQEI_RSVD;
}
