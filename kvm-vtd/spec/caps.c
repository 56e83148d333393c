// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: which CAP/ECAP values a unit may be created with.
 *
 * A bit is selectable only once its behaviour is implemented; the default is
 * everything selectable that a legacy-mode guest driver can use today (see
 * vtd_ecap_default()).  Translation-format fields (SAGAW, MGAW) are
 * mandatory for any unit; features whose semantics live in later code
 * (nested translation, page requests, posted interrupts, protected memory
 * regions, advanced fault logging) are refused until that code lands.
 * Device-TLB support (ECAP.DT) is selectable but not in the default, as in
 * other VMMs: it tells the guest to enable ATS on devices that have it.
 * So is interrupt remapping (ECAP.IR, with EIM, MHMV and CAP.ESIRTPS): a
 * guest that enables it sends every interrupt in remappable format, which
 * only a VMM that translates them (KVM_DEV_VTD_TRANSLATE_MSI) can deliver.
 * So is snoop control (ECAP.SC): every DMA through this unit is coherent,
 * so a second-stage leaf's SNP bit (a field with SC, reserved without it
 * in legacy mode) asks for nothing the unit does not do anyway; some
 * nested hypervisors want SC before they assign devices.
 *
 * Combinations a Linux guest cannot use are refused rather than offered:
 * large-page sets with a hole (Linux assumes 2 MiB when it sees 1 GiB),
 * scalable mode without the queue (PASID-cache invalidations exist only
 * there) or without a translation table type (Linux then turns off DMA and
 * interrupt remapping), and first- plus second-stage support without a
 * common table depth (Linux ignores such a unit).
 */
#include <linux/errno.h>

#include "regfile.h"

/* Fields whose value the VMM may choose (within the checks below). */
#define VTD_CAP_SELECTABLE	(VTD_CAP_ND | VTD_CAP_RWBF | VTD_CAP_CM | \
				 VTD_CAP_SAGAW | VTD_CAP_MGAW | VTD_CAP_FRO | \
				 VTD_CAP_PSI | VTD_CAP_NFR | VTD_CAP_MAMV | \
				 VTD_CAP_DWD | VTD_CAP_DRD | VTD_CAP_ESRTPS | \
				 VTD_CAP_SLLPS | VTD_CAP_FL1GP | VTD_CAP_FL5LP | \
				 VTD_CAP_ESIRTPS)
#define VTD_ECAP_SELECTABLE	(VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_DT | VTD_ECAP_IRO | \
				 VTD_ECAP_PT | VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | \
				 VTD_ECAP_PASID | VTD_ECAP_PSS | VTD_ECAP_SRS | VTD_ECAP_IR | \
				 VTD_ECAP_EIM | VTD_ECAP_MHMV | VTD_ECAP_SC)

/* Register layout of this implementation: not selectable. */
#define VTD_CAP_FRO_VAL		(VTD_FRCD_REG / 16)
#define VTD_ECAP_IRO_VAL	(VTD_IVA_REG / 16)

#define VTD_ND_MAX		6	/* 16-bit domain-ids */
#define VTD_SAGAW_SUPPORTED	(VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57)
#define VTD_SAGAW_DEFAULT	(VTD_SAGAW_39 | VTD_SAGAW_48)
#define VTD_MGAW_MIN		32
#define VTD_MAMV_DEFAULT	18	/* 1 GiB of 4 KiB pages per PSI */

/**
 * vtd_cap_default() - the CAP value of a unit the VMM did not configure
 *
 * Return: every CAP feature this implementation supports.
 */
u64 vtd_cap_default(void)
{
	return FIELD_PREP(VTD_CAP_ND, VTD_ND_MAX) | VTD_CAP_CM |
	       FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_DEFAULT) |
	       FIELD_PREP(VTD_CAP_MGAW, 48 - 1) |
	       FIELD_PREP(VTD_CAP_FRO, VTD_CAP_FRO_VAL) | VTD_CAP_PSI |
	       FIELD_PREP(VTD_CAP_NFR, VTD_NFR_DEFAULT - 1) |
	       FIELD_PREP(VTD_CAP_MAMV, VTD_MAMV_DEFAULT) |
	       VTD_CAP_DWD | VTD_CAP_DRD | VTD_CAP_ESRTPS |
	       FIELD_PREP(VTD_CAP_SLLPS, VTD_SLLPS_2M | VTD_SLLPS_1G);
}

/**
 * vtd_ecap_default() - the ECAP value of a unit the VMM did not configure
 *
 * Scalable mode (SMTS, SLTS, FLTS, PASID, PSS, SRS) is implemented but not
 * in the default, as other VMMs default to a legacy-mode unit.  A VMM opts
 * in through KVM_DEV_VTD_GRP_REGS; so it does for 5-level tables (SAGAW
 * bit 3), which few guests expect, for device-TLBs and for interrupt
 * remapping.
 *
 * Return: every legacy-mode ECAP feature this implementation supports.
 */
u64 vtd_ecap_default(void)
{
	return VTD_ECAP_C | VTD_ECAP_QI | VTD_ECAP_PT |
	       FIELD_PREP(VTD_ECAP_IRO, VTD_ECAP_IRO_VAL);
}

