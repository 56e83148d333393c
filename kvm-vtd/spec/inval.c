// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the scope of context-cache, PASID-cache and IOTLB invalidations,
 * written once (inval.h).
 */
#include "inval.h"
#include "regs.h"

/**
 * vtd_inv_names_context() - does a context-cache invalidation name an entry?
 * @inv: the invalidation as performed (@inv->actual: VTD_CC_GLOBAL,
 *	VTD_CC_DOMAIN or VTD_CC_DEVICE)
 * @k: the cached entry
 *
 * Domain- and device-selective invalidations select legacy entries by the
 * domain-id they carry; scalable-mode context entries carry none, so there
 * a domain-selective invalidation names them all and a device-selective one
 * selects by source-id only.  The function mask FM 1, 2, 3 ignores bit 2,
 * bits 2:1, bits 2:0 of the function number (its most significant bits, as
 * the spec and Linux's DMA_CCMD_MASK_* have it).  Scalable-mode entries
 * include the PASID entries cached with them, which were reached through
 * the context entry.
 *
 * Return: true when the entry must be dropped.
 */
bool vtd_inv_names_context(const struct vtd_inv_req *inv, const struct vtd_inv_key *k)
{
	u16 mask = ~((0x7 << (3 - inv->fm)) & 0x7);
	bool did_ok = k->scalable || k->did == inv->did;

	switch (inv->actual) {
	case VTD_CC_GLOBAL:
		return true;
	case VTD_CC_DOMAIN:
		return did_ok;
	case VTD_CC_DEVICE:
		return did_ok && (k->sid & mask) == (inv->sid & mask);
	}
	return false;
}

/**
 * vtd_inv_names_pasid() - does a PASID-cache invalidation name an entry?
 * @inv: the invalidation (@inv->actual: VTD_PC_GLOBAL, VTD_PC_DOMAIN or
 *	VTD_PC_PASID)
 * @k: the cached entry
 *
 * Only scalable-mode entries have a PASID entry; legacy ones stay.
 *
 * Return: true when the entry must be dropped.
 */
bool vtd_inv_names_pasid(const struct vtd_inv_req *inv, const struct vtd_inv_key *k)
{
	if (!k->scalable)
		return false;
	switch (inv->actual) {
	case VTD_PC_GLOBAL:
		return true;
	case VTD_PC_DOMAIN:
		return k->did == inv->did;
	case VTD_PC_PASID:
		return k->did == inv->did && k->pasid == inv->pasid;
	}
	return false;
}

/**
 * vtd_inv_names_domain() - is a domain within an IOTLB invalidation's scope?
 * @inv: the invalidation (VTD_IOTLB_GLOBAL, VTD_IOTLB_DOMAIN or
 *	VTD_IOTLB_PAGE, as performed)
 * @did: the domain-id
 *
 * A page-selective invalidation names its range of the domain only: the
 * caller compares the range (vtd_inv_last()).
 *
 * Return: true when mappings of @did may be named.
 */
bool vtd_inv_names_domain(const struct vtd_inv_req *inv, u16 did)
{
	switch (inv->actual) {
	case VTD_IOTLB_GLOBAL:
		return true;
	case VTD_IOTLB_DOMAIN:
	case VTD_IOTLB_PAGE:
		return inv->did == did;
	}
	return false;
}
