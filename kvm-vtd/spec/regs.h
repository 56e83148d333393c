/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: VT-d register offsets and fields, named as in the Intel VT-d
 * architecture specification (rev. 4.x/5.x, chapter 11 "Register
 * Descriptions").  Only what the module implements or validates is here.
 */
#ifndef _KVM_VTD_REGS_H
#define _KVM_VTD_REGS_H

#include <linux/bits.h>
#include <linux/bitfield.h>

/* Register offsets in the 4 KiB register page. */
#define VTD_VER_REG		0x000
#define VTD_CAP_REG		0x008
#define VTD_ECAP_REG		0x010
#define VTD_GCMD_REG		0x018
#define VTD_GSTS_REG		0x01c
#define VTD_RTADDR_REG		0x020
#define VTD_CCMD_REG		0x028
#define VTD_FSTS_REG		0x034
#define VTD_FECTL_REG		0x038
#define VTD_FEDATA_REG		0x03c
#define VTD_FEADDR_REG		0x040
#define VTD_FEUADDR_REG		0x044
#define VTD_AFLOG_REG		0x058
#define VTD_PMEN_REG		0x064
#define VTD_PLMBASE_REG		0x068
#define VTD_PLMLIMIT_REG	0x06c
#define VTD_PHMBASE_REG		0x070
#define VTD_PHMLIMIT_REG	0x078
#define VTD_IQH_REG		0x080
#define VTD_IQT_REG		0x088
#define VTD_IQA_REG		0x090
#define VTD_ICS_REG		0x09c
#define VTD_IECTL_REG		0x0a0
#define VTD_IEDATA_REG		0x0a4
#define VTD_IEADDR_REG		0x0a8
#define VTD_IEUADDR_REG		0x0ac
#define VTD_IQERCD_REG		0x0b0
#define VTD_IRTA_REG		0x0b8

/*
 * Where this implementation puts the IOTLB registers (ECAP.IRO) and the
 * fault recording registers (CAP.FRO): after the architectural block, as
 * real units do.  Both are in 16-byte units.
 */
#define VTD_IVA_REG		0x0f0
#define VTD_IOTLB_REG		(VTD_IVA_REG + 8)
#define VTD_FRCD_REG		0x220
#define VTD_FRCD_SIZE		16

/* Version register. */
#define VTD_VER_MIN		GENMASK(3, 0)
#define VTD_VER_MAX		GENMASK(7, 4)

/* Capability register. */
#define VTD_CAP_ND		GENMASK_ULL(2, 0)
#define VTD_CAP_AFL		BIT_ULL(3)
#define VTD_CAP_RWBF		BIT_ULL(4)
#define VTD_CAP_PLMR		BIT_ULL(5)
#define VTD_CAP_PHMR		BIT_ULL(6)
#define VTD_CAP_CM		BIT_ULL(7)
#define VTD_CAP_SAGAW		GENMASK_ULL(12, 8)
#define VTD_CAP_MGAW		GENMASK_ULL(21, 16)
#define VTD_CAP_ZLR		BIT_ULL(22)
#define VTD_CAP_FRO		GENMASK_ULL(33, 24)
#define VTD_CAP_SLLPS		GENMASK_ULL(37, 34)
#define VTD_CAP_PSI		BIT_ULL(39)
#define VTD_CAP_NFR		GENMASK_ULL(47, 40)
#define VTD_CAP_MAMV		GENMASK_ULL(53, 48)
#define VTD_CAP_DWD		BIT_ULL(54)
#define VTD_CAP_DRD		BIT_ULL(55)
#define VTD_CAP_FL1GP		BIT_ULL(56)
#define VTD_CAP_PI		BIT_ULL(59)
#define VTD_CAP_FL5LP		BIT_ULL(60)
#define VTD_CAP_ESIRTPS		BIT_ULL(62)
#define VTD_CAP_ESRTPS		BIT_ULL(63)

/* SLLPS bits: second-stage large page sizes. */
#define VTD_SLLPS_2M		BIT(0)
#define VTD_SLLPS_1G		BIT(1)

/* SAGAW bits: supported adjusted guest address widths. */
#define VTD_SAGAW_39		BIT(1)	/* 3-level */
#define VTD_SAGAW_48		BIT(2)	/* 4-level */
#define VTD_SAGAW_57		BIT(3)	/* 5-level */

/* Extended capability register. */
#define VTD_ECAP_C		BIT_ULL(0)
#define VTD_ECAP_QI		BIT_ULL(1)
#define VTD_ECAP_DT		BIT_ULL(2)
#define VTD_ECAP_IR		BIT_ULL(3)
#define VTD_ECAP_EIM		BIT_ULL(4)
#define VTD_ECAP_PT		BIT_ULL(6)
#define VTD_ECAP_SC		BIT_ULL(7)
#define VTD_ECAP_IRO		GENMASK_ULL(17, 8)
#define VTD_ECAP_MHMV		GENMASK_ULL(23, 20)
#define VTD_ECAP_NEST		BIT_ULL(26)
#define VTD_ECAP_PRS		BIT_ULL(29)
#define VTD_ECAP_ERS		BIT_ULL(30)
#define VTD_ECAP_SRS		BIT_ULL(31)
#define VTD_ECAP_EAFS		BIT_ULL(34)
#define VTD_ECAP_PSS		GENMASK_ULL(39, 35)
#define VTD_ECAP_PASID		BIT_ULL(40)
#define VTD_ECAP_SMTS		BIT_ULL(43)
#define VTD_ECAP_SLADS		BIT_ULL(45)
#define VTD_ECAP_SLTS		BIT_ULL(46)
#define VTD_ECAP_FLTS		BIT_ULL(47)
#define VTD_ECAP_PMS		BIT_ULL(51)
#define VTD_ECAP_ADMS		BIT_ULL(52)

/* Global command and status registers (same bit positions). */
#define VTD_GCMD_TE		BIT(31)
#define VTD_GCMD_SRTP		BIT(30)
#define VTD_GCMD_SFL		BIT(29)
#define VTD_GCMD_EAFL		BIT(28)
#define VTD_GCMD_WBF		BIT(27)
#define VTD_GCMD_QIE		BIT(26)
#define VTD_GCMD_IRE		BIT(25)
#define VTD_GCMD_SIRTP		BIT(24)
#define VTD_GCMD_CFI		BIT(23)
#define VTD_GSTS_TES		BIT(31)
#define VTD_GSTS_RTPS		BIT(30)
#define VTD_GSTS_FLS		BIT(29)
#define VTD_GSTS_AFLS		BIT(28)
#define VTD_GSTS_WBFS		BIT(27)
#define VTD_GSTS_QIES		BIT(26)
#define VTD_GSTS_IRES		BIT(25)
#define VTD_GSTS_IRTPS		BIT(24)
#define VTD_GSTS_CFIS		BIT(23)

/* Root table address register. */
#define VTD_RTADDR_RTA		GENMASK_ULL(63, 12)
#define VTD_RTADDR_TTM		GENMASK_ULL(11, 10)
#define VTD_RTADDR_TTM_LEGACY	0
#define VTD_RTADDR_TTM_SCALABLE	1

/* Context command register. */
#define VTD_CCMD_ICC		BIT_ULL(63)
#define VTD_CCMD_CIRG		GENMASK_ULL(62, 61)
#define VTD_CCMD_CAIG		GENMASK_ULL(60, 59)
#define VTD_CCMD_FM		GENMASK_ULL(33, 32)
#define VTD_CCMD_SID		GENMASK_ULL(31, 16)
#define VTD_CCMD_DID		GENMASK_ULL(15, 0)
/* CIRG/CAIG granularities. */
#define VTD_CC_GLOBAL		1
#define VTD_CC_DOMAIN		2
#define VTD_CC_DEVICE		3

/* Fault status register. */
#define VTD_FSTS_PFO		BIT(0)
#define VTD_FSTS_PPF		BIT(1)
#define VTD_FSTS_AFO		BIT(2)
#define VTD_FSTS_APF		BIT(3)
#define VTD_FSTS_IQE		BIT(4)
#define VTD_FSTS_ICE		BIT(5)
#define VTD_FSTS_ITE		BIT(6)
#define VTD_FSTS_FRI		GENMASK(15, 8)
/* The status fields whose being set is an interrupt condition (FECTL.IP). */
#define VTD_FSTS_EVENTS		(VTD_FSTS_PFO | VTD_FSTS_PPF | VTD_FSTS_AFO | \
				 VTD_FSTS_APF | VTD_FSTS_IQE | VTD_FSTS_ICE | \
				 VTD_FSTS_ITE)

