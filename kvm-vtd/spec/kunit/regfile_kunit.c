// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the register file (regfile.c) driven as a guest would, without KVM:
 * reset values, read-only and reserved bits, dword halves, the GCMD state
 * machine, register-based invalidation, the fault recording registers and
 * their events, and random hostile sequences against its invariants.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>

#include "fixture.h"
#include "../regfile.c"

static void reset_values(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	u32 off;

	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_VER_REG, 4), 0x10);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_CAP_REG, 8), vtd_cap_default());
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_ECAP_REG, 8), vtd_ecap_default());
	/* A scalable-mode unit is architecture version 3.0. */
	KUNIT_EXPECT_EQ(test, kt_rd(kt_rf(test, vtd_cap_default(), vtd_ecap_default() |
					VTD_ECAP_SMTS | VTD_ECAP_SLTS), VTD_VER_REG, 4), 0x30);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IECTL_REG, 4), VTD_ECTL_IM);
	/* Everything else, including the space without registers, reads 0. */
	for (off = VTD_GCMD_REG; off < KVM_VTD_REG_PAGE_SIZE; off += 4) {
		if (off == VTD_FECTL_REG || off == VTD_IECTL_REG)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, kt_rd(rf, off, 4), 0, "off 0x%x", off);
	}
	/* The layout fields point where the registers are. */
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CAP_FRO, vtd_cap_default()) * 16, VTD_FRCD_REG);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_ECAP_IRO, vtd_ecap_default()) * 16, VTD_IVA_REG);
	KUNIT_EXPECT_GE(test, FIELD_GET(VTD_CAP_NFR, vtd_cap_default()) + 1, 8);
}

static void read_only_and_reserved(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	struct vtd_events ev;

	kt_wr(rf, VTD_VER_REG, 4, ~0u, &ev);
	kt_wr(rf, VTD_CAP_REG, 8, 0, &ev);
	kt_wr(rf, VTD_ECAP_REG + 4, 4, ~0u, &ev);
	kt_wr(rf, VTD_GSTS_REG, 4, ~0u, &ev);
	kt_wr(rf, VTD_IQH_REG, 8, 0x1230, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_VER_REG, 4), 0x10);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_CAP_REG, 8), vtd_cap_default());
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_ECAP_REG, 8), vtd_ecap_default());
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), 0);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IQH_REG, 8), 0);

	/* RW fields keep what is written, reserved bits stay 0. */
	kt_wr(rf, VTD_FEADDR_REG, 4, 0xfee00003, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FEADDR_REG, 4), 0xfee00000);
	kt_wr(rf, VTD_FEDATA_REG, 4, 0xffff0041, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FEDATA_REG, 4), 0x41);
	kt_wr(rf, VTD_RTADDR_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_RTADDR_REG, 8), GENMASK_ULL(51, 12));
	/* TTM exists only with scalable mode. */
	rf = kt_rf(test, vtd_cap_default(), vtd_ecap_default() | VTD_ECAP_SMTS);
	kt_wr(rf, VTD_RTADDR_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_RTADDR_REG, 8), GENMASK_ULL(51, 10));
	rf = kt_default_rf(test);
	/* IP is read-only: writing it does not make an interrupt pending. */
	kt_wr(rf, VTD_FECTL_REG, 4, VTD_ECTL_IM | VTD_ECTL_IP, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM);
	/* Write-only registers read 0. */
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SRTP, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GCMD_REG, 4), 0);
	kt_wr(rf, VTD_IVA_REG, 8, 0x5000 | 3, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IVA_REG, 8), 0);
	KUNIT_EXPECT_EQ(test, rf->iva, 0x5003);
}

