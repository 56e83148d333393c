// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the register file (regfile.c), capability checks (caps.c), the
 * invalidation descriptor decoder (desc.c) and interrupt remapping
 * (intremap.c), driven as a guest and a VMM would, without KVM.  The
 * sources are compiled into this test module so it does not depend on
 * kvm-vtd.ko being loaded.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>

#include "../regfile.c"
#include "../rfstate.c"
#include "../caps.c"
#include "../desc.c"
#include "../intremap.c"

#define FRCD_HI(i)	(VTD_FRCD_REG + (i) * VTD_FRCD_SIZE + 8)

static struct vtd_regfile *new_rf(struct kunit *test, u64 cap, u64 ecap)
{
	struct vtd_regfile *rf = kunit_kzalloc(test, sizeof(*rf), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rf);
	vtd_rf_reset(rf, cap, ecap);
	return rf;
}

static struct vtd_regfile *default_rf(struct kunit *test)
{
	return new_rf(test, vtd_cap_default(), vtd_ecap_default());
}

static void wr(struct vtd_regfile *rf, u32 off, int len, u64 v, struct vtd_events *ev)
{
	vtd_rf_write(rf, off, len, v, ev);
}

static u64 rd(struct vtd_regfile *rf, u32 off, int len)
{
	return vtd_rf_read(rf, off, len);
}

static void reset_values(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	u32 off;

	KUNIT_EXPECT_EQ(test, rd(rf, VTD_VER_REG, 4), 0x10);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_CAP_REG, 8), vtd_cap_default());
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_ECAP_REG, 8), vtd_ecap_default());
	/* A scalable-mode unit is architecture version 3.0. */
	KUNIT_EXPECT_EQ(test, rd(new_rf(test, vtd_cap_default(), vtd_ecap_default() |
					VTD_ECAP_SMTS | VTD_ECAP_SLTS), VTD_VER_REG, 4), 0x30);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IECTL_REG, 4), VTD_ECTL_IM);
	/* Everything else, including the space without registers, reads 0. */
	for (off = VTD_GCMD_REG; off < KVM_VTD_REG_PAGE_SIZE; off += 4) {
		if (off == VTD_FECTL_REG || off == VTD_IECTL_REG)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, rd(rf, off, 4), 0, "off 0x%x", off);
	}
	/* The layout fields point where the registers are. */
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CAP_FRO, vtd_cap_default()) * 16, VTD_FRCD_REG);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_ECAP_IRO, vtd_ecap_default()) * 16, VTD_IVA_REG);
	KUNIT_EXPECT_GE(test, FIELD_GET(VTD_CAP_NFR, vtd_cap_default()) + 1, 8);
}

static void read_only_and_reserved(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	struct vtd_events ev;

	wr(rf, VTD_VER_REG, 4, ~0u, &ev);
	wr(rf, VTD_CAP_REG, 8, 0, &ev);
	wr(rf, VTD_ECAP_REG + 4, 4, ~0u, &ev);
	wr(rf, VTD_GSTS_REG, 4, ~0u, &ev);
	wr(rf, VTD_IQH_REG, 8, 0x1230, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_VER_REG, 4), 0x10);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_CAP_REG, 8), vtd_cap_default());
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_ECAP_REG, 8), vtd_ecap_default());
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), 0);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IQH_REG, 8), 0);

	/* RW fields keep what is written, reserved bits stay 0. */
	wr(rf, VTD_FEADDR_REG, 4, 0xfee00003, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FEADDR_REG, 4), 0xfee00000);
	wr(rf, VTD_FEDATA_REG, 4, 0xffff0041, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FEDATA_REG, 4), 0x41);
	wr(rf, VTD_RTADDR_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_RTADDR_REG, 8), GENMASK_ULL(51, 12));
	/* TTM exists only with scalable mode. */
	rf = new_rf(test, vtd_cap_default(), vtd_ecap_default() | VTD_ECAP_SMTS);
	wr(rf, VTD_RTADDR_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_RTADDR_REG, 8), GENMASK_ULL(51, 10));
	rf = default_rf(test);
	/* IP is read-only: writing it does not make an interrupt pending. */
	wr(rf, VTD_FECTL_REG, 4, VTD_ECTL_IM | VTD_ECTL_IP, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM);
	/* Write-only registers read 0. */
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SRTP, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GCMD_REG, 4), 0);
	wr(rf, VTD_IVA_REG, 8, 0x5000 | 3, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IVA_REG, 8), 0);
	KUNIT_EXPECT_EQ(test, rf->iva, 0x5003);
}

static void dword_halves(struct kunit *test)
{
	struct vtd_regfile *a = default_rf(test), *b = default_rf(test);
	struct vtd_events ev;

	wr(a, VTD_RTADDR_REG, 8, 0x0000000123456000ull, &ev);
	wr(b, VTD_RTADDR_REG + 4, 4, 0x1, &ev);
	wr(b, VTD_RTADDR_REG, 4, 0x23456000, &ev);
	KUNIT_EXPECT_EQ(test, rd(a, VTD_RTADDR_REG, 8), rd(b, VTD_RTADDR_REG, 8));
	KUNIT_EXPECT_EQ(test, rd(a, VTD_RTADDR_REG + 4, 4), 1);
	KUNIT_EXPECT_EQ(test, rd(a, VTD_RTADDR_REG, 4), 0x23456000);

	/* An 8-byte write over two 32-bit registers writes both. */
	wr(a, VTD_FEDATA_REG - 4, 8, 0x0000004100000000ull, &ev);
	KUNIT_EXPECT_EQ(test, rd(a, VTD_FEDATA_REG, 4), 0x41);
	KUNIT_EXPECT_EQ(test, rd(a, VTD_FECTL_REG, 4), 0);
}