/* Event control, data and address: the same in FECTL.. and IECTL.. */
#define VTD_ECTL_IM		BIT(31)
#define VTD_ECTL_IP		BIT(30)
#define VTD_EDATA_IMD		GENMASK(15, 0)
#define VTD_EADDR_MA		GENMASK(31, 2)

/* Invalidation queue registers. */
#define VTD_IQH_QH		GENMASK_ULL(18, 4)
#define VTD_IQT_QT		GENMASK_ULL(18, 4)
#define VTD_IQA_IQA		GENMASK_ULL(63, 12)
#define VTD_IQA_DW		BIT_ULL(11)
#define VTD_IQA_QS		GENMASK_ULL(2, 0)
#define VTD_ICS_IWC		BIT(0)
#define VTD_IQERCD_IQEI		GENMASK_ULL(3, 0)
/* IQEI codes. */
#define VTD_IQEI_TAIL		1	/* invalid tail pointer */
#define VTD_IQEI_FETCH		2	/* descriptor fetch failed */
#define VTD_IQEI_TYPE		3	/* invalid descriptor type */
#define VTD_IQEI_RSVD		4	/* reserved field set in a descriptor */
#define VTD_IQEI_WIDTH		5	/* descriptor width (IQA.DW) invalid here */

/* Interrupt remapping table address register (ECAP.IR). */
#define VTD_IRTA_IRTA		GENMASK_ULL(63, 12)
#define VTD_IRTA_EIME		BIT_ULL(11)	/* with ECAP.EIM: x2APIC mode */
#define VTD_IRTA_S		GENMASK_ULL(3, 0)	/* 2^(S + 1) entries */

