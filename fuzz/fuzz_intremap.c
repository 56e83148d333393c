// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: interrupt remapping and its entry cache.  The input builds
 * an interrupt remapping table (4096 IRTEs of guest memory; a table size
 * beyond it makes reads fail), the IRTA/IRES/CFIS state, then interrupt
 * requests, IRTE changes and cache invalidations.  Checked:
 *
 * - every result is delivered or one of the spec's remapping faults
 *   (0x20-0x26); a delivered remapped message is a compatibility-format
 *   write to 0xfee00000-0xfeefffff;
 * - with IRES clear every request passes unchanged;
 * - the cached result equals the result from an empty cache while the
 *   table is unchanged since the last flush; an index-selective
 *   invalidation drops at least the indices it names.
 */
#include "input.h"
#include "../kvm-vtd/spec/intremap.h"

#define TABLE_GPA	0x200000ull
#define TABLE_IRTES	4096

static u64 table[TABLE_IRTES * 2];

static int read_table(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	if (gpa < TABLE_GPA || gpa + len > TABLE_GPA + sizeof(table))
		return -EFAULT;
	memcpy(buf, (u8 *)table + (gpa - TABLE_GPA), len);
	return 0;
}

static u64 irte_lo(struct input *in)
{
	u8 k = take8(in);

	/* Mostly present, valid-looking entries; sometimes anything. */
	if (k & 1)
		return take64(in);
	return VTD_IRTE_P | (take8(in) & 1 ? VTD_IRTE_FPD : 0) |
	       FIELD_PREP(VTD_IRTE_V, take8(in)) | FIELD_PREP(VTD_IRTE_DLM, (k >> 1) & 1) |
	       (k & 8 ? FIELD_PREP(VTD_IRTE_DST, take(in, 4)) :
			FIELD_PREP(VTD_IRTE_DST_XAPIC, take8(in)));
}

static u64 irte_hi(struct input *in)
{
	u8 k = take8(in);

	if (k & 1)
		return take64(in);
	return FIELD_PREP(VTD_IRTE_SID, take(in, 2)) | FIELD_PREP(VTD_IRTE_SQ, k >> 1) |
	       FIELD_PREP(VTD_IRTE_SVT, (k >> 3) % 3);
}

static void check(const struct vtd_ir_cfg *cfg, const struct vtd_ir_req *req,
		  const struct vtd_ir_result *r)
{
	CHECK(!r->fault || (r->fault >= 0x20 && r->fault <= 0x26), "fault 0x%x", r->fault);
	if (!cfg->ires) {
		CHECK(!r->fault && !r->remapped, "remapping while disabled");
		CHECK(r->msi_addr == req->addr && r->msi_data == req->data, "changed");
		return;
	}
	if (r->fault || !r->remapped)
		return;
	CHECK((r->msi_addr & 0xfff00000ull) == 0xfee00000ull, "address 0x%llx",
	      (unsigned long long)r->msi_addr);
	CHECK(!(r->msi_addr & VTD_MSI_ADDR_IF), "remappable format out");
	CHECK(FIELD_GET(VTD_MSI_DATA_VECTOR, r->msi_data) == r->vector, "vector");
}

static bool same(const struct vtd_ir_result *a, const struct vtd_ir_result *b)
{
	return a->fault == b->fault && a->fpd == b->fpd && a->remapped == b->remapped &&
	       a->index == b->index && a->msi_addr == b->msi_addr && a->msi_data == b->msi_data;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct vtd_iec iec, cold;
	struct input in = { data, size };
	struct vtd_ir_cfg cfg = {};
	bool clean = true;
	int n, steps = 0;
	u8 f;

	memset(table, 0, sizeof(table));
	memset(&iec, 0, sizeof(iec));
	f = take8(&in);
	cfg.ires = !(f & 1);
	cfg.cfis = f & 2;
	cfg.irta = TABLE_GPA | (f & 4 ? VTD_IRTA_EIME : 0) | FIELD_PREP(VTD_IRTA_S, f >> 4);
	for (n = take8(&in); n > 0 && in.left; n--) {
		u32 i = take(&in, 2) % TABLE_IRTES;

		table[2 * i] = irte_lo(&in);
		table[2 * i + 1] = irte_hi(&in);
	}

	while (in.left && steps++ < 128) {
		struct vtd_ir_req req;
		struct vtd_ir_result a, b;
		u8 op = take8(&in);
		u32 i;

		switch (op % 4) {
		case 0:
		case 1:
			req.sid = take(&in, 2);
			/* Remappable format mostly, with a small handle. */
			if (op & 0x10)
				req.addr = 0xfee00000ull | (take(&in, 3) & 0xfffff);
			else
				req.addr = 0xfee00000ull | VTD_MSI_ADDR_IF |
					   (op & 0x20 ? VTD_MSI_ADDR_SHV : 0) |
					   ((take(&in, 2) & 0x7fff) << 5);
			req.data = op & 0x40 ? take(&in, 4) : take(&in, 2) & 0xff;
			vtd_ir_remap(&cfg, &iec, read_table, NULL, &req, &a);
			check(&cfg, &req, &a);
			memset(&cold, 0, sizeof(cold));
			vtd_ir_remap(&cfg, &cold, read_table, NULL, &req, &b);
			if (clean)
				CHECK(same(&a, &b), "cached result differs (index %u)", a.index);
			break;
		case 2:		/* the guest rewrites an IRTE, then maybe invalidates it */
			i = take(&in, 2) % TABLE_IRTES;
			table[2 * i] = irte_lo(&in);
			table[2 * i + 1] = irte_hi(&in);
			if (op & 0x10) {
				vtd_iec_invalidate(&iec, i, (op >> 5) & 7);
				/* What it named is gone from the cache. */
				CHECK(!iec.slot[i % VTD_IEC_SLOTS].valid ||
				      iec.slot[i % VTD_IEC_SLOTS].index != i, "index %u kept", i);
			} else {
				clean = false;
			}
			break;
		default:
			vtd_iec_flush(&iec);
			clean = true;
			break;
		}
	}
	return 0;
}
