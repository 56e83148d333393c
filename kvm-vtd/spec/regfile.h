/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: the register file of one DMAR unit, as plain data and pure
 * functions.  Nothing here touches KVM, guest memory or locks: the caller
 * (mmio.c, events.c, qi.c, state.c, unit.c) serializes every call with the
 * unit's lock and carries out the &struct vtd_events a call returns
 * (interrupt messages, translation-state switches, queue work).  KUnit and
 * the fuzz targets (fuzz/) drive these functions directly.
 */
#ifndef _KVM_VTD_REGFILE_H
#define _KVM_VTD_REGFILE_H

#include <linux/kvm_vtd.h>
#include <linux/types.h>

#include "regs.h"

#define VTD_NR_QWORDS		(KVM_VTD_REG_PAGE_SIZE / 8)
/* Fault recording registers this implementation can provide (CAP.NFR + 1). */
#define VTD_NFR_MAX		64
#define VTD_NFR_DEFAULT		8

/**
 * struct vtd_msi - an interrupt message as the unit would write it
 * @addr: message address (FEUADDR/IEUADDR:FEADDR/IEADDR)
 * @data: message data (FEDATA/IEDATA)
 */
struct vtd_msi {
	u64 addr;
	u32 data;
};

/**
 * enum vtd_event_flags - what a register-file call asks its caller to do
 * @VTD_EV_FAULT_IRQ: send the fault event message in &vtd_events.fault_msi
 * @VTD_EV_INV_IRQ: send the invalidation event message in
 *	&vtd_events.inv_msi
 * @VTD_EV_DMAR_SWITCH: translation state changed (SRTP, TE, reset):
 *	every cache must be dropped and every source-id re-evaluated;
 *	&vtd_events.switch_reason says why
 * @VTD_EV_QI_KICK: the invalidation queue has descriptors to process
 * @VTD_EV_INV_CONTEXT: a register-based context-cache invalidation
 *	completed; &vtd_events.inv describes it
 * @VTD_EV_INV_IOTLB: a register-based IOTLB invalidation completed;
 *	&vtd_events.inv describes it
 * @VTD_EV_INV_IGNORED: a register-based invalidation was requested while
 *	queued invalidation is enabled and was not performed
 * @VTD_EV_WBF: a write-buffer flush was requested (and completed)
 * @VTD_EV_GCMD: GCMD was written; &vtd_events.gsts_old and
 *	&vtd_events.gsts_new give the transition
 * @VTD_EV_IR_TABLE: an interrupt remapping table pointer was latched
 *	(SIRTP), or the unit was reset or restored: the interrupt entry
 *	cache must be dropped
 * @VTD_EV_IR_STATE: interrupt remapping or compatibility format
 *	interrupts were enabled or disabled
 */
enum vtd_event_flags {
	VTD_EV_FAULT_IRQ	= BIT(0),
	VTD_EV_INV_IRQ		= BIT(1),
	VTD_EV_DMAR_SWITCH	= BIT(2),
	VTD_EV_QI_KICK		= BIT(3),
	VTD_EV_INV_CONTEXT	= BIT(4),
	VTD_EV_INV_IOTLB	= BIT(5),
	VTD_EV_INV_IGNORED	= BIT(6),
	VTD_EV_WBF		= BIT(7),
	VTD_EV_GCMD		= BIT(8),
	VTD_EV_IR_TABLE		= BIT(9),
	VTD_EV_IR_STATE		= BIT(10),
};

/**
 * enum vtd_switch_reason - why the translation state switched
 * @VTD_SWITCH_SRTP: a root table pointer was latched
 * @VTD_SWITCH_TE_ON: translation was enabled
 * @VTD_SWITCH_TE_OFF: translation was disabled
 * @VTD_SWITCH_RESET: the unit was reset
 * @VTD_SWITCH_RESTORE: the VMM restored saved state
 */
enum vtd_switch_reason {
	VTD_SWITCH_SRTP,
	VTD_SWITCH_TE_ON,
	VTD_SWITCH_TE_OFF,
	VTD_SWITCH_RESET,
	VTD_SWITCH_RESTORE,
};

