// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the register file of one DMAR unit.
 *
 * The page is kept as the guest reads it, with per-quadword masks of the
 * bits a write stores (RW) and the bits a written 1 clears (RW1C); anything
 * else is read-only or reserved and keeps its value.  Writes to registers
 * with side effects are then dispatched per dword, so a 4-byte access to
 * either half of a 64-bit register and an 8-byte access behave alike.
 * Write-only fields (GCMD, IVA) read as 0.
 */
#include <linux/align.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "inval.h"
#include "regfile.h"

/*
 * Version 1.0 for a legacy-mode unit; 3.0, the architecture version that
 * introduced scalable mode, for a unit with ECAP.SMTS.
 */
#define VTD_VER_LEGACY		(FIELD_PREP(VTD_VER_MAX, 1) | FIELD_PREP(VTD_VER_MIN, 0))
#define VTD_VER_SCALABLE	(FIELD_PREP(VTD_VER_MAX, 3) | FIELD_PREP(VTD_VER_MIN, 0))
/*
 * Table and queue pointers may name any page below 2^52: the unit's host
 * address width (HAW) is the x86 architectural maximum, whatever the
 * platform's, since every pointer is a guest physical address that KVM
 * resolves through its memslots.
 */
#define VTD_HAW_MASK		GENMASK_ULL(51, 12)

static u64 cap(const struct vtd_regfile *rf)
{
	return rf->val[VTD_CAP_REG / 8];
}

static u64 frcd_hi(const struct vtd_regfile *rf, u32 i)
{
	return rf->val[(rf->frcd_off + i * VTD_FRCD_SIZE + 8) / 8];
}

/* The 32-bit registers with stored bits, and the masks of those bits. */
static void define32(struct vtd_regfile *rf, u32 off, u32 reset, u32 rw, u32 w1c)
{
	vtd_rf_set32(rf->val, off, reset);
	vtd_rf_set32(rf->wmask, off, rw);
	vtd_rf_set32(rf->w1cmask, off, w1c);
}

/**
 * vtd_rf_reset() - put the register file in its power-on state
 * @rf: the register file
 * @cap: the unit's CAP, already validated
 * @ecap: the unit's ECAP, already validated
 *
 * Every register gets its reset value, every internal latch is cleared.
 */
