// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: interrupt remapping (intremap.c) over a table in test memory:
 * remappable and compatibility requests, every IRTE field and its reserved
 * bits, source-id validation, and the interrupt entry cache with its
 * invalidations.
 */
#include <kunit/test.h>
#include <linux/module.h>

#include "fixture.h"
#include "../intremap.c"

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

static struct kunit_case kvm_vtd_intremap_cases[] = {
	KUNIT_CASE(ir_remap),
	KUNIT_CASE(irte_fields),
	KUNIT_CASE(iec_invalidation),
	{}
};

static struct kunit_suite kvm_vtd_intremap_suite = {
	.name = "kvm_vtd_intremap",
	.test_cases = kvm_vtd_intremap_cases,
};

kunit_test_suite(kvm_vtd_intremap_suite);