/**
 * struct vtd_inv_req - a completed invalidation (register or queue)
 * @req: requested granularity (CIRG or IIRG)
 * @actual: granularity reported back (CAIG or IAIG); 0 if not performed
 * @did: domain-id
 * @sid: source-id (context cache, device-selective; device-TLB)
 * @fm: function mask (context cache, device-selective)
 * @addr: page address (IOTLB, page-selective; device-TLB: the range's
 *	first page)
 * @am: address mask (IOTLB, page-selective; device-TLB: log2 of the
 *	range's pages, %VTD_DEVTLB_AM_ALL for the whole address space;
 *	interrupt entry cache: IM, log2 of the entries)
 * @ih: invalidation hint (IOTLB, page-selective)
 * @g: global (PASID-based device-TLB: every PASID of the device)
 * @pfsid: physical function source-id (device-TLB descriptors)
 * @pasid: PASID (PASID-cache, PASID-based IOTLB and device-TLB descriptors)
 * @iidx: interrupt index (interrupt entry cache, index-selective)
 */
struct vtd_inv_req {
	u8 req;
	u8 actual;
	u16 did;
	u16 sid;
	u8 fm;
	u8 am;
	bool ih;
	bool g;
	u16 pfsid;
	u32 pasid;
	u16 iidx;
	u64 addr;
};

/* Device-TLB invalidations: @am of one that covers every address. */
#define VTD_DEVTLB_AM_ALL	52
/* PASID-based IOTLB invalidations: an AM this large names the whole PASID. */
#define VTD_PIOTLB_AM_ALL	52
/* The largest MAMV a unit may advertise: 2^45 pages span 57 address bits. */
#define VTD_MAMV_MAX		45

/**
 * struct vtd_events - the side effects of one register-file call
 * @flags: &enum vtd_event_flags
 * @fault_msi: the fault event message, with %VTD_EV_FAULT_IRQ
 * @inv_msi: the invalidation event message, with %VTD_EV_INV_IRQ
 * @switch_reason: &enum vtd_switch_reason, with %VTD_EV_DMAR_SWITCH
 * @inv: the invalidation, with %VTD_EV_INV_CONTEXT or %VTD_EV_INV_IOTLB
 * @gsts_old: GSTS before a GCMD write, with %VTD_EV_GCMD
 * @gsts_new: GSTS after it
 * @gcmd: the value written to GCMD
 */
struct vtd_events {
	u32 flags;
	struct vtd_msi fault_msi;
	struct vtd_msi inv_msi;
	enum vtd_switch_reason switch_reason;
	struct vtd_inv_req inv;
	u32 gsts_old;
	u32 gsts_new;
	u32 gcmd;
};

/**
 * enum vtd_fault_type - the request type recorded with a fault (T2:T1)
 * @VTD_FAULT_WRITE: write request
 * @VTD_FAULT_READ: read request
 * @VTD_FAULT_PAGE_REQ: page request
 * @VTD_FAULT_ATOMIC: atomic request
 */
enum vtd_fault_type {
	VTD_FAULT_WRITE,
	VTD_FAULT_READ,
	VTD_FAULT_PAGE_REQ,
	VTD_FAULT_ATOMIC,
};

/**
 * struct vtd_fault - a primary fault, as the translation paths report it
 * @sid: source-id of the request
 * @reason: fault reason (FR), as the spec's fault reason tables number it
 * @type: &enum vtd_fault_type
 * @at: address type of the request (AT)
 * @addr: faulting address; bits 11:0 are not recorded
 * @pasid_present: the request carried a PASID (PP)
 * @pasid: the PASID (PV), when @pasid_present
 * @priv: privileged-mode request (PRIV), when @pasid_present
 * @exe: execute request (EXE), when @pasid_present
 */
struct vtd_fault {
	u16 sid;
	u8 reason;
	u8 type;
	u8 at;
	u64 addr;
	bool pasid_present;
	u32 pasid;
	bool priv;
	bool exe;
};

/* What vtd_rf_record_fault() did with a fault. */
#define VTD_FAULT_DROPPED_PFO	(-1)	/* PFO already set: not recorded */
#define VTD_FAULT_OVERFLOW	(-2)	/* next record busy: PFO set */

/**
 * struct vtd_regfile - architectural and internal state of one DMAR unit
 * @val: the register page as the guest reads it, one quadword per 8 bytes
 * @wmask: bits a guest write stores (RW)
 * @w1cmask: bits a guest write of 1 clears (RW1C)
 * @rta: RTADDR latched by the last SRTP (root table in use, with TTM)
 * @iqa: IQA latched when queued invalidation was last enabled
 * @irta: IRTA latched by the last SIRTP (interrupt remapping table in use)
 * @iva: last value written to the write-only IVA register
 * @next_frcd: index of the fault recording register the next fault uses
 * @nfr: number of fault recording registers (CAP.NFR + 1)
 * @frcd_off: offset of the first fault recording register (CAP.FRO * 16)
 * @iva_off: offset of IVA (ECAP.IRO * 16); IOTLB is 8 bytes above
 * @haw_mask: address bits a guest may program into table pointers
 */