static void gcmd_state_machine(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	struct vtd_events ev;

	wr(rf, VTD_RTADDR_REG, 8, 0x7000, &ev);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SRTP, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_EQ(test, rf->rta, 0x7000);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_DMAR_SWITCH);
	KUNIT_EXPECT_EQ(test, ev.switch_reason, VTD_SWITCH_SRTP);
	/* The latched pointer does not follow RTADDR until the next SRTP. */
	wr(rf, VTD_RTADDR_REG, 8, 0x9000, &ev);
	KUNIT_EXPECT_EQ(test, rf->rta, 0x7000);

	/* Drivers write GSTS | command: TE on, and a repeat changes nothing. */
	wr(rf, VTD_GCMD_REG, 4, rd(rf, VTD_GSTS_REG, 4) | VTD_GCMD_TE, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS | VTD_GSTS_TES);
	KUNIT_EXPECT_EQ(test, ev.switch_reason, VTD_SWITCH_TE_ON);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_TE, &ev);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_DMAR_SWITCH);
	wr(rf, VTD_GCMD_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_EQ(test, ev.switch_reason, VTD_SWITCH_TE_OFF);

	/* WBF without RWBF, SFL without AFL, IRE without IR: ignored. */
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_WBF | VTD_GCMD_SFL | VTD_GCMD_IRE, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_WBF);

	/* QIE latches IQA; disabling resets the head. */
	wr(rf, VTD_IQA_REG, 8, 0x10000 | 2, &ev);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_QIE, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS | VTD_GSTS_QIES);
	KUNIT_EXPECT_EQ(test, rf->iqa, 0x10002);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_QI_KICK);
	wr(rf, VTD_IQT_REG, 8, 0x20, &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_QI_KICK);
	rf->val[VTD_IQH_REG / 8] = 0x20;	/* as if processed */
	wr(rf, VTD_GCMD_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_RTPS);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IQH_REG, 8), 0);

	/* With RWBF the flush is requested and completes at once. */
	rf = new_rf(test, vtd_cap_default() | VTD_CAP_RWBF, vtd_ecap_default());
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_WBF, &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_WBF);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), 0);

	/* Without QI, QIE is ignored and the queue registers do not exist. */
	rf = new_rf(test, vtd_cap_default(), vtd_ecap_default() & ~VTD_ECAP_QI);
	wr(rf, VTD_IQA_REG, 8, 0x10000, &ev);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_QIE, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), 0);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IQA_REG, 8), 0);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IECTL_REG, 4), 0);
}

static void context_command(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	struct vtd_events ev;
	u64 v;
	int g;

	for (g = 1; g <= 3; g++) {
		wr(rf, VTD_CCMD_REG, 8, VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, g) |
		   FIELD_PREP(VTD_CCMD_SID, 0x10) | FIELD_PREP(VTD_CCMD_DID, 7), &ev);
		v = rd(rf, VTD_CCMD_REG, 8);
		KUNIT_EXPECT_FALSE(test, v & VTD_CCMD_ICC);
		KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CCMD_CAIG, v), g);
		KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_INV_CONTEXT);
		KUNIT_EXPECT_EQ(test, ev.inv.did, 7);
		KUNIT_EXPECT_EQ(test, ev.inv.sid, 0x10);
	}
	/* ICC set by a dword write to the upper half, as 32-bit drivers do. */
	wr(rf, VTD_CCMD_REG + 4, 4, (VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, 1)) >> 32, &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CCMD_CAIG, rd(rf, VTD_CCMD_REG, 8)), 1);
	KUNIT_EXPECT_FALSE(test, rd(rf, VTD_CCMD_REG, 8) & VTD_CCMD_ICC);
	/* Granularity 0 is reserved: not performed, CAIG 0. */
	wr(rf, VTD_CCMD_REG, 8, VTD_CCMD_ICC, &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_CCMD_CAIG, rd(rf, VTD_CCMD_REG, 8)), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_INV_CONTEXT);
	/* Under queued invalidation the register does nothing. */
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_QIE, &ev);
	wr(rf, VTD_CCMD_REG, 8, VTD_CCMD_ICC | FIELD_PREP(VTD_CCMD_CIRG, 1), &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_CCMD_REG, 8) & (VTD_CCMD_ICC | VTD_CCMD_CAIG), 0);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_INV_IGNORED);
}

static void iotlb_command(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	u32 mamv = FIELD_GET(VTD_CAP_MAMV, vtd_cap_default());
	struct vtd_events ev;
	u64 v;

	wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 1), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, rd(rf, VTD_IOTLB_REG, 8)), 1);
	wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 2) |
	   FIELD_PREP(VTD_IOTLB_DID, 42), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, rd(rf, VTD_IOTLB_REG, 8)), 2);
	KUNIT_EXPECT_EQ(test, ev.inv.did, 42);

	/* Page-selective: address aligned down to the mask, AM <= MAMV. */
	wr(rf, VTD_IVA_REG, 8, 0x12345000 | VTD_IVA_IH | 4, &ev);
	wr(rf, VTD_IOTLB_REG + 4, 4, (VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3) |
				      VTD_IOTLB_DR | VTD_IOTLB_DW) >> 32, &ev);
	v = rd(rf, VTD_IOTLB_REG, 8);
	KUNIT_EXPECT_FALSE(test, v & VTD_IOTLB_IVT);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, v), 3);
	KUNIT_EXPECT_EQ(test, ev.inv.addr, 0x12340000);
	KUNIT_EXPECT_EQ(test, ev.inv.am, 4);
	KUNIT_EXPECT_TRUE(test, ev.inv.ih);

	wr(rf, VTD_IVA_REG, 8, 0x12345000 | (mamv + 1), &ev);
	wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, rd(rf, VTD_IOTLB_REG, 8)), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_INV_IOTLB);
	/* AM 63 is refused before it is used as a shift (UBSAN would say). */
	wr(rf, VTD_IVA_REG, 8, 0x12345000 | 63, &ev);
	wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, rd(rf, VTD_IOTLB_REG, 8)), 0);
	/* A page above 2^52 (MGAW 57) keeps its address bits. */
	wr(rf, VTD_IVA_REG, 8, BIT_ULL(55) | 0x7000, &ev);
	wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_INV_IOTLB);
	KUNIT_EXPECT_EQ(test, ev.inv.addr, BIT_ULL(55) | 0x7000);

	/* Without PSI a page request is served domain-selectively. */
	rf = new_rf(test, vtd_cap_default() & ~(VTD_CAP_PSI | VTD_CAP_MAMV),
		    vtd_ecap_default());
	wr(rf, VTD_IOTLB_REG, 8, VTD_IOTLB_IVT | FIELD_PREP(VTD_IOTLB_IIRG, 3), &ev);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_IOTLB_IAIG, rd(rf, VTD_IOTLB_REG, 8)), 2);
}