void vtd_rf_reset(struct vtd_regfile *rf, u64 cap, u64 ecap)
{
	u32 i;

	memset(rf, 0, sizeof(*rf));
	rf->nfr = FIELD_GET(VTD_CAP_NFR, cap) + 1;
	rf->frcd_off = FIELD_GET(VTD_CAP_FRO, cap) * 16;
	rf->iva_off = FIELD_GET(VTD_ECAP_IRO, ecap) * 16;
	rf->haw_mask = VTD_HAW_MASK;

	define32(rf, VTD_VER_REG, ecap & VTD_ECAP_SMTS ? VTD_VER_SCALABLE : VTD_VER_LEGACY,
		 0, 0);
	rf->val[VTD_CAP_REG / 8] = cap;
	rf->val[VTD_ECAP_REG / 8] = ecap;
	rf->wmask[VTD_RTADDR_REG / 8] = VTD_RTADDR_RTA & rf->haw_mask;
	/* TTM: the translation walk faults on the reserved encodings. */
	if (ecap & VTD_ECAP_SMTS)
		rf->wmask[VTD_RTADDR_REG / 8] |= VTD_RTADDR_TTM;
	rf->wmask[VTD_CCMD_REG / 8] = VTD_CCMD_ICC | VTD_CCMD_CIRG | VTD_CCMD_FM |
				      VTD_CCMD_SID | VTD_CCMD_DID;
	define32(rf, VTD_FSTS_REG, 0, 0,
		 VTD_FSTS_PFO | (vtd_rf_has_qi(rf) ? VTD_FSTS_IQE : 0));
	define32(rf, VTD_FECTL_REG, VTD_ECTL_IM, VTD_ECTL_IM, 0);
	define32(rf, VTD_FEDATA_REG, 0, VTD_EDATA_IMD, 0);
	define32(rf, VTD_FEADDR_REG, 0, VTD_EADDR_MA, 0);
	define32(rf, VTD_FEUADDR_REG, 0, ~0u, 0);

	if (vtd_rf_has_qi(rf)) {
		rf->wmask[VTD_IQT_REG / 8] = VTD_IQT_QT;
		rf->wmask[VTD_IQA_REG / 8] = (VTD_IQA_IQA & rf->haw_mask) | VTD_IQA_QS;
		/* 256-bit descriptors exist with scalable mode. */
		if (ecap & VTD_ECAP_SMTS)
			rf->wmask[VTD_IQA_REG / 8] |= VTD_IQA_DW;
		define32(rf, VTD_ICS_REG, 0, 0, VTD_ICS_IWC);
		define32(rf, VTD_IECTL_REG, VTD_ECTL_IM, VTD_ECTL_IM, 0);
		define32(rf, VTD_IEDATA_REG, 0, VTD_EDATA_IMD, 0);
		define32(rf, VTD_IEADDR_REG, 0, VTD_EADDR_MA, 0);
		define32(rf, VTD_IEUADDR_REG, 0, ~0u, 0);
	}
	if (vtd_rf_has_ir(rf))
		rf->wmask[VTD_IRTA_REG / 8] = (VTD_IRTA_IRTA & rf->haw_mask) | VTD_IRTA_S |
					      (ecap & VTD_ECAP_EIM ? VTD_IRTA_EIME : 0);

	rf->wmask[(rf->iva_off + 8) / 8] = VTD_IOTLB_IVT | VTD_IOTLB_IIRG |
					   VTD_IOTLB_DR | VTD_IOTLB_DW | VTD_IOTLB_DID;
	for (i = 0; i < rf->nfr; i++)
		rf->w1cmask[(rf->frcd_off + i * VTD_FRCD_SIZE + 8) / 8] = VTD_FRCD_HI_F;
}

/**
 * vtd_rf_read() - a guest read of the register page
 * @rf: the register file
 * @off: offset of a naturally aligned access
 * @len: 4 or 8
 *
 * Return: the value read; offsets without a register read as 0.
 */
u64 vtd_rf_read(const struct vtd_regfile *rf, u32 off, int len)
{
	return len == 8 ? rf->val[off / 8] : vtd_rf_get32(rf->val, off);
}

/* Send (or hold pending, when masked) an event through a control register. */
static void vtd_event(struct vtd_regfile *rf, u32 ctl, struct vtd_msi *msi)
{
	if (vtd_rf_get32(rf->val, ctl) & VTD_ECTL_IM) {
		vtd_rf_set_bits32(rf->val, ctl, VTD_ECTL_IP, 0);
		return;
	}
	/* The data, address and upper address registers follow the control. */
	msi->data = vtd_rf_get32(rf->val, ctl + 4);
	msi->addr = (u64)vtd_rf_get32(rf->val, ctl + 12) << 32 | vtd_rf_get32(rf->val, ctl + 8);
}

static void vtd_fault_event(struct vtd_regfile *rf, struct vtd_events *ev)
{
	vtd_event(rf, VTD_FECTL_REG, &ev->fault_msi);
	if (!(vtd_rf_get32(rf->val, VTD_FECTL_REG) & VTD_ECTL_IP))
		ev->flags |= VTD_EV_FAULT_IRQ;
}

/* A control register's IM was written: deliver what was held pending. */
static void vtd_event_unmask(struct vtd_regfile *rf, u32 ctl, struct vtd_msi *msi,
			     u32 flag, struct vtd_events *ev)
{
	u32 v = vtd_rf_get32(rf->val, ctl);

	if ((v & VTD_ECTL_IM) || !(v & VTD_ECTL_IP))
		return;
	vtd_rf_set32(rf->val, ctl, v & ~VTD_ECTL_IP);
	vtd_event(rf, ctl, msi);
	ev->flags |= flag;
}

/*
 * PPF is the OR of the F bits; once no status field of FSTS is set any
 * more, an interrupt held pending is dropped (IP clears).
 */