struct vtd_regfile {
	u64 val[VTD_NR_QWORDS];
	u64 wmask[VTD_NR_QWORDS];
	u64 w1cmask[VTD_NR_QWORDS];
	u64 rta;
	u64 iqa;
	u64 irta;
	u64 iva;
	u32 next_frcd;
	u32 nfr;
	u32 frcd_off;
	u32 iva_off;
	u64 haw_mask;
};

/**
 * struct vtd_desc - a decoded invalidation queue descriptor
 * @type: descriptor type (VTD_DESC_*)
 * @inv: the invalidation, for every type but invalidation wait
 * @wait_if: invalidation wait: raise the invalidation event (IF)
 * @wait_sw: invalidation wait: write @wait_data to @wait_addr (SW)
 * @wait_data: invalidation wait: status data
 * @wait_addr: invalidation wait: status address (dword aligned)
 */
struct vtd_desc {
	u8 type;
	struct vtd_inv_req inv;
	bool wait_if;
	bool wait_sw;
	u32 wait_data;
	u64 wait_addr;
};

/* caps.c */
u64 vtd_cap_default(void);
u64 vtd_ecap_default(void);
int vtd_caps_validate(u64 cap, u64 ecap);

/* desc.c */
int vtd_desc_decode(u64 cap, u64 ecap, u64 lo, u64 hi, struct vtd_desc *d);
int vtd_desc_check_width(u64 ecap, u64 rta, u64 iqa, u64 lo);

/* regfile.c */
void vtd_rf_reset(struct vtd_regfile *rf, u64 cap, u64 ecap);
u64 vtd_rf_read(const struct vtd_regfile *rf, u32 off, int len);
void vtd_rf_write(struct vtd_regfile *rf, u32 off, int len, u64 data,
		  struct vtd_events *ev);
int vtd_rf_record_fault(struct vtd_regfile *rf, const struct vtd_fault *f,
			struct vtd_events *ev);
void vtd_rf_inv_event(struct vtd_regfile *rf, struct vtd_events *ev);
void vtd_rf_fault_status(struct vtd_regfile *rf, u32 bits, struct vtd_events *ev);
void vtd_rf_queue_error(struct vtd_regfile *rf, u32 iqei, struct vtd_events *ev);
int vtd_rf_reg_size(const struct vtd_regfile *rf, u32 off);
int vtd_rf_get(const struct vtd_regfile *rf, u64 attr, u64 *val);
int vtd_rf_set(struct vtd_regfile *rf, u64 attr, u64 val);

static inline u32 vtd_rf_read32(const struct vtd_regfile *rf, u32 off)
{
	return vtd_rf_read(rf, off, 4);
}

static inline u64 vtd_rf_read64(const struct vtd_regfile *rf, u32 off)
{
	return vtd_rf_read(rf, off, 8);
}

/* Dword and feature helpers shared by regfile.c and rfstate.c. */
static inline u32 vtd_rf_get32(const u64 *arr, u32 off)
{
	return arr[off / 8] >> ((off & 4) * 8);
}

static inline void vtd_rf_set32(u64 *arr, u32 off, u32 v)
{
	unsigned int sh = (off & 4) * 8;
	u64 *p = &arr[off / 8];

	*p = (*p & ~(0xffffffffull << sh)) | ((u64)v << sh);
}

static inline void vtd_rf_set_bits32(u64 *arr, u32 off, u32 set, u32 clear)
{
	vtd_rf_set32(arr, off, (vtd_rf_get32(arr, off) & ~clear) | set);
}

static inline bool vtd_rf_has_qi(const struct vtd_regfile *rf)
{
	return rf->val[VTD_ECAP_REG / 8] & VTD_ECAP_QI;
}

static inline bool vtd_rf_has_ir(const struct vtd_regfile *rf)
{
	return rf->val[VTD_ECAP_REG / 8] & VTD_ECAP_IR;
}

#endif /* _KVM_VTD_REGFILE_H */
