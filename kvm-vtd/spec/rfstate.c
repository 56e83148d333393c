// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the VMM's view of the register file: which registers this unit
 * has, and reading and restoring them (and the internal latches) without
 * the side effects of a guest access (KVM_DEV_VTD_GRP_REGS, _GRP_STATE).
 */
#include <linux/align.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "regfile.h"

#define VTD_FRCD_HI_VALID	(VTD_FRCD_HI_SID | VTD_FRCD_HI_T2 | VTD_FRCD_HI_PRIV | \
				 VTD_FRCD_HI_EXE | VTD_FRCD_HI_PP | VTD_FRCD_HI_FR | \
				 VTD_FRCD_HI_PV | VTD_FRCD_HI_AT | VTD_FRCD_HI_T1 | \
				 VTD_FRCD_HI_F)

/* Registers that exist in every unit, and those that need an ECAP feature. */
static const struct {
	u16 off;
	u8 size;
	u64 ecap;
} vtd_regs[] = {
	{ VTD_VER_REG, 4 }, { VTD_CAP_REG, 8 }, { VTD_ECAP_REG, 8 },
	{ VTD_GCMD_REG, 4 }, { VTD_GSTS_REG, 4 }, { VTD_RTADDR_REG, 8 },
	{ VTD_CCMD_REG, 8 }, { VTD_FSTS_REG, 4 }, { VTD_FECTL_REG, 4 },
	{ VTD_FEDATA_REG, 4 }, { VTD_FEADDR_REG, 4 }, { VTD_FEUADDR_REG, 4 },
	{ VTD_IQH_REG, 8, VTD_ECAP_QI }, { VTD_IQT_REG, 8, VTD_ECAP_QI },
	{ VTD_IQA_REG, 8, VTD_ECAP_QI }, { VTD_ICS_REG, 4, VTD_ECAP_QI },
	{ VTD_IECTL_REG, 4, VTD_ECAP_QI }, { VTD_IEDATA_REG, 4, VTD_ECAP_QI },
	{ VTD_IEADDR_REG, 4, VTD_ECAP_QI }, { VTD_IEUADDR_REG, 4, VTD_ECAP_QI },
	{ VTD_IQERCD_REG, 8, VTD_ECAP_QI }, { VTD_IRTA_REG, 8, VTD_ECAP_IR },
};

/**
 * vtd_rf_reg_size() - is there an architectural register at @off?
 * @rf: the register file (its CAP/ECAP decide which registers exist)
 * @off: offset in the register page; each fault recording register counts
 *	as two 8-byte registers
 *
 * Return: the register's size (4 or 8), or 0.
 */
int vtd_rf_reg_size(const struct vtd_regfile *rf, u32 off)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtd_regs); i++)
		if (vtd_regs[i].off == off &&
		    (rf->val[VTD_ECAP_REG / 8] & vtd_regs[i].ecap) == vtd_regs[i].ecap)
			return vtd_regs[i].size;
	if (off == rf->iva_off || off == rf->iva_off + 8)
		return 8;
	if (off >= rf->frcd_off && off < rf->frcd_off + rf->nfr * VTD_FRCD_SIZE &&
	    IS_ALIGNED(off, 8))
		return 8;
	return 0;
}

/* The bits a register of this unit can ever hold (for restore checks). */
static u64 vtd_rf_valid_bits(const struct vtd_regfile *rf, u32 off)
{
	u64 stored = rf->wmask[off / 8] | rf->w1cmask[off / 8];

	if (vtd_rf_reg_size(rf, off) == 4)
		stored = vtd_rf_get32(rf->wmask, off) | vtd_rf_get32(rf->w1cmask, off);

	switch (off) {
	case VTD_GSTS_REG:
		return VTD_GSTS_TES | VTD_GSTS_RTPS | (vtd_rf_has_qi(rf) ? VTD_GSTS_QIES : 0) |
		       (vtd_rf_has_ir(rf) ? VTD_GSTS_IRES | VTD_GSTS_IRTPS | VTD_GSTS_CFIS : 0);
	case VTD_CCMD_REG:
		/* An invalidation completes within the write that starts it. */
		return (stored & ~VTD_CCMD_ICC) | VTD_CCMD_CAIG;
	case VTD_FSTS_REG:
		return stored | VTD_FSTS_PPF | VTD_FSTS_FRI;
	case VTD_FECTL_REG:
	case VTD_IECTL_REG:
		return stored | VTD_ECTL_IP;
	case VTD_IQH_REG:
		return VTD_IQH_QH;
	case VTD_IQERCD_REG:
		return VTD_IQERCD_IQEI;
	}
	if (off == rf->iva_off)
		return VTD_IVA_ADDR | VTD_IVA_IH | VTD_IVA_AM;
	if (off == rf->iva_off + 8)
		return (stored & ~VTD_IOTLB_IVT) | VTD_IOTLB_IAIG;
	/*
	 * FI: whatever a fault can record there, i.e. any page address (a
	 * request's address is not bounded by HAW: one beyond the address
	 * width, or a canonical-high first-stage one, is recorded as it came)
	 * or an interrupt index in bits 63:48.
	 */
	if (off >= rf->frcd_off && off < rf->frcd_off + rf->nfr * VTD_FRCD_SIZE)
		return (off - rf->frcd_off) % VTD_FRCD_SIZE ? VTD_FRCD_HI_VALID : VTD_FRCD_LO_FI;
	return stored;
}