static void vtd_fsts_update(struct vtd_regfile *rf)
{
	u32 fsts = vtd_rf_get32(rf->val, VTD_FSTS_REG) & ~VTD_FSTS_PPF;
	u32 i;

	for (i = 0; i < rf->nfr; i++) {
		if (frcd_hi(rf, i) & VTD_FRCD_HI_F) {
			fsts |= VTD_FSTS_PPF;
			break;
		}
	}
	vtd_rf_set32(rf->val, VTD_FSTS_REG, fsts);
	if (!(fsts & VTD_FSTS_EVENTS))
		vtd_rf_set_bits32(rf->val, VTD_FECTL_REG, 0, VTD_ECTL_IP);
}

/**
 * vtd_rf_fault_status() - set fault status fields other than PPF/PFO
 * @rf: the register file
 * @bits: FSTS bits to set (IQE, ICE, ITE)
 * @ev: the caller's event record
 *
 * Setting a status field when none was set is an interrupt condition.
 */
void vtd_rf_fault_status(struct vtd_regfile *rf, u32 bits, struct vtd_events *ev)
{
	u32 fsts = vtd_rf_get32(rf->val, VTD_FSTS_REG);

	vtd_rf_set32(rf->val, VTD_FSTS_REG, fsts | bits);
	if (!(fsts & VTD_FSTS_EVENTS))
		vtd_fault_event(rf, ev);
}

/**
 * vtd_rf_inv_event() - an invalidation wait descriptor asked for an interrupt
 * @rf: the register file
 * @ev: the caller's event record
 *
 * Sets ICS.IWC; if it was clear this is an interrupt condition, delivered
 * now or held pending in IECTL.IP while IECTL.IM is set.
 */
void vtd_rf_inv_event(struct vtd_regfile *rf, struct vtd_events *ev)
{
	if (vtd_rf_get32(rf->val, VTD_ICS_REG) & VTD_ICS_IWC)
		return;
	vtd_rf_set_bits32(rf->val, VTD_ICS_REG, VTD_ICS_IWC, 0);
	vtd_event(rf, VTD_IECTL_REG, &ev->inv_msi);
	if (!(vtd_rf_get32(rf->val, VTD_IECTL_REG) & VTD_ECTL_IP))
		ev->flags |= VTD_EV_INV_IRQ;
}

/**
 * vtd_rf_record_fault() - primary fault logging
 * @rf: the register file
 * @f: the fault
 * @ev: the caller's event record; gets %VTD_EV_FAULT_IRQ when the fault is
 *	an interrupt condition and the fault event is not masked
 *
 * Records @f in the fault recording register at the internal index, which
 * then advances around the ring.  If that register still holds an
 * unserviced fault, sets FSTS.PFO instead; while PFO is set, faults are
 * dropped.
 *
 * Return: the index of the record used, %VTD_FAULT_OVERFLOW or
 * %VTD_FAULT_DROPPED_PFO.
 */
int vtd_rf_record_fault(struct vtd_regfile *rf, const struct vtd_fault *f,
			struct vtd_events *ev)
{
	u32 fsts = vtd_rf_get32(rf->val, VTD_FSTS_REG);
	u32 idx = rf->next_frcd;
	u32 lo_q = (rf->frcd_off + idx * VTD_FRCD_SIZE) / 8;
	u64 hi;

	if (fsts & VTD_FSTS_PFO)
		return VTD_FAULT_DROPPED_PFO;
	if (frcd_hi(rf, idx) & VTD_FRCD_HI_F) {
		vtd_rf_set32(rf->val, VTD_FSTS_REG, fsts | VTD_FSTS_PFO);
		return VTD_FAULT_OVERFLOW;
	}