/* Invalidation descriptors (128-bit, legacy mode): low quadword. */
#define VTD_DESC_TYPE		GENMASK_ULL(3, 0)
#define VTD_DESC_TYPE_HI	GENMASK_ULL(11, 9)
#define VTD_DESC_CC		1
#define VTD_DESC_IOTLB		2
#define VTD_DESC_DEVTLB		3
#define VTD_DESC_IEC		4
#define VTD_DESC_WAIT		5
#define VTD_DESC_PIOTLB		6
#define VTD_DESC_PC		7
#define VTD_DESC_PDEVTLB	8
#define VTD_DESC_G		GENMASK_ULL(5, 4)
#define VTD_CC_DESC_DID		GENMASK_ULL(31, 16)
#define VTD_CC_DESC_SID		GENMASK_ULL(47, 32)
#define VTD_CC_DESC_FM		GENMASK_ULL(49, 48)
#define VTD_IOTLB_DESC_DW	BIT_ULL(6)
#define VTD_IOTLB_DESC_DR	BIT_ULL(7)
#define VTD_IOTLB_DESC_DID	GENMASK_ULL(31, 16)
#define VTD_WAIT_DESC_IF	BIT_ULL(4)
#define VTD_WAIT_DESC_SW	BIT_ULL(5)
#define VTD_WAIT_DESC_FN	BIT_ULL(6)
#define VTD_WAIT_DESC_SDATA	GENMASK_ULL(63, 32)
/* High quadword. */
#define VTD_IOTLB_DESC_AM	GENMASK_ULL(5, 0)
#define VTD_IOTLB_DESC_IH	BIT_ULL(6)
#define VTD_IOTLB_DESC_ADDR	GENMASK_ULL(63, 12)
#define VTD_WAIT_DESC_SADDR	GENMASK_ULL(63, 2)
/* Device-TLB invalidate descriptor (ECAP.DT). */
#define VTD_DEVTLB_DESC_PFSID_LO GENMASK_ULL(15, 12)
#define VTD_DEVTLB_DESC_MIP	GENMASK_ULL(20, 16)
#define VTD_DEVTLB_DESC_SID	GENMASK_ULL(47, 32)
#define VTD_DEVTLB_DESC_PFSID_HI GENMASK_ULL(63, 52)
#define VTD_DEVTLB_DESC_S	BIT_ULL(0)
#define VTD_DEVTLB_DESC_ADDR	GENMASK_ULL(63, 12)
/* PASID-based device-TLB invalidate descriptor (ECAP.DT, scalable mode). */
#define VTD_PDEVTLB_DESC_MIP	GENMASK_ULL(8, 4)
#define VTD_PDEVTLB_DESC_SID	GENMASK_ULL(31, 16)
#define VTD_PDEVTLB_DESC_PASID	GENMASK_ULL(51, 32)
#define VTD_PDEVTLB_DESC_G	BIT_ULL(0)
#define VTD_PDEVTLB_DESC_S	BIT_ULL(11)
/* Interrupt entry cache invalidate descriptor (ECAP.IR). */
#define VTD_IEC_DESC_G		BIT_ULL(4)	/* index-selective */
#define VTD_IEC_DESC_IM		GENMASK_ULL(31, 27)
#define VTD_IEC_DESC_IIDX	GENMASK_ULL(47, 32)
#define VTD_IEC_GLOBAL		1	/* granularity, as traced */
#define VTD_IEC_INDEX		2
/* PASID-cache and PASID-based IOTLB descriptors (scalable mode). */
#define VTD_PASID_DESC_DID	GENMASK_ULL(31, 16)
#define VTD_PASID_DESC_PASID	GENMASK_ULL(51, 32)
#define VTD_PASID_DESC_RSVD	(GENMASK_ULL(8, 6) | GENMASK_ULL(15, 12) | \
				 GENMASK_ULL(63, 52))