static int fault(struct vtd_regfile *rf, u16 sid, struct vtd_events *ev)
{
	struct vtd_fault f = {
		.sid = sid, .reason = 0x5, .type = VTD_FAULT_READ, .addr = 0xabcdef123,
	};

	memset(ev, 0, sizeof(*ev));
	return vtd_rf_record_fault(rf, &f, ev);
}

static void fault_ring(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	struct vtd_events ev;
	u32 i, irqs = 0, fsts;
	u64 hi;

	wr(rf, VTD_FEDATA_REG, 4, 0x41, &ev);
	wr(rf, VTD_FEADDR_REG, 4, 0xfee00000, &ev);
	wr(rf, VTD_FECTL_REG, 4, 0, &ev);

	for (i = 0; i < rf->nfr; i++) {
		KUNIT_EXPECT_EQ(test, fault(rf, 0x100 + i, &ev), i);
		irqs += !!(ev.flags & VTD_EV_FAULT_IRQ);
	}
	/* One interrupt: the first fault; the others find PPF already set. */
	KUNIT_EXPECT_EQ(test, irqs, 1);
	fsts = rd(rf, VTD_FSTS_REG, 4);
	KUNIT_EXPECT_EQ(test, fsts, VTD_FSTS_PPF | FIELD_PREP(VTD_FSTS_FRI, 0));
	hi = rd(rf, FRCD_HI(1), 8);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_FRCD_HI_SID, hi), 0x101);
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_FRCD_HI_FR, hi), 5);
	KUNIT_EXPECT_TRUE(test, hi & VTD_FRCD_HI_T1);
	KUNIT_EXPECT_TRUE(test, hi & VTD_FRCD_HI_F);
	KUNIT_EXPECT_EQ(test, rd(rf, FRCD_HI(1) - 8, 8), 0xabcdef000);

	/* The ring is full: overflow sets PFO, later faults are dropped. */
	KUNIT_EXPECT_EQ(test, fault(rf, 0x200, &ev), VTD_FAULT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);
	KUNIT_EXPECT_TRUE(test, rd(rf, VTD_FSTS_REG, 4) & VTD_FSTS_PFO);
	KUNIT_EXPECT_EQ(test, fault(rf, 0x201, &ev), VTD_FAULT_DROPPED_PFO);

	/* RW1C: writing 0 clears nothing, writing 1 clears. */
	wr(rf, VTD_FSTS_REG, 4, 0, &ev);
	wr(rf, FRCD_HI(0) + 4, 4, 0, &ev);
	KUNIT_EXPECT_TRUE(test, rd(rf, VTD_FSTS_REG, 4) & VTD_FSTS_PFO);
	KUNIT_EXPECT_TRUE(test, rd(rf, FRCD_HI(0), 8) & VTD_FRCD_HI_F);
	for (i = 0; i < rf->nfr; i++)
		wr(rf, FRCD_HI(i) + 4, 4, VTD_FRCD_HI_F >> 32, &ev);
	/* The record itself stays readable after F is cleared. */
	KUNIT_EXPECT_EQ(test, FIELD_GET(VTD_FRCD_HI_SID, rd(rf, FRCD_HI(1), 8)), 0x101);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FSTS_REG, 4) & ~VTD_FSTS_FRI, VTD_FSTS_PFO);
	wr(rf, VTD_FSTS_REG, 4, VTD_FSTS_PFO, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FSTS_REG, 4) & ~VTD_FSTS_FRI, 0);

	/* Serviced: the next fault wraps to record 0 and interrupts again. */
	KUNIT_EXPECT_EQ(test, fault(rf, 0x300, &ev), 0);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.addr, 0xfee00000);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.data, 0x41);
}

static void fault_event_mask(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	struct vtd_events ev;

	wr(rf, VTD_FEDATA_REG, 4, 0x42, &ev);
	wr(rf, VTD_FEADDR_REG, 4, 0xfee01000, &ev);
	wr(rf, VTD_FEUADDR_REG, 4, 0x1, &ev);
	/* Masked at reset: the fault is held pending in IP. */
	KUNIT_EXPECT_EQ(test, fault(rf, 1, &ev), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM | VTD_ECTL_IP);
	/* A second fault while pending is no new interrupt condition. */
	KUNIT_EXPECT_EQ(test, fault(rf, 2, &ev), 1);
	/* Unmask: delivered once, IP clears. */
	wr(rf, VTD_FECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.addr, 0x1fee01000ull);
	KUNIT_EXPECT_EQ(test, ev.fault_msi.data, 0x42);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FECTL_REG, 4), 0);
	wr(rf, VTD_FECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);

	/* Pending, then the status is serviced: IP clears, unmask sends nothing. */
	wr(rf, VTD_FECTL_REG, 4, VTD_ECTL_IM, &ev);
	wr(rf, FRCD_HI(0), 8, VTD_FRCD_HI_F, &ev);
	wr(rf, FRCD_HI(1), 8, VTD_FRCD_HI_F, &ev);
	KUNIT_EXPECT_EQ(test, fault(rf, 3, &ev), 2);
	KUNIT_EXPECT_TRUE(test, rd(rf, VTD_FECTL_REG, 4) & VTD_ECTL_IP);
	wr(rf, FRCD_HI(2), 8, VTD_FRCD_HI_F, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FSTS_REG, 4) & VTD_FSTS_PPF, 0);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_FECTL_REG, 4), VTD_ECTL_IM);
	wr(rf, VTD_FECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);

	/* A queue error is an interrupt condition too, unless PPF is set. */
	vtd_rf_queue_error(rf, VTD_IQEI_TYPE, &ev);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_FAULT_IRQ);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IQERCD_REG, 8), VTD_IQEI_TYPE);
	memset(&ev, 0, sizeof(ev));
	KUNIT_EXPECT_EQ(test, fault(rf, 4, &ev), 3);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_FAULT_IRQ);
}

