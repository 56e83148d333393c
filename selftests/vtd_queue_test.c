// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd's invalidation queue, driven by guests: 128- and 256-bit
 * descriptors, waits and their status writes and interrupts, device-TLB
 * descriptors, descriptor width rules, and the architected queue errors
 * (IQE with IQERCD, head left on the bad descriptor) for reserved bits,
 * bad types and widths, unbacked status addresses and hostile tails.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lib/vtd_guest_vm.h"

/* --- invalidation queue -------------------------------------------------- */

static void guest_queue(void)
{
	int i;

	guest_events_and_queue();

	/* Context global, IOTLB domain, wait with status write and IF. */
	WRITE_ONCE(*status_gva, 0);
	vtd_gq_put(&gq, 0, CC_GLOBAL, 0);
	vtd_gq_put(&gq, 1, IOTLB_DSI(7), 0);
	vtd_gq_put(&gq, 2, WAIT_SW(0x600d) | WAIT_IF | WAIT_FN, status_gpa);
	wr64(R, IQT, 3 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x600d);
	wait_irqs(&inv_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(inv_irqs), 1);
	GUEST_ASSERT_EQ(rd32(R, ICS), ICS_IWC);
	wr32(R, ICS, ICS_IWC);

	/* An invalid descriptor: IQE, head stays on it, fault interrupt. */
	vtd_gq_put(&gq, 3, 0x11 | (1 << 8), 0);		/* reserved bit */
	vtd_gq_put(&gq, 4, WAIT_SW(0xbeef), status_gpa);
	wr64(R, IQT, 5 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	wait_irqs(&fault_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	/* Fix it and clear IQE: the queue resumes from the head. */
	vtd_gq_put(&gq, 3, CC_GLOBAL, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0xbeef);

	/* A hostile tail beyond the 4 KiB queue: IQE, nothing fetched. */
	wr64(R, IQT, 0x7fff0);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 1);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 16);
	wr64(R, IQT, 5 * 16);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);

	/* Wrap around the end of the queue: 255 .. 1. */
	for (i = 5; i < 256; i++)
		vtd_gq_put(&gq, i, CC_GLOBAL, 0);
	vtd_gq_put(&gq, 0, CC_GLOBAL, 0);
	wr64(R, IQT, 1 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 16);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

TEST(invalidation_queue)
{
	struct vtd_vm t;

	vtd_vm_create(&t, guest_queue, 0, 0);
	run_stage(&t, -1);
	ASSERT_EQ(1, t.exits);
	sync_global_from_guest(t.vm, inv_irqs);
	ASSERT_EQ(1, inv_irqs);
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_INV_IRQS));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_ERRORS));
	/* 3 + 2 + 252 descriptors, one page read per queue run. */
	ASSERT_EQ(257, vtd_stat(t.fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_IOTLB_INVALIDATIONS));
	vtd_vm_free(&t);
}