#define VTD_PC_DOMAIN		0	/* all PASIDs of a domain */
#define VTD_PC_PASID		1	/* one PASID of a domain */
#define VTD_PC_GLOBAL		3
#define VTD_PIOTLB_PASID	2	/* all mappings of a PASID in a domain */
#define VTD_PIOTLB_PAGE		3	/* pages of a PASID in a domain */

/* Invalidate address register. */
#define VTD_IVA_ADDR		GENMASK_ULL(63, 12)
#define VTD_IVA_IH		BIT_ULL(6)
#define VTD_IVA_AM		GENMASK_ULL(5, 0)

/* IOTLB invalidate register. */
#define VTD_IOTLB_IVT		BIT_ULL(63)
#define VTD_IOTLB_IIRG		GENMASK_ULL(61, 60)
#define VTD_IOTLB_IAIG		GENMASK_ULL(58, 57)
#define VTD_IOTLB_DR		BIT_ULL(49)
#define VTD_IOTLB_DW		BIT_ULL(48)
#define VTD_IOTLB_DID		GENMASK_ULL(47, 32)
/* IIRG/IAIG granularities. */
#define VTD_IOTLB_GLOBAL	1
#define VTD_IOTLB_DOMAIN	2
#define VTD_IOTLB_PAGE		3

/* Fault recording register, low and high quadwords. */
#define VTD_FRCD_LO_FI		GENMASK_ULL(63, 12)
#define VTD_FRCD_HI_SID		GENMASK_ULL(15, 0)
#define VTD_FRCD_HI_T2		BIT_ULL(28)
#define VTD_FRCD_HI_PRIV	BIT_ULL(29)
#define VTD_FRCD_HI_EXE		BIT_ULL(30)
#define VTD_FRCD_HI_PP		BIT_ULL(31)
#define VTD_FRCD_HI_FR		GENMASK_ULL(39, 32)
#define VTD_FRCD_HI_PV		GENMASK_ULL(59, 40)
#define VTD_FRCD_HI_AT		GENMASK_ULL(61, 60)
#define VTD_FRCD_HI_T1		BIT_ULL(62)
#define VTD_FRCD_HI_F		BIT_ULL(63)