static void inv_event(struct kunit *test)
{
	struct vtd_regfile *rf = default_rf(test);
	struct vtd_events ev = {};

	wr(rf, VTD_IEDATA_REG, 4, 0x51, &ev);
	wr(rf, VTD_IEADDR_REG, 4, 0xfee00000, &ev);
	memset(&ev, 0, sizeof(ev));
	vtd_rf_inv_event(rf, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);	/* masked at reset */
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_ICS_REG, 4), VTD_ICS_IWC);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IECTL_REG, 4), VTD_ECTL_IM | VTD_ECTL_IP);
	wr(rf, VTD_IECTL_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_INV_IRQ);
	KUNIT_EXPECT_EQ(test, ev.inv_msi.data, 0x51);
	/* IWC still set: a second wait is no new condition. */
	memset(&ev, 0, sizeof(ev));
	vtd_rf_inv_event(rf, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, 0);
	wr(rf, VTD_ICS_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_ICS_REG, 4), VTD_ICS_IWC);
	wr(rf, VTD_ICS_REG, 4, VTD_ICS_IWC, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_ICS_REG, 4), 0);
	memset(&ev, 0, sizeof(ev));
	vtd_rf_inv_event(rf, &ev);
	KUNIT_EXPECT_EQ(test, ev.flags, VTD_EV_INV_IRQ);
}

static void caps_validation(struct kunit *test)
{
	u64 cap = vtd_cap_default(), ecap = vtd_ecap_default();
	u64 small, wide, sm;

	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap), 0);
	/* 39-bit only, 16 records, no PSI, caching mode off: all fine. */
	small = cap & ~(VTD_CAP_SAGAW | VTD_CAP_MGAW | VTD_CAP_NFR | VTD_CAP_PSI |
			VTD_CAP_MAMV | VTD_CAP_CM);
	small |= FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39);
	small |= FIELD_PREP(VTD_CAP_MGAW, 38);
	small |= FIELD_PREP(VTD_CAP_NFR, 15);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, ecap), 0);
	/* MGAW beyond what SAGAW maps, or no SAGAW at all. */
	wide = (cap & ~VTD_CAP_SAGAW) | FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap & ~VTD_CAP_SAGAW, ecap), -EINVAL);
	/* 5-level tables: SAGAW bit 3 with an MGAW up to 57. */
	wide = cap | FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_57);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), 0);
	wide = (wide & ~VTD_CAP_MGAW) | FIELD_PREP(VTD_CAP_MGAW, 56);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), 0);
	/* Scalable mode, and what only exists with it or with first stage. */
	sm = ecap | VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | VTD_ECAP_PASID |
	     FIELD_PREP(VTD_ECAP_PSS, 19) | VTD_ECAP_SRS;
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_FL1GP | VTD_CAP_FL5LP, sm), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, (ecap & ~VTD_ECAP_PT) | VTD_ECAP_SMTS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_SLTS), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_PASID), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_PASID), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_FL1GP, sm & ~VTD_ECAP_FLTS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_FL1GP, ecap), -EINVAL);
	/* Device-TLBs, which are invalidated through the queue only. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_DT), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, (ecap & ~VTD_ECAP_QI) | VTD_ECAP_DT),
			-EINVAL);
	/* Interrupt remapping needs the queue; EIM, MHMV, ESIRTPS need IR. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_ESIRTPS, ecap | VTD_ECAP_IR |
						VTD_ECAP_EIM | VTD_ECAP_MHMV), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, (ecap & ~VTD_ECAP_QI) | VTD_ECAP_IR),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_EIM), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | FIELD_PREP(VTD_ECAP_MHMV, 1)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_ESIRTPS, ecap), -EINVAL);
	/* Not implemented (yet): 512G pages, AFL, PMRs, PI, nesting, PRS. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | FIELD_PREP(VTD_CAP_SLLPS, 4), ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_AFL, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_PLMR, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_PI, ecap | VTD_ECAP_IR), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm | VTD_ECAP_NEST), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm | VTD_ECAP_PRS), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | FIELD_PREP(VTD_CAP_SAGAW, 16), ecap),
			-EINVAL);
	/* Layout fields are fixed; NFR bounded; MAMV needs PSI. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap ^ FIELD_PREP(VTD_CAP_FRO, 1), ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap ^ FIELD_PREP(VTD_ECAP_IRO, 1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | VTD_CAP_NFR, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap & ~VTD_CAP_PSI, ecap), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap | BIT_ULL(13), ecap), -EINVAL);
	/* MAMV up to 45 (2^57 bytes); beyond, the masks wrap. */
	wide = cap & ~VTD_CAP_MAMV;
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_MAMV, 45), ecap), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_MAMV, 46), ecap),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | VTD_CAP_MAMV, ecap), -EINVAL);

	/* What Linux cannot use.  SLLPS must be none, 2 MiB, or 2 MiB + 1 GiB. */
	wide = cap & ~VTD_CAP_SLLPS;
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, ecap), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_SLLPS, 1), ecap), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | FIELD_PREP(VTD_CAP_SLLPS, 2), ecap),
			-EINVAL);
	/* Scalable mode needs the queue, and first or second stage. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_QI), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~(VTD_ECAP_FLTS | VTD_ECAP_SLTS)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_FLTS), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, sm & ~VTD_ECAP_SLTS), 0);
	/* Both stages: a common depth (4-level, or 5-level with FL5LP). */
	small = (cap & ~(VTD_CAP_SAGAW | VTD_CAP_MGAW)) |
		FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_39) | FIELD_PREP(VTD_CAP_MGAW, 38);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, sm), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, sm & ~VTD_ECAP_FLTS), 0);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(small, sm & ~VTD_ECAP_SLTS), 0);
	wide = (cap & ~VTD_CAP_SAGAW) | FIELD_PREP(VTD_CAP_SAGAW, VTD_SAGAW_57);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide, sm), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(wide | VTD_CAP_FL5LP, sm), 0);
	/* Snoop control: selectable. */
	KUNIT_EXPECT_EQ(test, vtd_caps_validate(cap, ecap | VTD_ECAP_SC), 0);
}

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