static void dword_halves(struct kunit *test)
{
	struct vtd_regfile *a = kt_default_rf(test), *b = kt_default_rf(test);
	struct vtd_events ev;

	kt_wr(a, VTD_RTADDR_REG, 8, 0x0000000123456000ull, &ev);
	kt_wr(b, VTD_RTADDR_REG + 4, 4, 0x1, &ev);
	kt_wr(b, VTD_RTADDR_REG, 4, 0x23456000, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(a, VTD_RTADDR_REG, 8), kt_rd(b, VTD_RTADDR_REG, 8));
	KUNIT_EXPECT_EQ(test, kt_rd(a, VTD_RTADDR_REG + 4, 4), 1);
	KUNIT_EXPECT_EQ(test, kt_rd(a, VTD_RTADDR_REG, 4), 0x23456000);

	/* An 8-byte write over two 32-bit registers writes both. */
	kt_wr(a, VTD_FEDATA_REG - 4, 8, 0x0000004100000000ull, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(a, VTD_FEDATA_REG, 4), 0x41);
	KUNIT_EXPECT_EQ(test, kt_rd(a, VTD_FECTL_REG, 4), 0);
}

static void gcmd_state_machine(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	struct vtd_events ev;

	kt_wr(rf, VTD_RTADDR_REG, 8, 0x7000, &ev);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SRTP, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_EQ(test, rf->rta, 0x7000);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_DMAR_SWITCH);
	KUNIT_EXPECT_EQ(test, ev.switch_reason, VTD_SWITCH_SRTP);
	/* The latched pointer does not follow RTADDR until the next SRTP. */
	kt_wr(rf, VTD_RTADDR_REG, 8, 0x9000, &ev);
	KUNIT_EXPECT_EQ(test, rf->rta, 0x7000);

	/* Drivers write GSTS | command: TE on, and a repeat changes nothing. */
	kt_wr(rf, VTD_GCMD_REG, 4, kt_rd(rf, VTD_GSTS_REG, 4) | VTD_GCMD_TE, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS | VTD_GSTS_TES);
	KUNIT_EXPECT_EQ(test, ev.switch_reason, VTD_SWITCH_TE_ON);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_TE, &ev);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_DMAR_SWITCH);
	kt_wr(rf, VTD_GCMD_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_EQ(test, ev.switch_reason, VTD_SWITCH_TE_OFF);

	/* WBF without RWBF, SFL without AFL, IRE without IR: ignored. */
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_WBF | VTD_GCMD_SFL | VTD_GCMD_IRE, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_WBF);

	/* QIE latches IQA; disabling resets the head. */
	kt_wr(rf, VTD_IQA_REG, 8, 0x10000 | 2, &ev);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_QIE, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS | VTD_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, rf->iqa, 0x10002);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_QI_KICK);
	kt_wr(rf, VTD_IQT_REG, 8, 0x20, &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_QI_KICK);
	rf->val[VTD_IQH_REG / 8] = 0x20;	/* as if processed */
	kt_wr(rf, VTD_GCMD_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IQH_REG, 8), 0);

	/* With RWBF the flush is requested and completes at once. */
	rf = kt_rf(test, vtd_cap_default() | VTD_CAP_RWBF, vtd_ecap_default());
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_WBF, &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_WBF);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), 0);

	/* Without QI, QIE is ignored and the queue registers do not exist. */
	rf = kt_rf(test, vtd_cap_default(), vtd_ecap_default() & ~VTD_ECAP_QI);
	kt_wr(rf, VTD_IQA_REG, 8, 0x10000, &ev);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_QIE, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), 0);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IQA_REG, 8), 0);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IECTL_REG, 4), 0);
}