/*
 * Interrupt requests (chapter 5): a DWORD write to 0xFEEx_xxxx.  In the
 * remappable format (address bit 4 set) the address carries the handle and
 * the data the subhandle.
 */
/* The interrupt address range: writes there are interrupts, never DMA. */
#define VTD_INTR_ADDR_FIRST	0xfee00000ull
#define VTD_INTR_ADDR_LAST	0xfeefffffull
#define VTD_MSI_ADDR_BASE	GENMASK_ULL(31, 20)
#define VTD_MSI_ADDR_BASE_VAL	0xfee
#define VTD_MSI_ADDR_HANDLE_LO	GENMASK_ULL(19, 5)
#define VTD_MSI_ADDR_IF		BIT_ULL(4)	/* interrupt format: remappable */
#define VTD_MSI_ADDR_SHV	BIT_ULL(3)	/* subhandle valid */
#define VTD_MSI_ADDR_HANDLE_HI	BIT_ULL(2)
#define VTD_MSI_DATA_SUBHANDLE	GENMASK(15, 0)
/* Compatibility format (and what remapping produces). */
#define VTD_MSI_ADDR_DEST	GENMASK(19, 12)
#define VTD_MSI_ADDR_RH		BIT(3)
#define VTD_MSI_ADDR_DM		BIT(2)
#define VTD_MSI_DATA_VECTOR	GENMASK(7, 0)
#define VTD_MSI_DATA_DLM	GENMASK(10, 8)
#define VTD_MSI_DATA_LEVEL	BIT(14)
#define VTD_MSI_DATA_TM		BIT(15)

/* Interrupt remapping table entry (remapped format), low quadword. */
#define VTD_IRTE_P		BIT_ULL(0)
#define VTD_IRTE_FPD		BIT_ULL(1)
#define VTD_IRTE_DM		BIT_ULL(2)
#define VTD_IRTE_RH		BIT_ULL(3)
#define VTD_IRTE_TM		BIT_ULL(4)
#define VTD_IRTE_DLM		GENMASK_ULL(7, 5)
#define VTD_IRTE_AVAIL		GENMASK_ULL(11, 8)
#define VTD_IRTE_IM		BIT_ULL(15)	/* posted format (CAP.PI) */
#define VTD_IRTE_V		GENMASK_ULL(23, 16)
#define VTD_IRTE_DST		GENMASK_ULL(63, 32)	/* x2APIC mode */
#define VTD_IRTE_DST_XAPIC	GENMASK_ULL(47, 40)	/* xAPIC mode */
/* High quadword. */
#define VTD_IRTE_SID		GENMASK_ULL(15, 0)
#define VTD_IRTE_SQ		GENMASK_ULL(17, 16)
#define VTD_IRTE_SVT		GENMASK_ULL(19, 18)
#define VTD_SVT_NONE		0
#define VTD_SVT_SID		1	/* requester-id, bits per SQ */
#define VTD_SVT_BUS		2	/* bus number in [SID 15:8, SID 7:0] */

/* Interrupt remapping fault reasons (appendix A). */
#define VTD_FR_IR_REQ_RSVD	0x20	/* reserved field in the request */
#define VTD_FR_IR_INDEX		0x21	/* index beyond the table */
#define VTD_FR_IR_NOT_PRESENT	0x22	/* IRTE.P clear */
#define VTD_FR_IR_TABLE		0x23	/* reading the IRTE failed */
#define VTD_FR_IR_IRTE_RSVD	0x24	/* reserved field in a present IRTE */
#define VTD_FR_IR_COMPAT	0x25	/* compatibility format blocked */
#define VTD_FR_IR_SID		0x26	/* source-id verification failed */

#endif /* _KVM_VTD_REGS_H */