	hi = FIELD_PREP(VTD_FRCD_HI_SID, f->sid) |
	     FIELD_PREP(VTD_FRCD_HI_FR, f->reason) |
	     FIELD_PREP(VTD_FRCD_HI_AT, f->at) | VTD_FRCD_HI_F;
	if (f->type & 1)
		hi |= VTD_FRCD_HI_T1;
	if (f->type & 2)
		hi |= VTD_FRCD_HI_T2;
	if (f->pasid_present) {
		hi |= VTD_FRCD_HI_PP | FIELD_PREP(VTD_FRCD_HI_PV, f->pasid);
		if (f->priv)
			hi |= VTD_FRCD_HI_PRIV;
		if (f->exe)
			hi |= VTD_FRCD_HI_EXE;
	}
	rf->val[lo_q] = f->addr & VTD_FRCD_LO_FI;
	rf->val[lo_q + 1] = hi;
	rf->next_frcd = (idx + 1) % rf->nfr;

	if (fsts & VTD_FSTS_PPF)
		return idx;
	fsts = (fsts & ~VTD_FSTS_FRI) | VTD_FSTS_PPF | FIELD_PREP(VTD_FSTS_FRI, idx);
	vtd_rf_set32(rf->val, VTD_FSTS_REG, fsts);
	if (!(fsts & VTD_FSTS_EVENTS & ~VTD_FSTS_PPF))
		vtd_fault_event(rf, ev);
	return idx;
}

/* GCMD's interrupt remapping commands: SIRTP, and the IRE and CFI enables. */
static void vtd_gcmd_ir(struct vtd_regfile *rf, u32 cmd, u32 *gsts, struct vtd_events *ev)
{
	if (cmd & VTD_GCMD_SIRTP) {
		rf->irta = rf->val[VTD_IRTA_REG / 8];
		*gsts |= VTD_GSTS_IRTPS;
		ev->flags |= VTD_EV_IR_TABLE;
	}
	if (!!(cmd & VTD_GCMD_IRE) != !!(*gsts & VTD_GSTS_IRES)) {
		*gsts ^= VTD_GSTS_IRES;
		ev->flags |= VTD_EV_IR_STATE;
	}
	if (!!(cmd & VTD_GCMD_CFI) != !!(*gsts & VTD_GSTS_CFIS)) {
		*gsts ^= VTD_GSTS_CFIS;
		ev->flags |= VTD_EV_IR_STATE;
	}
}

/* GCMD: one-shot commands and the persistent enables they report in GSTS. */
static void vtd_gcmd(struct vtd_regfile *rf, u32 cmd, struct vtd_events *ev)
{
	u32 gsts = vtd_rf_get32(rf->val, VTD_GSTS_REG);
	u32 old = gsts;

	if (cmd & VTD_GCMD_SRTP) {
		rf->rta = rf->val[VTD_RTADDR_REG / 8];
		gsts |= VTD_GSTS_RTPS;
		ev->flags |= VTD_EV_DMAR_SWITCH;
		ev->switch_reason = VTD_SWITCH_SRTP;
	}
	/* Write buffers are never posted here: the flush completes at once. */
	if ((cmd & VTD_GCMD_WBF) && (cap(rf) & VTD_CAP_RWBF))
		ev->flags |= VTD_EV_WBF;
	if (!!(cmd & VTD_GCMD_TE) != !!(gsts & VTD_GSTS_TES)) {
		gsts ^= VTD_GSTS_TES;
		ev->flags |= VTD_EV_DMAR_SWITCH;
		ev->switch_reason = (gsts & VTD_GSTS_TES) ? VTD_SWITCH_TE_ON :
							     VTD_SWITCH_TE_OFF;
	}
	if (vtd_rf_has_qi(rf) && !!(cmd & VTD_GCMD_QIE) != !!(gsts & VTD_GSTS_QIES)) {
		gsts ^= VTD_GSTS_QIES;
		if (gsts & VTD_GSTS_QIES) {
			rf->iqa = rf->val[VTD_IQA_REG / 8];
			if (rf->val[VTD_IQT_REG / 8] != rf->val[VTD_IQH_REG / 8])
				ev->flags |= VTD_EV_QI_KICK;
		} else {
			/* Everything queued was processed: the head restarts. */
			rf->val[VTD_IQH_REG / 8] = 0;
		}
	}
	if (vtd_rf_has_ir(rf))
		vtd_gcmd_ir(rf, cmd, &gsts, ev);
	vtd_rf_set32(rf->val, VTD_GSTS_REG, gsts);
	ev->flags |= VTD_EV_GCMD;
	ev->gcmd = cmd;
	ev->gsts_old = old;
	ev->gsts_new = gsts;
}