static void gcmd_interrupt_remapping(struct kunit *test)
{
	u64 ecap = vtd_ecap_default() | VTD_ECAP_IR | VTD_ECAP_EIM;
	struct vtd_regfile *rf = new_rf(test, vtd_cap_default(), ecap);
	struct vtd_events ev;
	u64 v;

	/* IRTA: address, EIME (with EIM) and S; 10:4 reserved. */
	wr(rf, VTD_IRTA_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IRTA_REG, 8), GENMASK_ULL(51, 11) | 0xf);
	KUNIT_EXPECT_EQ(test, rf->irta, 0);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SIRTP, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_IRTPS);
	KUNIT_EXPECT_EQ(test, rf->irta, GENMASK_ULL(51, 11) | 0xf);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_IR_TABLE);
	KUNIT_EXPECT_FALSE(test, ev.flags & VTD_EV_DMAR_SWITCH);
	/* IRE and CFI are persistent enables; a repeat changes nothing. */
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_IRE, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_IRTPS | VTD_GSTS_IRES);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_IR_STATE);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_IRE, &ev);
	KUNIT_EXPECT_FALSE(test, ev.flags & (VTD_EV_IR_STATE | VTD_EV_IR_TABLE));
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_IRE | VTD_GCMD_CFI, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4),
			VTD_GSTS_IRTPS | VTD_GSTS_IRES | VTD_GSTS_CFIS);
	KUNIT_EXPECT_TRUE(test, ev.flags & VTD_EV_IR_STATE);
	wr(rf, VTD_GCMD_REG, 4, 0, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), VTD_GSTS_IRTPS);
	/* Save/restore: the latch, and GSTS's IR bits. */
	KUNIT_EXPECT_EQ(test, vtd_rf_get(rf, KVM_VTD_REG_LATCHED_IRTA, &v), 0);
	KUNIT_EXPECT_EQ(test, v, GENMASK_ULL(51, 11) | 0xf);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, KVM_VTD_REG_LATCHED_IRTA, 0x5000 | BIT(4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_GSTS_REG, VTD_GSTS_IRES | VTD_GSTS_CFIS), 0);
	KUNIT_EXPECT_EQ(test, vtd_rf_reg_size(rf, VTD_IRTA_REG), 8);
	/* A fault record of an interrupt request: FI is the index, 63:48. */
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_FRCD_REG, 0xabcdull << 48), 0);

	/* Without EIM, EIME is reserved; without IR nothing of this exists. */
	rf = new_rf(test, vtd_cap_default(), ecap & ~VTD_ECAP_EIM);
	wr(rf, VTD_IRTA_REG, 8, VTD_IRTA_EIME | 0x1000, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IRTA_REG, 8), 0x1000);
	rf = default_rf(test);
	wr(rf, VTD_IRTA_REG, 8, ~0ull, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_IRTA_REG, 8), 0);
	wr(rf, VTD_GCMD_REG, 4, VTD_GCMD_SIRTP | VTD_GCMD_IRE | VTD_GCMD_CFI, &ev);
	KUNIT_EXPECT_EQ(test, rd(rf, VTD_GSTS_REG, 4), 0);
	KUNIT_EXPECT_FALSE(test, ev.flags & (VTD_EV_IR_STATE | VTD_EV_IR_TABLE));
	KUNIT_EXPECT_EQ(test, vtd_rf_reg_size(rf, VTD_IRTA_REG), 0);
	KUNIT_EXPECT_EQ(test, vtd_rf_get(rf, KVM_VTD_REG_LATCHED_IRTA, &v), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_GSTS_REG, VTD_GSTS_IRES), -EINVAL);
	/* FI bits 63:48 are also an address's: restorable without IR too. */
	KUNIT_EXPECT_EQ(test, vtd_rf_set(rf, VTD_FRCD_REG, 0xabcdull << 48), 0);
}

/* An interrupt remapping table in test memory: 2^(S + 1) entries. */
struct ir_table {
	u64 base;
	unsigned int entries;
	__le64 irte[2 * 512];
	unsigned int reads;
};

static int ir_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	struct ir_table *t = ctx;
	u64 off = gpa - t->base;

	t->reads++;
	if (gpa < t->base || off + len > sizeof(t->irte))
		return -EFAULT;
	memcpy(buf, (u8 *)t->irte + off, len);
	return 0;
}

static void set_irte(struct ir_table *t, unsigned int i, u64 lo, u64 hi)
{
	t->irte[2 * i] = cpu_to_le64(lo);
	t->irte[2 * i + 1] = cpu_to_le64(hi);
}

/* An IRTE delivering @vector to APIC @dest, edge, physical, fixed. */
static u64 irte_lo(u8 vector, u32 dest, bool x2apic)
{
	return VTD_IRTE_P | FIELD_PREP(VTD_IRTE_V, vector) |
	       (x2apic ? FIELD_PREP(VTD_IRTE_DST, dest) : FIELD_PREP(VTD_IRTE_DST_XAPIC, dest));
}

/* A remappable-format request for @handle, with a subhandle when @shv. */
static u64 rfi(u32 handle, bool shv)
{
	return 0xfee00000 | VTD_MSI_ADDR_IF | (shv ? VTD_MSI_ADDR_SHV : 0) |
	       FIELD_PREP(VTD_MSI_ADDR_HANDLE_LO, handle & 0x7fff) |
	       (handle & BIT(15) ? VTD_MSI_ADDR_HANDLE_HI : 0);
}

static void remap(struct ir_table *t, const struct vtd_ir_cfg *cfg, struct vtd_iec *iec,
		  u16 sid, u64 addr, u32 data, struct vtd_ir_result *res)
{
	struct vtd_ir_req req = { .sid = sid, .addr = addr, .data = data };

	vtd_ir_remap(cfg, iec, ir_read, t, &req, res);
}

