// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: interrupt remapping and the interrupt entry cache.
 *
 * With GSTS.IRES clear every interrupt request passes unchanged.  With it
 * set, a compatibility-format request passes only while GSTS.CFIS is set
 * and IRTA.EIME is clear; a remappable-format request names an interrupt
 * index (handle, plus the subhandle in the data when SHV is set) whose
 * IRTE, read from the table IRTA points at, gives the interrupt delivered.
 * Posted interrupts (CAP.PI) are not implemented: an IRTE in posted format
 * has a reserved field set.
 *
 * The faults the IRTE's FPD can suppress are those found after the IRTE
 * was read: not present, reserved fields, source-id verification.
 */
#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/string.h>

#include "intremap.h"

#define VTD_IRTE_LO_VALID	(VTD_IRTE_P | VTD_IRTE_FPD | VTD_IRTE_DM | VTD_IRTE_RH | \
				 VTD_IRTE_TM | VTD_IRTE_DLM | VTD_IRTE_AVAIL | VTD_IRTE_V)
#define VTD_IRTE_HI_VALID	(VTD_IRTE_SID | VTD_IRTE_SQ | VTD_IRTE_SVT)
#define VTD_IRTE_SVT_RSVD	3
#define VTD_IRTE_SIZE		16

/**
 * vtd_irte_check() - reserved fields of a present IRTE
 * @lo: bits 63:0
 * @hi: bits 127:64
 * @eime: IRTA.EIME (x2APIC mode: 32-bit destinations)
 *
 * Return: 0, or %VTD_FR_IR_IRTE_RSVD when a reserved field is set or holds
 * a reserved value (SVT 3; IM 1, posted format, without CAP.PI).
 */
u8 vtd_irte_check(u64 lo, u64 hi, bool eime)
{
	u64 lo_valid = VTD_IRTE_LO_VALID | (eime ? VTD_IRTE_DST : VTD_IRTE_DST_XAPIC);

	if ((lo & ~lo_valid) || (hi & ~VTD_IRTE_HI_VALID) ||
	    FIELD_GET(VTD_IRTE_SVT, hi) == VTD_IRTE_SVT_RSVD)
		return VTD_FR_IR_IRTE_RSVD;
	return 0;
}

/**
 * vtd_irte_sid_ok() - source-id verification as the IRTE asks for it
 * @hi: bits 127:64 of the IRTE (SVT is not 3)
 * @sid: the requester
 *
 * SVT 1 compares the requester-id with SID, ignoring function bits as SQ
 * says (1: bit 2; 2: bits 2:1; 3: bits 2:0); SVT 2 wants the requester's
 * bus within SID[15:8]..SID[7:0].
 *
 * Return: true if the request may use the IRTE.
 */
bool vtd_irte_sid_ok(u64 hi, u16 sid)
{
	static const u16 sq_ignore[] = { 0, BIT(2), GENMASK(2, 1), GENMASK(2, 0) };
	u16 want = FIELD_GET(VTD_IRTE_SID, hi);
	u8 bus = sid >> 8;

	switch (FIELD_GET(VTD_IRTE_SVT, hi)) {
	case VTD_SVT_NONE:
		return true;
	case VTD_SVT_SID:
		return !((sid ^ want) & ~sq_ignore[FIELD_GET(VTD_IRTE_SQ, hi)]);
	case VTD_SVT_BUS:
		return bus >= (want >> 8) && bus <= (want & 0xff);
	}
	return false;
}

/**
 * vtd_iec_flush() - drop every cached IRTE
 * @iec: the cache
 */
void vtd_iec_flush(struct vtd_iec *iec)
{
	unsigned int i;

	for (i = 0; i < VTD_IEC_SLOTS; i++) {
		iec->invalidated += iec->slot[i].valid;
		iec->slot[i].valid = false;
	}
}

/**
 * vtd_iec_invalidate() - index-selective interrupt entry cache invalidation
 * @iec: the cache
 * @index: IIDX
 * @im: IM: the number of low index bits that do not matter, so that
 *	2^@im entries from @index with those bits clear are invalidated
 */
void vtd_iec_invalidate(struct vtd_iec *iec, u32 index, unsigned int im)
{
	u32 keep = im ? ~(u32)GENMASK(im - 1, 0) : ~0u;	/* the bits compared */
	unsigned int i;

	for (i = 0; i < VTD_IEC_SLOTS; i++) {
		struct vtd_iec_slot *s = &iec->slot[i];

		if (s->valid && !((s->index ^ index) & keep)) {
			s->valid = false;
			iec->invalidated++;
		}
	}
}