/* A scalable-mode unit: 256-bit descriptors and the PASID-granular types. */
static void guest_queue_256(void)
{
	int i;

	guest_inv_events();

	/* DW latched with IQA; QS 0: one page, 128 descriptors. */
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa | IQA_DW);
	GUEST_ASSERT_EQ(rd64(R, IQA), queue_gpa | IQA_DW);
	gcmd(GCMD_QIE, true, GSTS_QIES);

	/*
	 * Context global, IOTLB domain, PASID-cache (domain, PASID, global),
	 * PASID-IOTLB (all in PASID, one page), wait with SW and IF.
	 */
	WRITE_ONCE(*status_gva, 0);
	vtd_gq_put(&gq256, 0, CC_GLOBAL, 0);
	vtd_gq_put(&gq256, 1, IOTLB_DSI(7), 0);
	vtd_gq_put(&gq256, 2, PC_DOMAIN(7), 0);
	vtd_gq_put(&gq256, 3, PC_PASID(7, 0x123), 0);
	vtd_gq_put(&gq256, 4, PC_GLOBAL, 0);
	vtd_gq_put(&gq256, 5, PIOTLB_PASID(7, 0x123), 0);
	vtd_gq_put(&gq256, 6, PIOTLB(7, 0x123), 0x45678000 | BIT(6));
	vtd_gq_put(&gq256, 7, WAIT_SW(0x600d) | WAIT_IF | WAIT_FN, status_gpa);
	wr64(R, IQT, 8 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 8 * 32);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x600d);
	wait_irqs(&inv_irqs, 1);
	GUEST_ASSERT_EQ(rd32(R, ICS), ICS_IWC);
	wr32(R, ICS, ICS_IWC);

	/* A non-zero upper half is reserved: IQE at that descriptor. */
	vtd_gq_put(&gq256, 8, CC_GLOBAL, 0);
	vtd_gq_slot(&gq256, 8)[2] = 1;
	vtd_gq_put(&gq256, 9, CC_GLOBAL, 0);
	wr64(R, IQT, 10 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 8 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	vtd_gq_put(&gq256, 8, CC_GLOBAL, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 10 * 32);

	/* Reserved granularities and fields of the PASID types. */
	vtd_gq_put(&gq256, 10, 0x27, 0);			/* PASID-cache G 2 */
	wr64(R, IQT, 11 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	vtd_gq_put(&gq256, 10, 0x16 | BIT_ULL(52), 0);	/* PASID-IOTLB G 1, bit 52 */
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 10 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	vtd_gq_put(&gq256, 10, 0x08, 0);			/* PASID device-TLB: no DT */
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	vtd_gq_put(&gq256, 10, 0x26, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 11 * 32);

	/* A tail in the middle of a 256-bit descriptor: tail error. */
	wr64(R, IQT, 11 * 32 + 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 1);
	GUEST_ASSERT_EQ(rd64(R, IQH), 11 * 32);
	wr64(R, IQT, 11 * 32);
	wr32(R, FSTS, FSTS_IQE);

	/*
	 * Wrap around the end: 127 .. 0.  The first two are PASID-IOTLB masks
	 * beyond MAMV, as Linux sends them for first-stage unmaps over 1 GiB:
	 * 2^30 pages, and 2^52 (the whole PASID); neither is an error.
	 */
	for (i = 13; i < 128; i++)
		vtd_gq_put(&gq256, i, PC_GLOBAL, 0);
	vtd_gq_put(&gq256, 11, PIOTLB(7, 0x123), (1ull << 42) | 30);
	vtd_gq_put(&gq256, 12, PIOTLB(7, 0x123), 52);
	vtd_gq_put(&gq256, 0, CC_GLOBAL, 0);
	wr64(R, IQT, 1 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

TEST(invalidation_queue_256)
{
	struct vtd_vm t;

	vtd_vm_create_add(&t, guest_queue_256, 0, VTD_ECAP_SM);
	run_stage(&t, -1);
	ASSERT_EQ(1, t.exits);
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_INV_IRQS));
	ASSERT_EQ(5, vtd_stat(t.fd, KVM_VTD_STAT_QI_ERRORS));
	/* 8 + 2 + 1 + 118 descriptors. */
	ASSERT_EQ(129, vtd_stat(t.fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	ASSERT_EQ(3 + 115, vtd_stat(t.fd, KVM_VTD_STAT_PC_INVALIDATIONS));
	ASSERT_EQ(3 + 2, vtd_stat(t.fd, KVM_VTD_STAT_PIOTLB_INVALIDATIONS));
	vtd_vm_free(&t);
}

/*
 * A unit with device-TLBs (ECAP.DT, scalable mode): both device-TLB types
 * as a driver with ATS devices queues them after an IOTLB invalidation, in
 * a 128- and then a 256-bit queue, and their reserved fields.
 */
static void guest_queue_devtlb(void)
{
	const uint64_t sid = 0x0010;

	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa);
	gcmd(GCMD_QIE, true, GSTS_QIES);

	/*
	 * Device-TLB: one page (MIP 31, PFSID 0xabc5), 8 pages (S); PASID
	 * device-TLB: one page of PASID 5, every address of every PASID (G,
	 * S with bits 62:12 set, as Linux flushes a whole device-TLB).
	 */
	WRITE_ONCE(*status_gva, 0);
	vtd_gq_put(&gq, 0, DEVTLB(sid) | (5 << 12) | (31 << 16) | (0xabcull << 52), 0x12345000);
	vtd_gq_put(&gq, 1, DEVTLB(sid), 0x12343000 | 1);
	vtd_gq_put(&gq, 2, WAIT_SW(0x600d), status_gpa);
	wr64(R, IQT, 3 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x600d);

	/* Reserved: low bit 21, high bit 1. */
	vtd_gq_put(&gq, 3, 0x3 | BIT(21), 0);
	vtd_gq_put(&gq, 4, CC_GLOBAL, 0);
	wr64(R, IQT, 5 * 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	vtd_gq_put(&gq, 3, 0x3, 0x2);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	/*
	 * The PASID-based device-TLB descriptor exists only in 256-bit form:
	 * in a 128-bit queue it is an invalid descriptor width (IQEI 5).
	 */
	vtd_gq_put(&gq, 3, PDEVTLB(sid, 5), 0x40000000);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 5);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	vtd_gq_put(&gq, 3, DEVTLB(sid), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 16);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);

	/*
	 * 256-bit descriptors, whose upper half is reserved: both types, the
	 * PASID one for one page of PASID 5 and for every address of every
	 * PASID (G, S with bits 62:12 set, as Linux flushes a whole
	 * device-TLB); its high bit 10 is reserved.
	 */
	guest_queue_restart(queue_gpa | IQA_DW);
	WRITE_ONCE(*status_gva, 0);
	vtd_gq_put(&gq256, 0, DEVTLB(sid), 0x1000);
	vtd_gq_put(&gq256, 1, PDEVTLB(sid, 7), 0x2000 | BIT(11));
	vtd_gq_put(&gq256, 2, PDEVTLB(sid, 5), 0x40000000);
	vtd_gq_put(&gq256, 3, 0x8 | (sid << 16), (((1ull << 63) - 1) & ~0xfffull) | BIT(11) | 1);
	vtd_gq_put(&gq256, 4, WAIT_SW(0xbeef), status_gpa);
	wr64(R, IQT, 5 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 32);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0xbeef);
	vtd_gq_put(&gq256, 5, 0x8 | (sid << 16), 0);
	vtd_gq_slot(&gq256, 5)[2] = 1;
	wr64(R, IQT, 6 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 32);
	vtd_gq_put(&gq256, 5, 0x8, 0x400);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 32);
	vtd_gq_put(&gq256, 5, 0x8 | (sid << 16), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 6 * 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

/*
 * Scalable mode wants a 256-bit queue: once the latched root table is a
 * scalable-mode one, every descriptor of a 128-bit queue is an invalid
 * descriptor width (IQEI 5) and the queue stops there; re-enabled with
 * DW, the same descriptors run.
 */
static void guest_queue_width(void)
{
	wr64(R, RTADDR, 0x100000 | RTADDR_TTM_SM);
	gcmd(GCMD_SRTP, true, GSTS_RTPS);
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	vtd_gq_put(&gq, 0, CC_GLOBAL, 0);
	wr64(R, IQT, 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 5);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);

	gcmd(GCMD_QIE, false, GSTS_QIES);
	wr32(R, FSTS, FSTS_IQE);
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa | IQA_DW);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	vtd_gq_put(&gq256, 0, CC_GLOBAL, 0);
	vtd_gq_put(&gq256, 1, PC_GLOBAL, 0);
	wr64(R, IQT, 2 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 2 * 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

TEST(invalidation_queue_width)
{
	struct vtd_vm t;

	vtd_vm_create_add(&t, guest_queue_width, 0, VTD_ECAP_SM);
	run_stage(&t, -1);
	ASSERT_EQ(1, t.exits);
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	vtd_vm_free(&t);
}

TEST(invalidation_queue_devtlb)
{
	struct vtd_vm t;

	vtd_vm_create_add(&t, guest_queue_devtlb, 0, VTD_ECAP_SM | ECAP_DT);
	ASSERT_EQ(ECAP_DT, guest_ecap & ECAP_DT);
	run_stage(&t, -1);
	ASSERT_EQ(1, t.exits);
	ASSERT_EQ(3 + 2, vtd_stat(t.fd, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(2 + 1 + 1, vtd_stat(t.fd, KVM_VTD_STAT_DEVTLB_INVALIDATIONS));
	ASSERT_EQ(3 + 1, vtd_stat(t.fd, KVM_VTD_STAT_PDEVTLB_INVALIDATIONS));
	/* 3 + 2 + 5 + 1 descriptors. */
	ASSERT_EQ(11, vtd_stat(t.fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_WAITS));
	vtd_vm_free(&t);
}

#define NOWHERE		0xf000000000ull		/* no memslot */

/*
 * A unit without scalable mode has no DW bit and no PASID types; a wait
 * status address and a queue base without guest memory are queue errors.
 */
static void guest_queue_no_sm(void)
{
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa | IQA_DW);
	GUEST_ASSERT_EQ(rd64(R, IQA), queue_gpa);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	vtd_gq_put(&gq, 0, 0x17, 0);
	wr64(R, IQT, 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	/* Nor device-TLB descriptors without ECAP.DT, nor IEC without IR. */
	vtd_gq_put(&gq, 0, 0x3, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	vtd_gq_put(&gq, 0, 0x4, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);

	/* A wait whose status write has no memory: IQE at the wait. */
	vtd_gq_put(&gq, 0, CC_GLOBAL, 0);
	vtd_gq_put(&gq, 1, WAIT_SW(0x1234), NOWHERE);
	vtd_gq_put(&gq, 2, CC_GLOBAL, 0);
	wr64(R, IQT, 3 * 16);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 2);
	GUEST_ASSERT_EQ(rd64(R, IQH), 16);
	vtd_gq_put(&gq, 1, WAIT_SW(0x1234), status_gpa);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x1234);

	/* A queue base without memory: the fetch fails, nothing runs. */
	guest_queue_restart(NOWHERE);
	wr64(R, IQT, 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 2);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	GUEST_DONE();
}

TEST(invalidation_queue_errors)
{
	struct vtd_vm t;

	vtd_vm_create(&t, guest_queue_no_sm, 0, 0);
	run_stage(&t, -1);
	ASSERT_EQ(1, t.exits);
	ASSERT_EQ(0, vtd_stat(t.fd, KVM_VTD_STAT_PC_INVALIDATIONS));
	ASSERT_EQ(0, vtd_stat(t.fd, KVM_VTD_STAT_DEVTLB_INVALIDATIONS));
	ASSERT_EQ(0, vtd_stat(t.fd, KVM_VTD_STAT_IEC_INVALIDATIONS));
	ASSERT_EQ(5, vtd_stat(t.fd, KVM_VTD_STAT_QI_ERRORS));
	/* Drains that ran descriptors: the first CC, then the other three. */
	ASSERT_EQ(3, vtd_stat(t.fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_DRAINS));
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_QI_WAITS));	/* the failed one is not */
	vtd_vm_free(&t);
}

TEST_HARNESS_MAIN