static bool vtd_qi_enabled(const struct vtd_regfile *rf)
{
	return vtd_rf_get32(rf->val, VTD_GSTS_REG) & VTD_GSTS_QIES;
}

/* CCMD with ICC set: register-based context-cache invalidation. */
static void vtd_ccmd(struct vtd_regfile *rf, struct vtd_events *ev)
{
	u64 *ccmd = &rf->val[VTD_CCMD_REG / 8];
	struct vtd_inv_req *inv = &ev->inv;

	if (!(*ccmd & VTD_CCMD_ICC))
		return;
	memset(inv, 0, sizeof(*inv));
	inv->req = FIELD_GET(VTD_CCMD_CIRG, *ccmd);
	inv->did = FIELD_GET(VTD_CCMD_DID, *ccmd);
	inv->sid = FIELD_GET(VTD_CCMD_SID, *ccmd);
	inv->fm = FIELD_GET(VTD_CCMD_FM, *ccmd);
	if (vtd_qi_enabled(rf))
		ev->flags |= VTD_EV_INV_IGNORED;
	else if (inv->req)	/* 0 is reserved: an incorrect request */
		inv->actual = inv->req;
	if (inv->actual)
		ev->flags |= VTD_EV_INV_CONTEXT;
	*ccmd &= ~(VTD_CCMD_ICC | VTD_CCMD_CAIG);
	*ccmd |= FIELD_PREP(VTD_CCMD_CAIG, inv->actual);
}

/* IOTLB with IVT set: register-based IOTLB invalidation. */
static void vtd_iotlb(struct vtd_regfile *rf, struct vtd_events *ev)
{
	u64 *iotlb = &rf->val[(rf->iva_off + 8) / 8];
	struct vtd_inv_req *inv = &ev->inv;

	if (!(*iotlb & VTD_IOTLB_IVT))
		return;
	memset(inv, 0, sizeof(*inv));
	inv->req = FIELD_GET(VTD_IOTLB_IIRG, *iotlb);
	inv->did = FIELD_GET(VTD_IOTLB_DID, *iotlb);
	if (vtd_qi_enabled(rf)) {
		ev->flags |= VTD_EV_INV_IGNORED;
	} else if (inv->req == VTD_IOTLB_PAGE && !(cap(rf) & VTD_CAP_PSI)) {
		/* Without PSI a page request is served domain-selectively. */
		inv->actual = VTD_IOTLB_DOMAIN;
	} else if (inv->req == VTD_IOTLB_PAGE) {
		inv->am = FIELD_GET(VTD_IVA_AM, rf->iva);
		inv->ih = rf->iva & VTD_IVA_IH;
		/*
		 * An address mask beyond MAMV is an incorrect request; within
		 * it, the low AM bits of the page number are ignored.
		 */
		if (inv->am <= FIELD_GET(VTD_CAP_MAMV, cap(rf))) {
			inv->addr = vtd_inv_base(rf->iva & VTD_IVA_ADDR, inv->am);
			inv->actual = VTD_IOTLB_PAGE;
		}
	} else {
		inv->actual = inv->req;
	}
	if (inv->actual)
		ev->flags |= VTD_EV_INV_IOTLB;
	*iotlb &= ~(VTD_IOTLB_IVT | VTD_IOTLB_IAIG);
	*iotlb |= FIELD_PREP(VTD_IOTLB_IAIG, inv->actual);
}

/* Side effects of a guest write to the dword at @off, already stored. */
static void vtd_dword_written(struct vtd_regfile *rf, u32 off, u32 data,
			      struct vtd_events *ev)
{
	u32 frcd_end = rf->frcd_off + rf->nfr * VTD_FRCD_SIZE;