static void context_command(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	struct vtd_events ev;
	u64 v;
	int g;

	for (g = 1; g <= 3; g++) {
		kt_wr(rf, VTD_CCMD_REG, 8, VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, g) |
		   FIELD_PREP(VTD_CCMD_SID, 0x10) | FIELD_PREP(VTD_CCMD_DID, 7), &ev);
		v = kt_rd(rf, VTD_CCMD_REG, 8);
		KUNIT_EXPECT_FALSE(test, v & VTD_CCMD_ICC);
		KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CCMD_CAIG, v), g);
		KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_INV_CONTEXT);
		KUNIT_EXPECT_EQ(test, ev.inv.did, 7);
		KUNIT_EXPECT_EQ(test, ev.inv.sid, 0x10);
	}
	/* ICC set by a dword write to the upper half, as 32-bit drivers do. */
	kt_wr(rf, VTD_CCMD_REG + 4, 4, (VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, 1)) >> 32, &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CCMD_CAIG, kt_rd(rf, VTD_CCMD_REG, 8)), 1);
	KUNIT_EXPECT_FALSE(test, kt_rd(rf, VTD_CCMD_REG, 8) & VTD_CCMD_ICC);
	/* Granularity 0 is reserved: not performed, CAIG 0. */
	kt_wr(rf, VTD_CCMD_REG, 8, VTD_CCMD_ICC, &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CCMD_CAIG, kt_rd(rf, VTD_CCMD_REG, 8)), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_INV_CONTEXT);
	/* Under queued invalidation the register does nothing. */
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_QIE, &ev);
	kt_wr(rf, VTD_CCMD_REG, 8, VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, 1), &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_CCMD_REG, 8) & (VTD_CCMD_ICC | VTD_CCMD_CAIG), 0);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_INV_IGNORED);
}

static void iotlb_command(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	u32 mamv = FIELD_GET(VTD_CAP_MAMV, vtd_cap_default());
	struct vtd_events ev;
	u64 v;

	kt_wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 1), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, kt_rd(rf, VTD_IOTLB_REG, 8)), 1);
	kt_wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 2) |
	   FIELD_PREP(VTD_IOTLB_DID, 42), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, kt_rd(rf, VTD_IOTLB_REG, 8)), 2);
	KUNIT_EXPECT_EQ(test, ev.inv.did, 42);

	/* Page-selective: address aligned down to the mask, AM <= MAMV. */
	kt_wr(rf, VTD_IVA_REG, 8, 0x12345000 | VTD_IVA_IH | 4, &ev);
	kt_wr(rf, VTD_IOTLB_REG + 4, 4, (VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3) |
				      VTD_IOTLB_DR | VTD_IOTLB_DW) >> 32, &ev);
	v = kt_rd(rf, VTD_IOTLB_REG, 8);
	KUNIT_EXPECT_FALSE(test, v & VTD_IOTLB_IVT);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, v), 3);
	KUNIT_EXPECT_EQ(test, ev.inv.addr, 0x12340000);
	KUNIT_EXPECT_EQ(test, ev.inv.am, 4);
	KUNIT_EXPECT_TRUE(test, ev.inv.ih);

	kt_wr(rf, VTD_IVA_REG, 8, 0x12345000 | (mamv + 1), &ev);
	kt_wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, kt_rd(rf, VTD_IOTLB_REG, 8)), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_INV_IOTLB);
	/* AM 63 is refused before it is used as a shift (UBSAN would say). */
	kt_wr(rf, VTD_IVA_REG, 8, 0x12345000 | 63, &ev);
	kt_wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, kt_rd(rf, VTD_IOTLB_REG, 8)), 0);
	/* A page above 2^52 (MGAW 57) keeps its address bits. */
	kt_wr(rf, VTD_IVA_REG, 8, BIT_ULL(55) | 0x7000, &ev);
	kt_wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_INV_IOTLB);
	KUNIT_EXPECT_EQ(test, ev.inv.addr, BIT_ULL(55) | 0x7000);

	/* Without PSI a page request is served domain-selectively. */
	rf = kt_rf(test, vtd_cap_default() & ~(VTD_CAP_PSI | VTD_CAP_MAMV),
		   vtd_ecap_default());
	kt_wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, kt_rd(rf, VTD_IOTLB_REG, 8)), 2);
}