static void ir_remap(struct kunit *test)
{
	struct ir_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct vtd_iec *iec = kunit_kzalloc(test, sizeof(*iec), GFP_KERNEL);
	struct vtd_ir_cfg cfg = { .ires = true, .irta = 0x40000 | 5 };	/* 64 entries */
	struct vtd_ir_result r;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, iec);
	t->base = 0x40000;

	/* Remapping off: everything passes unchanged, nothing is read. */
	cfg.ires = false;
	remap(t, &cfg, iec, 0x10, rfi(3, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, 0);
	KUNIT_EXPECT_FALSE(test, r.remapped);
	KUNIT_EXPECT_EQ(test, r.msi_addr, rfi(3, false));
	KUNIT_EXPECT_EQ(test, t->reads, 0);
	cfg.ires = true;

	/* Compatibility format: blocked unless CFIS, always with EIME. */
	remap(t, &cfg, iec, 0x10, 0xfee01000, 0x41, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_COMPAT);
	KUNIT_EXPECT_FALSE(test, r.fpd);
	cfg.cfis = true;
	remap(t, &cfg, iec, 0x10, 0xfee01000, 0x41, &r);
	KUNIT_EXPECT_EQ(test, r.fault, 0);
	KUNIT_EXPECT_EQ(test, r.msi_addr, 0xfee01000);
	KUNIT_EXPECT_EQ(test, r.msi_data, 0x41);
	cfg.irta |= VTD_IRTA_EIME;
	remap(t, &cfg, iec, 0x10, 0xfee01000, 0x41, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_COMPAT);
	cfg.irta &= ~VTD_IRTA_EIME;

	/* xAPIC mode: vector 0x51 to APIC 3, level, logical, lowest priority. */
	set_irte(t, 3, irte_lo(0x51, 3, false) | VTD_IRTE_TM | VTD_IRTE_DM | VTD_IRTE_RH |
		 FIELD_PREP(VTD_IRTE_DLM, 1), 0);
	remap(t, &cfg, iec, 0x10, rfi(3, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, 0);
	KUNIT_EXPECT_TRUE(test, r.remapped);
	KUNIT_EXPECT_FALSE(test, r.cache_hit);
	KUNIT_EXPECT_EQ(test, r.index, 3);
	KUNIT_EXPECT_EQ(test, r.dest, 3);
	KUNIT_EXPECT_EQ(test, r.vector, 0x51);
	KUNIT_EXPECT_EQ(test, r.dlm, 1);
	KUNIT_EXPECT_TRUE(test, r.dm && r.rh && r.tm);
	KUNIT_EXPECT_EQ(test, r.msi_addr, 0xfee0300c);
	KUNIT_EXPECT_EQ(test, r.msi_data, 0xc151);
	KUNIT_EXPECT_EQ(test, iec->misses, 1);
	/* Cached: a second request does not read the table. */
	t->reads = 0;
	remap(t, &cfg, iec, 0x10, rfi(3, false), 0, &r);
	KUNIT_EXPECT_TRUE(test, r.cache_hit);
	KUNIT_EXPECT_EQ(test, r.vector, 0x51);
	KUNIT_EXPECT_EQ(test, t->reads, 0);
	KUNIT_EXPECT_EQ(test, iec->hits, 1);

	/* Subhandle: index = handle + data[15:0]; data 31:16 reserved. */
	set_irte(t, 7, irte_lo(0x52, 1, false), 0);
	remap(t, &cfg, iec, 0x10, rfi(5, true), 2, &r);
	KUNIT_EXPECT_EQ(test, r.index, 7);
	KUNIT_EXPECT_EQ(test, r.vector, 0x52);
	remap(t, &cfg, iec, 0x10, rfi(5, false), 2, &r);
	KUNIT_EXPECT_EQ(test, r.index, 5);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_NOT_PRESENT);
	remap(t, &cfg, iec, 0x10, rfi(5, true), 0x10002, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_REQ_RSVD);
	/* Beyond the table, also by a handle + subhandle over 16 bits. */
	remap(t, &cfg, iec, 0x10, rfi(64, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_INDEX);
	remap(t, &cfg, iec, 0x10, rfi(0xffff, true), 0xffff, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_INDEX);
	KUNIT_EXPECT_EQ(test, r.index, 0x1fffe);
	cfg.irta = 0x40000 | 15;
	remap(t, &cfg, iec, 0x10, rfi(0x8000, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.index, 0x8000);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_TABLE);	/* no memory there */
	cfg.irta = 0x40000 | 5;

	/* Not present and reserved fields: FPD suppresses, not cached. */
	set_irte(t, 9, VTD_IRTE_FPD, 0);
	remap(t, &cfg, iec, 0x10, rfi(9, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_NOT_PRESENT);
	KUNIT_EXPECT_TRUE(test, r.fpd);
	set_irte(t, 10, irte_lo(0x53, 0, false) | BIT_ULL(12), 0);
	remap(t, &cfg, iec, 0x10, rfi(10, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_IRTE_RSVD);
	KUNIT_EXPECT_FALSE(test, r.fpd);
	t->reads = 0;
	remap(t, &cfg, iec, 0x10, rfi(10, false), 0, &r);
	KUNIT_EXPECT_EQ(test, t->reads, 1);

	/* Source-id verification. */
	set_irte(t, 11, irte_lo(0x54, 0, false) | VTD_IRTE_FPD,
		 FIELD_PREP(VTD_IRTE_SVT, VTD_SVT_SID) | 0x0108);
	remap(t, &cfg, iec, 0x0108, rfi(11, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, 0);
	remap(t, &cfg, iec, 0x0109, rfi(11, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.fault, VTD_FR_IR_SID);
	KUNIT_EXPECT_TRUE(test, r.fpd);
	/* Cached entries are verified too, per request. */
	KUNIT_EXPECT_TRUE(test, r.cache_hit);
}

static void irte_fields(struct kunit *test)
{
	u64 sid = FIELD_PREP(VTD_IRTE_SVT, VTD_SVT_SID);
	u64 bus = FIELD_PREP(VTD_IRTE_SVT, VTD_SVT_BUS) | 0x0305;

	/* xAPIC mode: DST 39:32 and 63:48 reserved; x2APIC: all of 63:32. */
	KUNIT_EXPECT_EQ(test, vtd_irte_check(irte_lo(1, 0xff, false), 0, false), 0);
	KUNIT_EXPECT_EQ(test, vtd_irte_check(irte_lo(1, 0x1ff, true), 0, false),
			VTD_FR_IR_IRTE_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_irte_check(irte_lo(1, 0xffffffff, true), 0, true), 0);
	KUNIT_EXPECT_EQ(test, vtd_irte_check(VTD_IRTE_P | BIT_ULL(24), 0, true),
			VTD_FR_IR_IRTE_RSVD);
	/* Posted format without CAP.PI; SVT 3; high bits 127:84. */
	KUNIT_EXPECT_EQ(test, vtd_irte_check(VTD_IRTE_P | VTD_IRTE_IM, 0, true),
			VTD_FR_IR_IRTE_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_irte_check(VTD_IRTE_P, FIELD_PREP(VTD_IRTE_SVT, 3), true),
			VTD_FR_IR_IRTE_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_irte_check(VTD_IRTE_P, BIT_ULL(20), true), VTD_FR_IR_IRTE_RSVD);
	KUNIT_EXPECT_EQ(test, vtd_irte_check(VTD_IRTE_P | VTD_IRTE_AVAIL, sid | 0x30000, true), 0);

	/* SQ: 0 all bits, 1 ignores function bit 2, 2 bits 2:1, 3 bits 2:0. */
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(sid | 0x0108, 0x0108));
	KUNIT_EXPECT_FALSE(test, vtd_irte_sid_ok(sid | 0x0108, 0x010c));
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(sid | FIELD_PREP(VTD_IRTE_SQ, 1) | 0x0108, 0x010c));
	KUNIT_EXPECT_FALSE(test, vtd_irte_sid_ok(sid | FIELD_PREP(VTD_IRTE_SQ, 1) | 0x0108,
						 0x010a));
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(sid | FIELD_PREP(VTD_IRTE_SQ, 2) | 0x0108, 0x010e));
	KUNIT_EXPECT_FALSE(test, vtd_irte_sid_ok(sid | FIELD_PREP(VTD_IRTE_SQ, 2) | 0x0108,
						 0x0109));
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(sid | FIELD_PREP(VTD_IRTE_SQ, 3) | 0x0108, 0x010f));
	KUNIT_EXPECT_FALSE(test, vtd_irte_sid_ok(sid | FIELD_PREP(VTD_IRTE_SQ, 3) | 0x0108,
						 0x0110));
	/* Bus range 3..5. */
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(bus, 0x0300));
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(bus, 0x05ff));
	KUNIT_EXPECT_FALSE(test, vtd_irte_sid_ok(bus, 0x02ff));
	KUNIT_EXPECT_FALSE(test, vtd_irte_sid_ok(bus, 0x0600));
	KUNIT_EXPECT_TRUE(test, vtd_irte_sid_ok(0, 0xffff));
}

