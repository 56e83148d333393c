// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: the register file and the descriptor decoder, as a hostile
 * guest and a hostile VMM drive them.  An input picks CAP/ECAP (kept only if
 * vtd_caps_validate() accepts them) and then a sequence of guest register
 * writes and reads, faults, queue errors, invalidation events, VMM
 * get/set of any attribute, and descriptor decodes.  After every step:
 *
 * - the state is one a VMM can save and restore: every attribute that reads
 *   restores into a freshly reset unit, which then holds the same page;
 * - FSTS.FRI and the next fault record stay inside NFR;
 * - a decoded page-selective invalidation has an address aligned to its
 *   mask, an IOTLB one a mask within MAMV, a PASID-IOTLB one a mask below
 *   2^52 pages (larger ones become PASID-selective).
 */
#include "input.h"
#include "../kvm-vtd/spec/regfile.h"

static u64 pick_caps(struct input *in, u64 *cap, u64 *ecap)
{
	static const u64 ecap_bits[] = {
		VTD_ECAP_SMTS | VTD_ECAP_SLTS, VTD_ECAP_FLTS, VTD_ECAP_PASID | VTD_ECAP_SRS,
		VTD_ECAP_DT, VTD_ECAP_IR, VTD_ECAP_EIM, FIELD_PREP(VTD_ECAP_MHMV, 15),
		VTD_ECAP_SC,
	};
	u64 c = vtd_cap_default(), e = vtd_ecap_default();
	u8 sel = take8(in);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ecap_bits); i++)
		if (sel & BIT(i))
			e |= ecap_bits[i];
	/* And anything in the fields, for the validator to judge. */
	c ^= take64(in) & take64(in);
	e ^= take64(in) & take64(in) & take64(in);
	if (vtd_caps_validate(c, e)) {
		c = vtd_cap_default();
		e = vtd_ecap_default();
	}
	*cap = c;
	*ecap = e;
	return 0;
}

static void check_restorable(const struct vtd_regfile *rf, u64 cap, u64 ecap)
{
	static struct vtd_regfile copy;
	u64 attr, val;
	int rc;

	vtd_rf_reset(&copy, cap, ecap);
	/* Nothing above the last fault record: no register is there. */
	for (attr = 0; attr < rf->frcd_off + rf->nfr * VTD_FRCD_SIZE; attr += 4) {
		if (vtd_rf_get(rf, attr, &val))
			continue;
		rc = vtd_rf_set(&copy, attr, val);
		CHECK(!rc, "attr 0x%llx value 0x%llx: %d", (unsigned long long)attr,
		      (unsigned long long)val, rc);
	}
	for (attr = KVM_VTD_REG_LATCHED_RTADDR; attr <= KVM_VTD_REG_LATCHED_IRTA; attr += 8) {
		if (vtd_rf_get(rf, attr, &val))
			continue;
		rc = vtd_rf_set(&copy, attr, val);
		CHECK(!rc, "latch 0x%llx value 0x%llx: %d", (unsigned long long)attr,
		      (unsigned long long)val, rc);
	}
	CHECK(!memcmp(rf->val, copy.val, sizeof(rf->val)), "restored page differs");
	CHECK(rf->iva == copy.iva && rf->rta == copy.rta && rf->iqa == copy.iqa &&
	      rf->irta == copy.irta && rf->next_frcd == copy.next_frcd, "latches differ");
}

static void check_desc(u64 cap, u64 ecap, u64 lo, u64 hi, u64 rta, u64 iqa)
{
	struct vtd_desc d;
	int rc = vtd_desc_decode(cap, ecap, lo, hi, &d);
	int w = vtd_desc_check_width(ecap, rta, iqa, lo);

	CHECK(w == 0 || w == VTD_IQEI_WIDTH, "width %d", w);
	CHECK(rc == 0 || rc == VTD_IQEI_TYPE || rc == VTD_IQEI_RSVD, "decode %d", rc);
	if (rc)
		return;
	if (d.type == VTD_DESC_IOTLB && d.inv.actual == VTD_IOTLB_PAGE) {
		CHECK(d.inv.am <= FIELD_GET(VTD_CAP_MAMV, cap), "am %u", d.inv.am);
		CHECK(!(d.inv.addr & GENMASK_ULL(11 + d.inv.am, 0)), "unaligned");
	}
	if (d.type == VTD_DESC_PIOTLB && d.inv.actual == VTD_PIOTLB_PAGE) {
		CHECK(d.inv.am < VTD_PIOTLB_AM_ALL, "am %u", d.inv.am);
		CHECK(!(d.inv.addr & GENMASK_ULL(11 + d.inv.am, 0)), "unaligned");
	}
	if (d.type == VTD_DESC_DEVTLB || d.type == VTD_DESC_PDEVTLB)
		CHECK(d.inv.am <= VTD_DEVTLB_AM_ALL, "am %u", d.inv.am);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct vtd_regfile rf;
	struct input in = { data, size };
	struct vtd_events ev;
	u64 cap, ecap, attr, val;
	int steps = 0;

	pick_caps(&in, &cap, &ecap);
	vtd_rf_reset(&rf, cap, ecap);
	while (in.left && steps++ < 64) {
		u8 op = take8(&in) % 10;
		/* Offsets biased to where registers are: the first 0x300 bytes. */
		u32 off = take(&in, 2) % (take8(&in) & 1 ? 0x300 : KVM_VTD_REG_PAGE_SIZE);
		int len = take8(&in) & 1 ? 8 : 4;
		struct vtd_fault f;

		off &= ~(u32)(len - 1);
		switch (op) {
		case 0:
		case 1:
			vtd_rf_write(&rf, off, len, take64(&in), &ev);
			break;
		case 2:
			vtd_rf_read(&rf, off, len);
			break;
		case 3:
			memset(&f, 0, sizeof(f));
			f.sid = take(&in, 2);
			f.reason = take8(&in);
			f.type = take8(&in) & 3;
			f.at = take8(&in) & 3;
			f.addr = take64(&in);
			f.pasid_present = take8(&in) & 1;
			f.pasid = take(&in, 3) & 0xfffff;
			f.priv = f.pasid_present && (take8(&in) & 1);
			memset(&ev, 0, sizeof(ev));
			vtd_rf_record_fault(&rf, &f, &ev);
			break;
		case 4:
			memset(&ev, 0, sizeof(ev));
			if (ecap & VTD_ECAP_QI)
				vtd_rf_queue_error(&rf, 1 + take8(&in) % 5, &ev);
			break;
		case 5:
			memset(&ev, 0, sizeof(ev));
			if (ecap & VTD_ECAP_QI)
				vtd_rf_inv_event(&rf, &ev);
			break;
		case 6:
			attr = take8(&in) & 1 ? KVM_VTD_REG_LATCHED_RTADDR + 8 * (take8(&in) % 4) :
			       off;
			val = take64(&in);
			vtd_rf_set(&rf, attr, val);
			break;
		case 7:
			vtd_rf_get(&rf, off, &val);
			break;
		default:
			check_desc(cap, ecap, take64(&in), take64(&in), rf.rta, rf.iqa);
			break;
		}
		CHECK(FIELD_GET(VTD_FSTS_FRI, vtd_rf_read32(&rf, VTD_FSTS_REG)) < rf.nfr,
		      "FRI beyond NFR");
		CHECK(rf.next_frcd < rf.nfr, "next record beyond NFR");
		if (!(steps % 8))
			check_restorable(&rf, cap, ecap);
	}
	check_restorable(&rf, cap, ecap);
	return 0;
}