static void fault_ring(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	struct vtd_events ev;
	u32 i, irqs = 0, fsts;
	u64 hi;

	kt_wr(rf, VTD_FEDATA_REG, 4, 0x41, &ev);
	kt_wr(rf, VTD_FEADDR_REG, 4, 0xfee00000, &ev);
	kt_wr(rf, VTD_FECTL_REG, 4, 0, &ev);

	for (i = 0; i < rf->nfr; i++) {
		KUNIT_EXPECT_EQ(test, kt_fault(rf, 0x100 + i, &ev), i);
		irqs += !!(ev.flags & VTD_EV_FAULT_IRQ);
	}
	/* One interrupt: the first fault; the others find PPF already set. */
	KUNIT_EXPECT_EQ(test, irqs, 1);
	fsts = kt_rd(rf, VTD_FSTS_REG, 4);
	KUNIT_EXPECT_EQ(test, fsts, VTD_FSTS_PPF | FIELD_PREP(VTD_FSTS_FRI, 0));
	hi = kt_rd(rf, KT_FRCD_HI(1), 8);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_FRCD_HI_SID, hi), 0x101);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_FRCD_HI_FR, hi), 5);
	KUNIT_EXPECT_TRUE(test, hi & VTD_FRCD_HI_T1);
	KUNIT_EXPECT_TRUE(test, hi & VTD_FRCD_HI_F);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, KT_FRCD_HI(1) - 8, 8), 0xabcdef000);

	/* The ring is full: overflow sets PFO, later faults are dropped. */
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 0x200, &ev), VTD_FAULT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);
	KUNIT_EXPECT_TRUE(test, kt_rd(rf, VTD_FSTS_REG, 4) & VTD_FSTS_PFO);
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 0x201, &ev), VTD_FAULT_DROPPED_PFO);

	/* RW1C: writing 0 clears nothing, writing 1 clears. */
	kt_wr(rf, VTD_FSTS_REG, 4, 0, &ev);
	kt_wr(rf, KT_FRCD_HI(0) + 4, 4, 0, &ev);
	KUNIT_EXPECT_TRUE(test, kt_rd(rf, VTD_FSTS_REG, 4) & VTD_FSTS_PFO);
	KUNIT_EXPECT_TRUE(test, kt_rd(rf, KT_FRCD_HI(0), 8) & VTD_FRCD_HI_F);
	for (i = 0; i < rf->nfr; i++)
		kt_wr(rf, KT_FRCD_HI(i) + 4, 4, VTD_FRCD_HI_F >> 32, &ev);
	/* The record itself stays readable after F is cleared. */
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_FRCD_HI_SID, kt_rd(rf, KT_FRCD_HI(1), 8)), 0x101);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FSTS_REG, 4) & ~VTD_FSTS_FRI, VTD_FSTS_PFO);
	kt_wr(rf, VTD_FSTS_REG, 4, VTD_FSTS_PFO, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FSTS_REG, 4) & ~VTD_FSTS_FRI, 0);

	/* Serviced: the next fault wraps to record 0 and interrupts again. */
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 0x300, &ev), 0);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.addr, 0xfee00000);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.data, 0x41);
}

static void fault_event_mask(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	struct vtd_events ev;

	kt_wr(rf, VTD_FEDATA_REG, 4, 0x42, &ev);
	kt_wr(rf, VTD_FEADDR_REG, 4, 0xfee01000, &ev);
	kt_wr(rf, VTD_FEUADDR_REG, 4, 0x1, &ev);
	/* Masked at reset: the fault is held pending in IP. */
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 1, &ev), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM | VTD_ECTL_IP);
	/* A second fault while pending is no new interrupt condition. */
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 2, &ev), 1);
	/* Unmask: delivered once, IP clears. */
	kt_wr(rf, VTD_FECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.addr, 0x1fee01000ull);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.data, 0x42);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FECTL_REG, 4), 0);
	kt_wr(rf, VTD_FECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);

	/* Pending, then the status is serviced: IP clears, unmask sends nothing. */
	kt_wr(rf, VTD_FECTL_REG, 4, VTD_ECTL_IM, &ev);
	kt_wr(rf, KT_FRCD_HI(0), 8, VTD_FRCD_HI_F, &ev);
	kt_wr(rf, KT_FRCD_HI(1), 8, VTD_FRCD_HI_F, &ev);
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 3, &ev), 2);
	KUNIT_EXPECT_TRUE(test, kt_rd(rf, VTD_FECTL_REG, 4) & VTD_ECTL_IP);
	kt_wr(rf, KT_FRCD_HI(2), 8, VTD_FRCD_HI_F, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FSTS_REG, 4) & VTD_FSTS_PPF, 0);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM);
	kt_wr(rf, VTD_FECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);

	/* A queue error is an interrupt condition too, unless PPF is set. */
	vtd_rf_queue_error(rf, VTD_IQEI_TYPE, &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IQERCD_REG, 8), VTD_IQEI_TYPE);
	memset(&ev, 0, sizeof(ev));
	KUNIT_EXPECT_EQ(test, kt_fault(rf, 4, &ev), 3);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_FAULT_IRQ);
}