static void iec_invalidation(struct kunit *test)
{
	struct ir_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct vtd_iec *iec = kunit_kzalloc(test, sizeof(*iec), GFP_KERNEL);
	struct vtd_ir_cfg cfg = { .ires = true, .irta = 0x40000 | 5 };
	struct vtd_ir_result r;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_NOT_NULL(test, iec);
	t->base = 0x40000;
	for (i = 0; i < 16; i++) {
		set_irte(t, i, irte_lo(0x60 + i, 0, false), 0);
		remap(t, &cfg, iec, 0, rfi(i, false), 0, &r);
	}
	KUNIT_EXPECT_EQ(test, iec->misses, 16);
	/* The guest changes every entry; the cache keeps the old ones. */
	for (i = 0; i < 16; i++)
		set_irte(t, i, irte_lo(0x80 + i, 0, false), 0);
	remap(t, &cfg, iec, 0, rfi(5, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.vector, 0x65);
	/* Index 5 with IM 0: only 5. */
	vtd_iec_invalidate(iec, 5, 0);
	KUNIT_EXPECT_EQ(test, iec->invalidated, 1);
	remap(t, &cfg, iec, 0, rfi(5, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.vector, 0x85);
	remap(t, &cfg, iec, 0, rfi(4, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.vector, 0x64);
	/* IIDX 9 with IM 2: 8..11, whatever the low bits of IIDX. */
	vtd_iec_invalidate(iec, 9, 2);
	KUNIT_EXPECT_EQ(test, iec->invalidated, 5);
	for (i = 7; i <= 12; i++) {
		remap(t, &cfg, iec, 0, rfi(i, false), 0, &r);
		KUNIT_EXPECT_EQ_MSG(test, r.vector, i >= 8 && i <= 11 ? 0x80 + i : 0x60 + i,
				    "index %u", i);
	}
	/* An index that shares a slot evicts; a flush drops everything. */
	cfg.irta = 0x40000 | 8;	/* 512 entries */
	set_irte(t, 256, irte_lo(0x71, 0, false), 0);
	remap(t, &cfg, iec, 0, rfi(256, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.vector, 0x71);
	KUNIT_EXPECT_EQ(test, iec->evictions, 1);
	remap(t, &cfg, iec, 0, rfi(0, false), 0, &r);
	KUNIT_EXPECT_FALSE(test, r.cache_hit);
	KUNIT_EXPECT_EQ(test, r.vector, 0x80);
	remap(t, &cfg, iec, 0, rfi(1, false), 0, &r);
	KUNIT_EXPECT_TRUE(test, r.cache_hit);
	set_irte(t, 1, irte_lo(0x70, 0, false), 0);
	vtd_iec_flush(iec);
	remap(t, &cfg, iec, 0, rfi(1, false), 0, &r);
	KUNIT_EXPECT_EQ(test, r.vector, 0x70);
	KUNIT_EXPECT_FALSE(test, r.cache_hit);
}

static void save_restore(struct kunit *test)
{
	struct vtd_regfile *a = default_rf(test), *b = default_rf(test);
	struct vtd_events ev;
	u64 attr, val;
	int i;

	wr(a, VTD_RTADDR_REG, 8, 0x7000, &ev);
	wr(a, VTD_GCMD_REG, 4, VTD_GCMD_SRTP, &ev);
	wr(a, VTD_GCMD_REG, 4, VTD_GCMD_TE, &ev);
	wr(a, VTD_RTADDR_REG, 8, 0x8000, &ev);
	wr(a, VTD_IQA_REG, 8, 0x20001, &ev);
	wr(a, VTD_GCMD_REG, 4, VTD_GCMD_TE | VTD_GCMD_QIE, &ev);
	wr(a, VTD_FEDATA_REG, 4, 0x44, &ev);
	/* IVA holds any input address: MGAW may be 57. */
	wr(a, VTD_IVA_REG, 8, BIT_ULL(56) | 0x9000 | 2, &ev);
	KUNIT_EXPECT_EQ(test, a->iva, BIT_ULL(56) | 0x9000 | 2);
	for (i = 0; i < 3; i++)
		fault(a, i, &ev);
	/*
	 * A request's address is recorded as it came, beyond HAW included (an
	 * IOVA above the address width, a canonical-high first-stage one):
	 * what a guest can make the unit record, a VMM must be able to restore.
	 */
	for (i = 0; i < 2; i++) {
		struct vtd_fault f = {
			.sid = 9, .reason = 0x80, .type = VTD_FAULT_READ,
			.addr = i ? 0xffff800012345678ull : BIT_ULL(60),
		};

		KUNIT_EXPECT_EQ(test, vtd_rf_record_fault(a, &f, &ev), 3 + i);
	}
	KUNIT_EXPECT_EQ(test, rd(a, VTD_FRCD_REG + 4 * VTD_FRCD_SIZE, 8), 0xffff800012345000ull);

	for (attr = 0; attr < KVM_VTD_REG_PAGE_SIZE; attr += 4) {
		if (vtd_rf_get(a, attr, &val))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, vtd_rf_set(b, attr, val), 0, "attr 0x%llx", attr);
	}
	for (attr = KVM_VTD_REG_LATCHED_RTADDR; attr <= KVM_VTD_REG_FAULT_NEXT; attr += 8) {
		KUNIT_ASSERT_EQ(test, vtd_rf_get(a, attr, &val), 0);
		KUNIT_EXPECT_EQ(test, vtd_rf_set(b, attr, val), 0);
	}
	KUNIT_EXPECT_EQ(test, memcmp(a->val, b->val, sizeof(a->val)), 0);
	KUNIT_EXPECT_EQ(test, a->rta, b->rta);
	KUNIT_EXPECT_EQ(test, a->iqa, b->iqa);
	KUNIT_EXPECT_EQ(test, a->iva, b->iva);
	KUNIT_EXPECT_EQ(test, a->next_frcd, b->next_frcd);

	/* Bad restores. */
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_CAP_REG, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_GCMD_REG, VTD_GCMD_TE), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_GSTS_REG, VTD_GSTS_IRES), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_FEDATA_REG, 1ull << 32), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_CCMD_REG, VTD_CCMD_ICC), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_FSTS_REG, FIELD_PREP(VTD_FSTS_FRI, 200)), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, KVM_VTD_REG_FAULT_NEXT, b->nfr), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_RTADDR_REG, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, 0x30, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, VTD_CAP_REG + 4, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_set(b, 1ull << 32 | VTD_FEDATA_REG, 0), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_get(b, 0x1018, &val), -ENXIO);
	KUNIT_EXPECT_EQ(test, vtd_rf_get(b, FRCD_HI(b->nfr), &val), -ENXIO);
	KUNIT_EXPECT_EQ(test, memcmp(a->val, b->val, sizeof(a->val)), 0);
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
	u32 fsts = rd(rf, VTD_FSTS_REG, 4);
	bool any_f = false;
	u64 attr, val;
	u32 i;

	for (i = 0; i < rf->nfr; i++)
		any_f |= !!(rd(rf, FRCD_HI(i), 8) & VTD_FRCD_HI_F);
	KUNIT_ASSERT_EQ_MSG(test, !!(fsts & VTD_FSTS_PPF), any_f, "step %d", step);
	if (rd(rf, VTD_FECTL_REG, 4) & VTD_ECTL_IP)
		KUNIT_ASSERT_NE_MSG(test, fsts & VTD_FSTS_EVENTS, 0, "step %d", step);
	if (rd(rf, VTD_IECTL_REG, 4) & VTD_ECTL_IP)
		KUNIT_ASSERT_TRUE_MSG(test, rd(rf, VTD_ICS_REG, 4) & VTD_ICS_IWC, "step %d", step);
	KUNIT_ASSERT_LT_MSG(test, rf->next_frcd, rf->nfr, "step %d", step);
	KUNIT_ASSERT_EQ_MSG(test, rd(rf, VTD_GCMD_REG, 4), 0, "step %d", step);
	KUNIT_ASSERT_FALSE_MSG(test, rd(rf, VTD_CCMD_REG, 8) & VTD_CCMD_ICC, "step %d", step);
	KUNIT_ASSERT_FALSE_MSG(test, rd(rf, VTD_IOTLB_REG, 8) & VTD_IOTLB_IVT, "step %d", step);

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
		VTD_IVA_REG, VTD_IOTLB_REG, VTD_IOTLB_REG + 4, FRCD_HI(0), FRCD_HI(0) + 4,
		FRCD_HI(3) + 4, FRCD_HI(7) + 4,
	};
	struct vtd_regfile *rf = default_rf(test), *copy = default_rf(test);
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
			wr(rf, off, len, data, &ev);
		}
		if (ev.flags & VTD_EV_FAULT_IRQ)
			KUNIT_ASSERT_FALSE(test, rd(rf, VTD_FECTL_REG, 4) & VTD_ECTL_IM);
		if (ev.flags & VTD_EV_INV_IRQ)
			KUNIT_ASSERT_FALSE(test, rd(rf, VTD_IECTL_REG, 4) & VTD_ECTL_IM);
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
	KUNIT_CASE(caps_validation),
	KUNIT_CASE(desc_decode),
	KUNIT_CASE(desc_width),
	KUNIT_CASE(desc_decode_devtlb),
	KUNIT_CASE(desc_decode_iec),
	KUNIT_CASE(gcmd_interrupt_remapping),
	KUNIT_CASE(ir_remap),
	KUNIT_CASE(irte_fields),
	KUNIT_CASE(iec_invalidation),
	KUNIT_CASE(save_restore),
	KUNIT_CASE(hostile_sequences),
	{}
};

static struct kunit_suite kvm_vtd_regfile_suite = {
	.name = "kvm_vtd_regfile",
	.test_cases = kvm_vtd_regfile_cases,
};

kunit_test_suite(kvm_vtd_regfile_suite);