/* Width in bits of the widest address the SAGAW bits allow, or 0. */
static unsigned int vtd_sagaw_max_width(unsigned int sagaw)
{
	if (sagaw & VTD_SAGAW_57)
		return 57;
	if (sagaw & VTD_SAGAW_48)
		return 48;
	if (sagaw & VTD_SAGAW_39)
		return 39;
	return 0;
}

/**
 * vtd_caps_validate() - may a unit be created with these CAP and ECAP?
 * @cap: the CAP value the VMM asks for
 * @ecap: the ECAP value the VMM asks for
 *
 * Return: 0, or -EINVAL when a field is unsupported, a field value is out of
 * range, the register layout fields (FRO, IRO) differ from this
 * implementation's, or fields contradict each other.
 */
int vtd_caps_validate(u64 cap, u64 ecap)
{
	unsigned int sagaw = FIELD_GET(VTD_CAP_SAGAW, cap);
	unsigned int mgaw = FIELD_GET(VTD_CAP_MGAW, cap) + 1;
	unsigned int sllps;

	if ((cap & ~VTD_CAP_SELECTABLE) || (ecap & ~VTD_ECAP_SELECTABLE))
		return -EINVAL;
	if (FIELD_GET(VTD_CAP_FRO, cap) != VTD_CAP_FRO_VAL ||
	    FIELD_GET(VTD_ECAP_IRO, ecap) != VTD_ECAP_IRO_VAL)
		return -EINVAL;
	if (FIELD_GET(VTD_CAP_ND, cap) > VTD_ND_MAX)
		return -EINVAL;
	/* At least one page-table depth; MGAW within what it can map. */
	if (!sagaw || (sagaw & ~VTD_SAGAW_SUPPORTED))
		return -EINVAL;
	if (mgaw < VTD_MGAW_MIN || mgaw > vtd_sagaw_max_width(sagaw))
		return -EINVAL;
	if (FIELD_GET(VTD_CAP_NFR, cap) + 1 > VTD_NFR_MAX)
		return -EINVAL;
	/*
	 * 2 MiB and 1 GiB second-stage pages; 512 GiB and 1 TiB are not.  The
	 * sizes must be 2^n - 1: Linux (domain_update_iommu_superpage()) takes
	 * 1 GiB support to mean 2 MiB support too.
	 */
	sllps = FIELD_GET(VTD_CAP_SLLPS, cap);
	if (sllps != 0 && sllps != VTD_SLLPS_2M && sllps != (VTD_SLLPS_2M | VTD_SLLPS_1G))
		return -EINVAL;
	/*
	 * Scalable mode translates through first or second stage (Linux
	 * disables the unit's DMA and interrupt remapping with neither), and
	 * needs the queue for its PASID-cache and PASID-IOTLB descriptors.
	 */
	if ((ecap & VTD_ECAP_SMTS) &&
	    (!(ecap & (VTD_ECAP_SLTS | VTD_ECAP_FLTS)) || !(ecap & VTD_ECAP_QI)))
		return -EINVAL;
	/*
	 * With both stages Linux uses a table depth both support: 4-level
	 * first stage (or 5-level with FL5LP) must be in SAGAW.
	 */
	if ((ecap & VTD_ECAP_SMTS) && (ecap & VTD_ECAP_FLTS) && (ecap & VTD_ECAP_SLTS) &&
	    !(sagaw & (VTD_SAGAW_48 | ((cap & VTD_CAP_FL5LP) ? VTD_SAGAW_57 : 0))))
		return -EINVAL;
	/* PGTT types, PASIDs and supervisor requests exist in scalable mode. */
	if (!(ecap & VTD_ECAP_SMTS) &&
	    (ecap & (VTD_ECAP_SLTS | VTD_ECAP_FLTS | VTD_ECAP_PASID)))
		return -EINVAL;
	if (!(ecap & VTD_ECAP_PASID) && (ecap & (VTD_ECAP_PSS | VTD_ECAP_SRS)))
		return -EINVAL;
	if (!(ecap & VTD_ECAP_FLTS) && (cap & (VTD_CAP_FL1GP | VTD_CAP_FL5LP)))
		return -EINVAL;
	/* Device-TLBs are invalidated only through the queue. */
	if ((ecap & VTD_ECAP_DT) && !(ecap & VTD_ECAP_QI))
		return -EINVAL;
	/*
	 * Interrupt remapping needs the queue (its cache is invalidated only
	 * there); x2APIC mode, the handle mask and SIRTP's cache invalidation
	 * are parts of it.
	 */
	if ((ecap & VTD_ECAP_IR) && !(ecap & VTD_ECAP_QI))
		return -EINVAL;
	if (!(ecap & VTD_ECAP_IR) &&
	    ((ecap & (VTD_ECAP_EIM | VTD_ECAP_MHMV)) || (cap & VTD_CAP_ESIRTPS)))
		return -EINVAL;
	/*
	 * MAMV is defined only with page-selective invalidation; a mask
	 * beyond 2^45 pages would name more than the widest address space.
	 */
	if (!(cap & VTD_CAP_PSI) && FIELD_GET(VTD_CAP_MAMV, cap))
		return -EINVAL;
	if (FIELD_GET(VTD_CAP_MAMV, cap) > VTD_MAMV_MAX)
		return -EINVAL;
	return 0;
}