static void inv_event(struct kunit *test)
{
	struct vtd_regfile *rf = kt_default_rf(test);
	struct vtd_events ev = {};

	kt_wr(rf, VTD_IEDATA_REG, 4, 0x51, &ev);
	kt_wr(rf, VTD_IEADDR_REG, 4, 0xfee00000, &ev);
	memset(&ev, 0, sizeof(ev));
	vtd_rf_inv_event(rf, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);	/* masked at reset */
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_ICS_REG, 4), VTD_ICS_IWC);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IECTL_REG, 4), VTD_ECTL_IM | VTD_ECTL_IP);
	kt_wr(rf, VTD_IECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_INV_IRQ);
	KUNIT_EXPECT_EQ(test, ev.inv_msi.data, 0x51);
	/* IWC still set: a second wait is no new condition. */
	memset(&ev, 0, sizeof(ev));
	vtd_rf_inv_event(rf, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);
	kt_wr(rf, VTD_ICS_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_ICS_REG, 4), VTD_ICS_IWC);
	kt_wr(rf, VTD_ICS_REG, 4, VTD_ICS_IWC, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_ICS_REG, 4), 0);
	memset(&ev, 0, sizeof(ev));
	vtd_rf_inv_event(rf, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_INV_IRQ);
}

static void gcmd_interrupt_remapping(struct kunit *test)
{
	u64 ecap = vtd_ecap_default() | VTD_ECAP_IR | VTD_ECAP_EIM;
	struct vtd_regfile *rf = kt_rf(test, vtd_cap_default(), ecap);
	struct vtd_events ev;
	u64 v;

	/* IRTA: address, EIME (with EIM) and S; 10:4 reserved. */
	kt_wr(rf, VTD_IRTA_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IRTA_REG, 8), GENMASK_ULL(51, 11) | 0xf);
	KUNIT_EXPECT_EQ(test, rf->irta, 0);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SIRTP, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_IRTPS);
	KUNIT_EXPECT_EQ(test, rf->irta, GENMASK_ULL(51, 11) | 0xf);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_IR_TABLE);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_DMAR_SWITCH);
	/* IRE and CFI are persistent enables; a repeat changes nothing. */
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_IRE, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_IRTPS | VTD_GSTS_IRES);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_IR_STATE);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_IRE, &ev);
	KUNIT_EXPECT_FALSE(test, ev.flags & (VTD_EV_IR_STATE | VTD_EV_IR_TABLE));
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_IRE | VTD_GCMD_CFI, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4),
			VTD_GSTS_IRTPS | VTD_GSTS_IRES | VTD_GSTS_CFIS);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_IR_STATE);
	kt_wr(rf, VTD_GCMD_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_IRTPS);
	/* Save/restore: the latch, and GSTS's IR bits. */
	KUNIT_EXPECT_EQ(test, vtd_rf_get(rf, KVM_VTD_REG_LATCHED_IRTA, &v), 0);
	KUNIT_EXPECT_EQ(test, v, GENMASK_ULL(51, 11) | 0xf);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, KVM_VTD_REG_LATCHED_IRTA, 0x5000 | BIT(4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_GSTS_REG, VTD_GSTS_IRES | VTD_GSTS_CFIS), 0);
	KUNIT_EXPECT_EQ(test, vtd_rf_reg_size(rf, VTD_IRTA_REG), 8);
	/* A fault record of an interrupt request: FI is the index, 63:48. */
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_FRCD_REG, 0xabcdull << 48), 0);

	/* Without EIM, EIME is reserved; without IR nothing of this exists. */
	rf = kt_rf(test, vtd_cap_default(), ecap & ~VTD_ECAP_EIM);
	kt_wr(rf, VTD_IRTA_REG, 8, VTD_IRTA_EIME | 0x1000, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IRTA_REG, 8), 0x1000);
	rf = kt_default_rf(test);
	kt_wr(rf, VTD_IRTA_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_IRTA_REG, 8), 0);
	kt_wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SIRTP | VTD_GCMD_IRE | VTD_GCMD_CFI, &ev);
	KUNIT_EXPECT_EQ(test, kt_rd(rf, VTD_GSTS_REG, 4), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & (VTD_EV_IR_STATE | VTD_EV_IR_TABLE));
	KUNIT_EXPECT_EQ(test, vtd_rf_reg_size(rf, VTD_IRTA_REG), 0);
	KUNIT_EXPECT_EQ(test, vtd_rf_get(rf, KVM_VTD_REG_LATCHED_IRTA, &v), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_GSTS_REG, VTD_GSTS_IRES), -EINVAL);
	/* FI bits 63:48 are also an address's: restorable without IR too. */
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_FRCD_REG, 0xabcdull << 48), 0);
}