/* The interrupt an IRTE says to deliver, as a compatibility-format message. */
static void vtd_irte_deliver(u64 lo, bool eime, struct vtd_ir_result *res)
{
	res->dest = eime ? FIELD_GET(VTD_IRTE_DST, lo) : FIELD_GET(VTD_IRTE_DST_XAPIC, lo);
	res->vector = FIELD_GET(VTD_IRTE_V, lo);
	res->dlm = FIELD_GET(VTD_IRTE_DLM, lo);
	res->dm = lo & VTD_IRTE_DM;
	res->rh = lo & VTD_IRTE_RH;
	res->tm = lo & VTD_IRTE_TM;

	res->msi_addr = FIELD_PREP(VTD_MSI_ADDR_BASE, VTD_MSI_ADDR_BASE_VAL) |
			FIELD_PREP(VTD_MSI_ADDR_DEST, res->dest & 0xff) |
			(res->rh ? VTD_MSI_ADDR_RH : 0) | (res->dm ? VTD_MSI_ADDR_DM : 0) |
			(u64)(res->dest & ~0xffu) << 32;
	res->msi_data = FIELD_PREP(VTD_MSI_DATA_VECTOR, res->vector) |
			FIELD_PREP(VTD_MSI_DATA_DLM, res->dlm) | VTD_MSI_DATA_LEVEL |
			(res->tm ? VTD_MSI_DATA_TM : 0);
}

/*
 * The IRTE at @res->index, from the cache or the table: 0, or a fault
 * reason.  @lo and @hi hold the entry unless the table was not readable.
 */
static u8 vtd_irte_get(const struct vtd_ir_cfg *cfg, struct vtd_iec *iec, vtd_ir_read_fn read,
		       void *ctx, struct vtd_ir_result *res, u64 *lo, u64 *hi)
{
	struct vtd_iec_slot *s = &iec->slot[res->index % VTD_IEC_SLOTS];
	bool eime = cfg->irta & VTD_IRTA_EIME;
	__le64 irte[2];
	u8 fault;

	if (s->valid && s->index == res->index) {
		iec->hits++;
		res->cache_hit = true;
		*lo = s->lo;
		*hi = s->hi;
		return 0;
	}
	iec->misses++;
	if (read(ctx, (cfg->irta & VTD_IRTA_IRTA) + (u64)res->index * VTD_IRTE_SIZE, irte,
		 sizeof(irte)))
		return VTD_FR_IR_TABLE;
	*lo = le64_to_cpu(irte[0]);
	*hi = le64_to_cpu(irte[1]);
	if (!(*lo & VTD_IRTE_P))
		return VTD_FR_IR_NOT_PRESENT;
	fault = vtd_irte_check(*lo, *hi, eime);
	if (fault)
		return fault;
	if (s->valid)
		iec->evictions++;
	s->lo = *lo;
	s->hi = *hi;
	s->index = res->index;
	s->valid = true;
	return 0;
}

/**
 * vtd_ir_remap() - an interrupt request through the unit
 * @cfg: the unit's interrupt remapping state
 * @iec: its interrupt entry cache: looked up, and filled on a miss
 * @read: reads the interrupt remapping table (one IRTE per miss)
 * @ctx: passed to @read
 * @req: the request (guest controlled)
 * @res: out: the interrupt to deliver, or the fault
 */
void vtd_ir_remap(const struct vtd_ir_cfg *cfg, struct vtd_iec *iec, vtd_ir_read_fn read,
		  void *ctx, const struct vtd_ir_req *req, struct vtd_ir_result *res)
{
	bool eime = cfg->irta & VTD_IRTA_EIME;
	u32 handle;
	u64 lo, hi;

	memset(res, 0, sizeof(*res));
	res->msi_addr = req->addr;
	res->msi_data = req->data;
	if (!cfg->ires)
		return;
	if (!(req->addr & VTD_MSI_ADDR_IF)) {
		/* x2APIC mode blocks the format whatever CFIS says. */
		if (eime || !cfg->cfis)
			res->fault = VTD_FR_IR_COMPAT;
		return;
	}

	res->remapped = true;
	if (req->data & ~VTD_MSI_DATA_SUBHANDLE) {
		res->fault = VTD_FR_IR_REQ_RSVD;
		return;
	}
	handle = FIELD_GET(VTD_MSI_ADDR_HANDLE_LO, req->addr) |
		 (req->addr & VTD_MSI_ADDR_HANDLE_HI ? BIT(15) : 0);
	res->index = handle;
	if (req->addr & VTD_MSI_ADDR_SHV)
		res->index += FIELD_GET(VTD_MSI_DATA_SUBHANDLE, req->data);
	if (res->index >= 2u << FIELD_GET(VTD_IRTA_S, cfg->irta)) {
		res->fault = VTD_FR_IR_INDEX;
		return;
	}

	res->fault = vtd_irte_get(cfg, iec, read, ctx, res, &lo, &hi);
	if (res->fault == VTD_FR_IR_TABLE)
		return;
	if (!res->fault && !vtd_irte_sid_ok(hi, req->sid))
		res->fault = VTD_FR_IR_SID;
	if (!res->fault) {
		vtd_irte_deliver(lo, eime, res);
		return;
	}
	/* The entry was read: its FPD decides (not present, reserved, SID). */
	res->fpd = lo & VTD_IRTE_FPD;
}