	switch (off) {
	case VTD_GCMD_REG:
		vtd_gcmd(rf, data, ev);
		return;
	case VTD_CCMD_REG + 4:
		vtd_ccmd(rf, ev);
		return;
	case VTD_FSTS_REG:
		vtd_fsts_update(rf);
		/* A cleared queue error lets the queue run again. */
		if (vtd_rf_has_qi(rf) && vtd_qi_enabled(rf) &&
		    !(vtd_rf_get32(rf->val, VTD_FSTS_REG) & VTD_FSTS_IQE) &&
		    rf->val[VTD_IQT_REG / 8] != rf->val[VTD_IQH_REG / 8])
			ev->flags |= VTD_EV_QI_KICK;
		return;
	case VTD_FECTL_REG:
		vtd_event_unmask(rf, VTD_FECTL_REG, &ev->fault_msi, VTD_EV_FAULT_IRQ, ev);
		return;
	}

	if (vtd_rf_has_qi(rf)) {
		switch (off) {
		case VTD_IQT_REG:
			if (vtd_qi_enabled(rf))
				ev->flags |= VTD_EV_QI_KICK;
			return;
		case VTD_ICS_REG:
			if (!(vtd_rf_get32(rf->val, VTD_ICS_REG) & VTD_ICS_IWC))
				vtd_rf_set_bits32(rf->val, VTD_IECTL_REG, 0, VTD_ECTL_IP);
			return;
		case VTD_IECTL_REG:
			vtd_event_unmask(rf, VTD_IECTL_REG, &ev->inv_msi, VTD_EV_INV_IRQ, ev);
			return;
		}
	}

	if (off == rf->iva_off || off == rf->iva_off + 4) {
		/* An input address: as wide as MGAW may be, not bound by HAW. */
		u64 mask = VTD_IVA_ADDR | VTD_IVA_IH | VTD_IVA_AM;
		unsigned int sh = (off & 4) * 8;

		rf->iva = (rf->iva & ~(0xffffffffull << sh)) |
			  (((u64)data << sh) & mask);
	} else if (off == rf->iva_off + 12) {
		vtd_iotlb(rf, ev);
	} else if (off >= rf->frcd_off && off < frcd_end &&
		   (off - rf->frcd_off) % VTD_FRCD_SIZE == 12) {
		vtd_fsts_update(rf);
	}
}

/**
 * vtd_rf_write() - a guest write of the register page
 * @rf: the register file
 * @off: offset of a naturally aligned access
 * @len: 4 or 8
 * @data: the value written (low @len bytes)
 * @ev: out: what the caller must do now; zeroed here
 *
 * Stores the RW bits, clears the RW1C bits written as 1, leaves the rest,
 * then runs the side effects of each dword written, low dword first.
 */
void vtd_rf_write(struct vtd_regfile *rf, u32 off, int len, u64 data,
		  struct vtd_events *ev)
{
	u32 q = off / 8;
	u64 bytes, d;

	memset(ev, 0, sizeof(*ev));
	if (len == 8) {
		bytes = ~0ull;
		d = data;
	} else {
		bytes = 0xffffffffull << ((off & 4) * 8);
		d = (data & 0xffffffffull) << ((off & 4) * 8);
	}

	rf->val[q] = (rf->val[q] & ~(rf->wmask[q] & bytes)) | (d & rf->wmask[q] & bytes);
	rf->val[q] &= ~(d & rf->w1cmask[q] & bytes);

	if (bytes & 0xffffffffull)
		vtd_dword_written(rf, q * 8, d, ev);
	if (bytes >> 32)
		vtd_dword_written(rf, q * 8 + 4, d >> 32, ev);
}

/**
 * vtd_rf_queue_error() - the invalidation queue hit an error and stops
 * @rf: the register file
 * @iqei: the error's IQERCD.IQEI code
 * @ev: the caller's event record
 *
 * IQH keeps pointing at the descriptor that failed; processing resumes once
 * software clears FSTS.IQE.
 */
void vtd_rf_queue_error(struct vtd_regfile *rf, u32 iqei, struct vtd_events *ev)
{
	rf->val[VTD_IQERCD_REG / 8] = FIELD_PREP(VTD_IQERCD_IQEI, iqei);
	vtd_rf_fault_status(rf, VTD_FSTS_IQE, ev);
}