/*
 * A hostile guest: random accesses anywhere in the page (biased to the
 * registers with side effects), interleaved with faults, queue errors and
 * wait interrupts.  After every step the state must be one the
 * architecture allows, and one a VMM can save and restore.
 */
static void check_invariants(struct kunit *test, struct vtd_regfile *rf,
			     struct vtd_regfile *copy, int step, bool restore)
{
	u32 fsts = kt_rd(rf, VTD_FSTS_REG, 4);
	bool any_f = false;
	u64 attr, val;
	u32 i;

	for (i = 0; i < rf->nfr; i++)
		any_f |= !!(kt_rd(rf, KT_FRCD_HI(i), 8) & VTD_FRCD_HI_F);
	KUNIT_ASSERT_EQ_MSG(test, !!(fsts & VTD_FSTS_PPF), any_f, "step %d", step);
	if (kt_rd(rf, VTD_FECTL_REG, 4) & VTD_ECTL_IP)
		KUNIT_ASSERT_NE_MSG(test, fsts & VTD_FSTS_EVENTS, 0, "step %d", step);
	if (kt_rd(rf, VTD_IECTL_REG, 4) & VTD_ECTL_IP)
		KUNIT_ASSERT_TRUE_MSG(test, kt_rd(rf, VTD_ICS_REG, 4) & VTD_ICS_IWC,
				      "step %d", step);
	KUNIT_ASSERT_LT_MSG(test, rf->next_frcd, rf->nfr, "step %d", step);
	KUNIT_ASSERT_EQ_MSG(test, kt_rd(rf, VTD_GCMD_REG, 4), 0, "step %d", step);
	KUNIT_ASSERT_FALSE_MSG(test, kt_rd(rf, VTD_CCMD_REG, 8) & VTD_CCMD_ICC, "step %d", step);
	KUNIT_ASSERT_FALSE_MSG(test, kt_rd(rf, VTD_IOTLB_REG, 8) & VTD_IOTLB_IVT, "step %d", step);

	if (!restore)
		return;
	/* Every register, and the latches, restore into a fresh unit. */
	for (attr = 0; attr < KVM_VTD_REG_PAGE_SIZE; attr += 4) {
		if (vtd_rf_get(rf, attr, &val))
			continue;
		KUNIT_ASSERT_EQ_MSG(test, vtd_rf_set(copy, attr, val), 0,
				    "step %d attr 0x%llx val 0x%llx", step, attr, val);
	}
	for (attr = KVM_VTD_REG_LATCHED_RTADDR; attr <= KVM_VTD_REG_FAULT_NEXT; attr += 8) {
		KUNIT_ASSERT_EQ(test, vtd_rf_get(rf, attr, &val), 0);
		KUNIT_ASSERT_EQ_MSG(test, vtd_rf_set(copy, attr, val), 0, "step %d", step);
	}
	KUNIT_ASSERT_EQ_MSG(test, memcmp(rf->val, copy->val, sizeof(rf->val)), 0, "step %d", step);
}

