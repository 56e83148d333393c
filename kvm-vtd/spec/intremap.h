/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: interrupt remapping (chapter 5 of the VT-d specification) and
 * the interrupt entry cache, as pure functions of the unit's state, the
 * request and the guest's interrupt remapping table.  No KVM and no locks
 * here: the caller (msi.c) serializes every call with kvm_vtd.lock.  KUnit
 * covers it (kunit/intremap_kunit.c).
 */
#ifndef _KVM_VTD_INTREMAP_H
#define _KVM_VTD_INTREMAP_H

#include <linux/types.h>

#include "regs.h"

/*
 * The interrupt entry cache: direct-mapped by the low bits of the interrupt
 * index, so its memory is fixed (24 bytes a slot, 6 KiB a unit) and a
 * lookup or fill is one slot; a fill over another index evicts it.  Only
 * present IRTEs without reserved bits are cached.
 */
#define VTD_IEC_SLOTS		256

/**
 * struct vtd_iec_slot - one cached interrupt remapping table entry
 * @lo: bits 63:0 of the IRTE
 * @hi: bits 127:64
 * @index: its interrupt index
 * @valid: the slot holds an entry
 */
struct vtd_iec_slot {
	u64 lo;
	u64 hi;
	u32 index;
	bool valid;
};

/**
 * struct vtd_iec - the interrupt entry cache of one unit
 * @slot: the entries, slot (index % %VTD_IEC_SLOTS)
 * @hits: lookups the cache answered (drained into the unit's counters)
 * @misses: lookups that read the table
 * @evictions: entries replaced by another index's
 * @invalidated: entries dropped by invalidations and table switches
 */
struct vtd_iec {
	struct vtd_iec_slot slot[VTD_IEC_SLOTS];
	u64 hits;
	u64 misses;
	u64 evictions;
	u64 invalidated;
};

/**
 * struct vtd_ir_cfg - the unit's state a remapping depends on
 * @ires: GSTS.IRES, interrupt remapping enabled
 * @cfis: GSTS.CFIS, compatibility format interrupts allowed
 * @irta: IRTA as latched by the last SIRTP
 */
struct vtd_ir_cfg {
	bool ires;
	bool cfis;
	u64 irta;
};

/**
 * struct vtd_ir_req - an interrupt request: a DWORD write to 0xFEEx_xxxx
 * @sid: source-id of the requester
 * @addr: the address written
 * @data: the data written
 */
struct vtd_ir_req {
	u16 sid;
	u64 addr;
	u32 data;
};

/**
 * struct vtd_ir_result - what the unit does with an interrupt request
 * @fault: 0, or the VTD_FR_IR_* reason the request was blocked for
 * @fpd: the fault is one the IRTE's FPD applies to, and FPD is set
 * @remapped: the request was in remappable format and went through an IRTE
 * @cache_hit: the IRTE came from the interrupt entry cache
 * @index: the interrupt index of a remappable request (also of a fault
 *	beyond the table: it may exceed 16 bits)
 * @dest: destination APIC ID (8 bits in xAPIC mode, 32 in x2APIC mode)
 * @vector: vector
 * @dlm: delivery mode
 * @dm: logical destination mode
 * @rh: redirection hint
 * @tm: level-triggered
 * @msi_addr: the interrupt as delivered, compatibility format: address; in
 *	x2APIC mode bits 63:40 carry destination bits 31:8
 * @msi_data: the data
 */
struct vtd_ir_result {
	u8 fault;
	bool fpd;
	bool remapped;
	bool cache_hit;
	u32 index;
	u32 dest;
	u8 vector;
	u8 dlm;
	bool dm;
	bool rh;
	bool tm;
	u64 msi_addr;
	u32 msi_data;
};

/**
 * typedef vtd_ir_read_fn - read guest memory for the remapping
 * @ctx: the caller's context
 * @gpa: guest physical address
 * @buf: where to put the bytes
 * @len: how many
 *
 * Return: 0, or non-zero when no guest memory backs the range.
 */
typedef int (*vtd_ir_read_fn)(void *ctx, u64 gpa, void *buf, unsigned int len);

void vtd_ir_remap(const struct vtd_ir_cfg *cfg, struct vtd_iec *iec, vtd_ir_read_fn read,
		  void *ctx, const struct vtd_ir_req *req, struct vtd_ir_result *res);
u8 vtd_irte_check(u64 lo, u64 hi, bool eime);
bool vtd_irte_sid_ok(u64 hi, u16 sid);
void vtd_iec_flush(struct vtd_iec *iec);
void vtd_iec_invalidate(struct vtd_iec *iec, u32 index, unsigned int im);

#endif /* _KVM_VTD_INTREMAP_H */