/**
 * vtd_rf_get() - read a register or internal latch for the VMM
 * @rf: the register file
 * @attr: a register offset, or one of the KVM_VTD_REG_* internal registers
 * @val: out: the value (32-bit registers zero-extended)
 *
 * Unlike a guest read this returns write-only state (IVA).
 *
 * Return: 0, or -ENXIO when @attr names nothing in this unit.
 */
int vtd_rf_get(const struct vtd_regfile *rf, u64 attr, u64 *val)
{
	switch (attr) {
	case KVM_VTD_REG_LATCHED_RTADDR:
		*val = rf->rta;
		return 0;
	case KVM_VTD_REG_LATCHED_IQA:
		if (!vtd_rf_has_qi(rf))
			return -ENXIO;
		*val = rf->iqa;
		return 0;
	case KVM_VTD_REG_FAULT_NEXT:
		*val = rf->next_frcd;
		return 0;
	case KVM_VTD_REG_LATCHED_IRTA:
		if (!vtd_rf_has_ir(rf))
			return -ENXIO;
		*val = rf->irta;
		return 0;
	}
	if (attr >= KVM_VTD_REG_PAGE_SIZE)
		return -ENXIO;
	switch (vtd_rf_reg_size(rf, attr)) {
	case 4:
		*val = vtd_rf_get32(rf->val, attr);
		return 0;
	case 8:
		*val = attr == rf->iva_off ? rf->iva : rf->val[attr / 8];
		return 0;
	}
	return -ENXIO;
}

/**
 * vtd_rf_set() - restore a register or internal latch, without side effects
 * @rf: the register file
 * @attr: a register offset, or one of the KVM_VTD_REG_* internal registers
 * @val: the value saved by vtd_rf_get()
 *
 * VER, CAP and ECAP must match the unit's; GCMD is write-only and only 0
 * restores.  Bits a register cannot hold are refused.
 *
 * Return: 0, -ENXIO when @attr names nothing, -EINVAL for a bad value.
 */
int vtd_rf_set(struct vtd_regfile *rf, u64 attr, u64 val)
{
	int size;

	switch (attr) {
	case KVM_VTD_REG_LATCHED_RTADDR:
		if (val & ~rf->wmask[VTD_RTADDR_REG / 8])
			return -EINVAL;
		rf->rta = val;
		return 0;
	case KVM_VTD_REG_LATCHED_IQA:
		if (!vtd_rf_has_qi(rf))
			return -ENXIO;
		if (val & ~rf->wmask[VTD_IQA_REG / 8])
			return -EINVAL;
		rf->iqa = val;
		return 0;
	case KVM_VTD_REG_FAULT_NEXT:
		if (val >= rf->nfr)
			return -EINVAL;
		rf->next_frcd = val;
		return 0;
	case KVM_VTD_REG_LATCHED_IRTA:
		if (!vtd_rf_has_ir(rf))
			return -ENXIO;
		if (val & ~rf->wmask[VTD_IRTA_REG / 8])
			return -EINVAL;
		rf->irta = val;
		return 0;
	}
	if (attr >= KVM_VTD_REG_PAGE_SIZE)
		return -ENXIO;
	size = vtd_rf_reg_size(rf, attr);
	if (!size)
		return -ENXIO;

	switch (attr) {
	case VTD_VER_REG:
	case VTD_CAP_REG:
	case VTD_ECAP_REG:
		return val == vtd_rf_read(rf, attr, size) ? 0 : -EINVAL;
	case VTD_GCMD_REG:
		return val ? -EINVAL : 0;
	}
	if (val & ~vtd_rf_valid_bits(rf, attr))
		return -EINVAL;
	if (attr == VTD_FSTS_REG && FIELD_GET(VTD_FSTS_FRI, val) >= rf->nfr)
		return -EINVAL;

	if (attr == rf->iva_off)
		rf->iva = val;
	else if (size == 4)
		vtd_rf_set32(rf->val, attr, val);
	else
		rf->val[attr / 8] = val;
	return 0;
}