static void hostile_sequences(struct kunit *test)
{
	static const u32 hot[] = {
		VTD_GCMD_REG, VTD_RTADDR_REG, VTD_CCMD_REG, VTD_CCMD_REG + 4, VTD_FSTS_REG,
		VTD_FECTL_REG, VTD_IQT_REG, VTD_IQA_REG, VTD_ICS_REG, VTD_IECTL_REG,
		VTD_IVA_REG, VTD_IOTLB_REG, VTD_IOTLB_REG + 4, KT_FRCD_HI(0), KT_FRCD_HI(0) + 4,
		KT_FRCD_HI(3) + 4, KT_FRCD_HI(7) + 4,
	};
	struct vtd_regfile *rf = kt_default_rf(test), *copy = kt_default_rf(test);
	struct rnd_state rnd;
	struct vtd_events ev;
	int step;

	prandom_seed_state(&rnd, 0x7d0ull);
	for (step = 0; step < 8000; step++) {
		u32 r = prandom_u32_state(&rnd);
		u64 data = (u64)prandom_u32_state(&rnd) << 32 | prandom_u32_state(&rnd);
		int len = (r & 1) ? 8 : 4;
		u32 off;

		/* Sparse data sets few bits, like real commands do. */
		if (r & 2)
			data &= (u64)prandom_u32_state(&rnd) << 32 | prandom_u32_state(&rnd);
		if ((r >> 2) % 4 == 0)
			off = prandom_u32_state(&rnd) % KVM_VTD_REG_PAGE_SIZE;
		else
			off = hot[(r >> 4) % ARRAY_SIZE(hot)];
		off &= ~(u32)(len - 1);

		switch ((r >> 12) % 16) {
		case 0: {
			struct vtd_fault f = { .sid = r >> 16, .reason = r >> 24 };

			memset(&ev, 0, sizeof(ev));
			vtd_rf_record_fault(rf, &f, &ev);
			break;
		}
		case 1:
			memset(&ev, 0, sizeof(ev));
			vtd_rf_inv_event(rf, &ev);
			break;
		case 2:
			memset(&ev, 0, sizeof(ev));
			vtd_rf_queue_error(rf, VTD_IQEI_RSVD, &ev);
			break;
		default:
			kt_wr(rf, off, len, data, &ev);
		}
		if (ev.flags & VTD_EV_FAULT_IRQ)
			KUNIT_ASSERT_FALSE(test, kt_rd(rf, VTD_FECTL_REG, 4) & VTD_ECTL_IM);
		if (ev.flags & VTD_EV_INV_IRQ)
			KUNIT_ASSERT_FALSE(test, kt_rd(rf, VTD_IECTL_REG, 4) & VTD_ECTL_IM);
		check_invariants(test, rf, copy, step, step % 8 == 0);
	}
}

static struct kunit_case kvm_vtd_regfile_cases[] = {
	KUNIT_CASE(reset_values),
	KUNIT_CASE(read_only_and_reserved),
	KUNIT_CASE(dword_halves),
	KUNIT_CASE(gcmd_state_machine),
	KUNIT_CASE(context_command),
	KUNIT_CASE(iotlb_command),
	KUNIT_CASE(fault_ring),
	KUNIT_CASE(fault_event_mask),
	KUNIT_CASE(inv_event),
	KUNIT_CASE(gcmd_interrupt_remapping),
	KUNIT_CASE(hostile_sequences),
	{}
};

static struct kunit_suite kvm_vtd_regfile_suite = {
	.name = "kvm_vtd_regfile",
	.test_cases = kvm_vtd_regfile_cases,
};

kunit_test_suite(kvm_vtd_regfile_suite);
