// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd register file, driven by guests written against the VT-d
 * specification: capabilities, RO/RW/RW1C bits, the GCMD/GSTS handshake,
 * register-based invalidation, fault recording and fault event interrupts,
 * reset and save/restore.  The invalidation queue is vtd_queue_test,
 * interrupt remapping vtd_intremap_test.
 *
 * Every guest phase ends in a ucall; run_stage() asserts that the vCPU's
 * only exits are those ucalls, so every register access in between was
 * handled in the kernel.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lib/vtd_guest_vm.h"

/* --- capabilities and register bits -------------------------------------- */

static void guest_caps_and_bits(void)
{
	uint32_t fro = CAP_FRO(guest_cap);
	int i;

	GUEST_ASSERT_EQ(rd32(R, VER), 0x10);
	GUEST_ASSERT_EQ(rd64(R, CAP), guest_cap);
	GUEST_ASSERT_EQ(rd64(R, ECAP), guest_ecap);
	/* Either half of a 64-bit register reads as a dword. */
	GUEST_ASSERT_EQ(rd32(R, CAP), (uint32_t)guest_cap);
	GUEST_ASSERT_EQ(rd32(R, CAP + 4), guest_cap >> 32);

	/* Read-only registers ignore writes. */
	wr64(R, CAP, ~0ull);
	wr32(R, ECAP + 4, 0);
	wr32(R, VER, 0xff);
	wr32(R, GSTS, ~0u);
	wr64(R, IQH, 0x40);
	GUEST_ASSERT_EQ(rd64(R, CAP), guest_cap);
	GUEST_ASSERT_EQ(rd64(R, ECAP), guest_ecap);
	GUEST_ASSERT_EQ(rd32(R, VER), 0x10);
	GUEST_ASSERT_EQ(rd32(R, GSTS), 0);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);

	/* RW fields stick, reserved bits do not; IP is read-only. */
	wr32(R, FEADDR, 0xfee00003);
	GUEST_ASSERT_EQ(rd32(R, FEADDR), 0xfee00000);
	wr32(R, FEDATA, 0x12340041);
	GUEST_ASSERT_EQ(rd32(R, FEDATA), 0x41);
	GUEST_ASSERT_EQ(rd32(R, FECTL), ECTL_IM);
	wr32(R, FECTL, ECTL_IP);
	GUEST_ASSERT_EQ(rd32(R, FECTL), 0);
	wr32(R, FECTL, ECTL_IM);
	wr64(R, RTADDR, 0xfffffffffffff3ffull);
	GUEST_ASSERT_EQ(rd64(R, RTADDR), 0x000ffffffffff000ull);
	wr32(R, RTADDR + 4, 0);
	wr32(R, RTADDR, 0x5000);
	GUEST_ASSERT_EQ(rd64(R, RTADDR), 0x5000);

	/* Nothing outside the defined registers holds a value. */
	for (i = 0x200; i < fro; i += 4) {
		wr32(R, i, ~0u);
		GUEST_ASSERT_EQ(rd32(R, i), 0);
	}
	GUEST_SYNC(1);

	/* The host logged a fault: RW1C bits clear only when written 1. */
	GUEST_ASSERT_EQ(rd32(R, FSTS), FSTS_PPF);
	GUEST_ASSERT_EQ(rd64(R, fro + 8) >> 63, 1);
	GUEST_ASSERT_EQ(rd64(R, fro + 8) & 0xffff, 0x0808);
	GUEST_ASSERT_EQ(rd64(R, fro), 0x1234000);
	wr64(R, fro + 8, 0);
	wr32(R, FSTS, 0);
	GUEST_ASSERT_EQ(rd32(R, FSTS), FSTS_PPF);
	GUEST_ASSERT(rd64(R, fro + 8) & FRCD_F);
	wr32(R, fro + 12, FRCD_F >> 32);
	GUEST_ASSERT(!(rd64(R, fro + 8) & FRCD_F));
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

TEST(caps_and_bits)
{
	/* A non-default selection: 16 records, RWBF, no caching mode. */
	uint64_t cap, base;
	struct vtd_vm t;
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	base = vtd_reg_get(fd, CAP);
	ASSERT_NE(0, CAP_SAGAW(base));
	ASSERT_GE(CAP_NFR(base), 8);
	ASSERT_EQ(ECAP_QI, vtd_reg_get(fd, ECAP) & ECAP_QI);
	close(fd);
	kvm_vm_free(vm);

	cap = (base & ~(0xffull << 40) & ~CAP_CM) | (15ull << 40) | CAP_RWBF;
	vtd_vm_create(&t, guest_caps_and_bits, cap, 0);
	ASSERT_EQ(cap, guest_cap);
	run_stage(&t, 1);
	vtd_inject_fault(t.vm, 0x0808, 5, 0x1234567);
	run_stage(&t, -1);
	ASSERT_EQ(2, t.exits);
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_FAULTS_RECORDED));
	vtd_vm_free(&t);
}

TEST(caps_selection_abi)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	uint64_t cap = vtd_reg_get(fd, CAP), ecap = vtd_reg_get(fd, ECAP);
	static const uint64_t bad_cap_bits[] = {
		1ull << 3,	/* AFL */
		1ull << 5,	/* PLMR */
		1ull << 22,	/* ZLR */
		1ull << 36,	/* SLLPS 512G */
		1ull << 56,	/* FL1GP without ECAP.FLTS */
		1ull << 59,	/* PI */
		1ull << 62,	/* ESIRTPS without ECAP.IR */
		16ull << 8,	/* SAGAW bit 4, reserved */
	};
	static const uint64_t bad_ecap_bits[] = {
		1ull << 4,	/* EIM without IR */
		1ull << 20,	/* MHMV without IR */
		1ull << 26,	/* NEST */
		1ull << 40,	/* PASID without SMTS */
		1ull << 46,	/* SLTS without SMTS */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_cap_bits); i++) {
		ASSERT_EQ(-1, vtd_reg_set(fd, CAP, cap | bad_cap_bits[i]));
		ASSERT_EQ(EINVAL, errno);
	}
	for (i = 0; i < ARRAY_SIZE(bad_ecap_bits); i++) {
		ASSERT_EQ(-1, vtd_reg_set(fd, ECAP, ecap | bad_ecap_bits[i]));
		ASSERT_EQ(EINVAL, errno);
	}
	/* MGAW wider than SAGAW maps; no SAGAW; FRO moved; NFR too big. */
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, (cap & ~(0x1full << 8)) | (2ull << 8)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, cap & ~(0x1full << 8)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, cap + (1ull << 24)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, cap | (0xffull << 40)));
	ASSERT_EQ(EINVAL, errno);
	/*
	 * What a Linux guest cannot use: 1 GiB pages without 2 MiB (SLLPS
	 * 10b), MAMV above 45, scalable mode without the queue or without a
	 * translation table type, first and second stage without a common
	 * depth (39-bit SAGAW only).
	 */
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, (cap & ~(0xfull << 34)) | (2ull << 34)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, (cap & ~(0x3full << 48)) | (46ull << 48)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, cap | (0x3full << 48)));	/* MAMV 63 */
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, ECAP, (ecap & ~ECAP_QI) | ECAP_SMTS | ECAP_SLTS));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, ECAP, ecap | ECAP_SMTS));
	ASSERT_EQ(EINVAL, errno);
	/* Rejected values changed nothing. */
	ASSERT_EQ(cap, vtd_reg_get(fd, CAP));
	ASSERT_EQ(ecap, vtd_reg_get(fd, ECAP));
	ASSERT_EQ(0x10, vtd_reg_get(fd, VER));
	ASSERT_EQ(0, vtd_reg_set(fd, CAP, (cap & ~(0x3full << 48)) | (45ull << 48)));
	ASSERT_EQ(0, vtd_reg_set(fd, CAP, (cap & ~(0x1full << 8 | 0x3full << 16)) |
				 (2ull << 8) | (38ull << 16)));
	ASSERT_EQ(-1, vtd_reg_set(fd, ECAP, ecap | ECAP_SMTS | ECAP_SLTS | ECAP_FLTS));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap | ECAP_SMTS | ECAP_SLTS));
	/* A scalable-mode unit is VT-d 3.0. */
	ASSERT_EQ(0x30, vtd_reg_get(fd, VER));
	/* Snoop control (bit 7) is selectable. */
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap | (1ull << 7)));
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap));
	ASSERT_EQ(0, vtd_reg_set(fd, CAP, cap));
	ASSERT_EQ(0x10, vtd_reg_get(fd, VER));

	/* 39-bit only, no QI: accepted, and the queue registers disappear. */
	ASSERT_EQ(0, vtd_reg_set(fd, CAP, (cap & ~((0x1full << 8) | (0x3full << 16))) |
				 (2ull << 8) | (38ull << 16)));
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap & ~ECAP_QI));
	ASSERT_EQ(-1, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, IQA));
	ASSERT_EQ(ENXIO, errno);
	/* Device-TLBs need the queue to be invalidated through. */
	ASSERT_EQ(-1, vtd_reg_set(fd, ECAP, (ecap & ~ECAP_QI) | ECAP_DT));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap | ECAP_DT));
	/* So does interrupt remapping (IR, bit 3), whose IRTA then exists. */
	ASSERT_EQ(-1, vtd_reg_set(fd, ECAP, (ecap & ~ECAP_QI) | (1ull << 3)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, 0xb8));
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap | (1ull << 3) | (1ull << 4) | (15ull << 20)));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, 0xb8));
	ASSERT_EQ(0, vtd_reg_set(fd, ECAP, ecap));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, IQA));

	/* Before INIT only CAP/ECAP are writable; holes are -ENXIO. */
	ASSERT_EQ(-1, vtd_reg_set(fd, FEDATA, 0x41));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, 0x30, 0));
	ASSERT_EQ(ENXIO, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, 0x4000, 0));
	ASSERT_EQ(ENXIO, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, (1ull << 32) | CAP, cap));
	ASSERT_EQ(ENXIO, errno);

	/* After INIT: CAP must match; restoring a register works. */
	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(fd));
	cap = vtd_reg_get(fd, CAP);
	ASSERT_EQ(0, vtd_reg_set(fd, CAP, cap));
	ASSERT_EQ(-1, vtd_reg_set(fd, CAP, cap ^ CAP_CM));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, vtd_reg_set(fd, FEDATA, 0x41));
	ASSERT_EQ(0x41, vtd_reg_get(fd, FEDATA));
	ASSERT_EQ(-1, vtd_reg_set(fd, FEDATA, 1ull << 32));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, GCMD, GCMD_TE));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, vtd_reg_set(fd, KVM_VTD_REG_FAULT_NEXT, CAP_NFR(cap)));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, __kvm_device_attr_set(fd, KVM_DEV_VTD_GRP_REGS, FEDATA, (void *)8));
	ASSERT_EQ(EFAULT, errno);
	close(fd);
	kvm_vm_free(vm);
}

/* --- GCMD handshake and register-based invalidation ---------------------- */

static void guest_gcmd(void)
{
	uint32_t iro = ECAP_IRO(guest_ecap);
	uint64_t v;
	int i, g;

	wr64(R, RTADDR, 0x123000);
	gcmd(GCMD_SRTP, true, GSTS_RTPS);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS);
	gcmd(GCMD_TE, true, GSTS_TES);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_TES);

	/* Context-cache invalidation at each granularity, ICC self-clears. */
	for (g = 1; g <= 3; g++) {
		wr64(R, CCMD, CCMD_ICC | CCMD_CIRG(g) | (0x10 << 16) | 5);
		for (i = 0; i < POLL_LIMIT && (rd64(R, CCMD) & CCMD_ICC); i++)
			;
		v = rd64(R, CCMD);
		GUEST_ASSERT(!(v & CCMD_ICC));
		GUEST_ASSERT_EQ(CCMD_CAIG(v), g);
	}
	/* IOTLB: global, domain, page (IVA with AM), then AM beyond MAMV. */
	for (g = 1; g <= 3; g++) {
		wr64(R, iro, 0x40000 | 2);
		wr64(R, iro + 8, IOTLB_IVT | IOTLB_IIRG(g) | IOTLB_DID(5));
		for (i = 0; i < POLL_LIMIT && (rd64(R, iro + 8) & IOTLB_IVT); i++)
			;
		v = rd64(R, iro + 8);
		GUEST_ASSERT(!(v & IOTLB_IVT));
		GUEST_ASSERT_EQ(IOTLB_IAIG(v), g);
	}
	/* IVA is write-only. */
	GUEST_ASSERT_EQ(rd64(R, iro), 0);
	wr64(R, iro, 0x40000 | (CAP_MAMV(guest_cap) + 1));
	wr64(R, iro + 8, IOTLB_IVT | IOTLB_IIRG(3));
	GUEST_ASSERT_EQ(rd64(R, iro + 8) & (IOTLB_IVT | (3ull << 57)), 0);
	/*
	 * AM 63, the largest the field holds: refused before it is used (it
	 * was a negative shift UBSAN reports), nothing invalidated.
	 */
	wr64(R, iro, 0x40000 | 63);
	wr64(R, iro + 8, IOTLB_IVT | IOTLB_IIRG(3));
	GUEST_ASSERT_EQ(rd64(R, iro + 8) & (IOTLB_IVT | (3ull << 57)), 0);
	GUEST_SYNC(1);

	/* Queued invalidation on: IQA programmed, IQT 0, then QIE. */
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_TES | GSTS_QIES);
	/* Register-based invalidation must not act now: ignored, not hung. */
	wr64(R, CCMD, CCMD_ICC | CCMD_CIRG(1));
	GUEST_ASSERT_EQ(rd64(R, CCMD) & (CCMD_ICC | (3ull << 59)), 0);
	GUEST_SYNC(2);

	/* TE off and on again; QI off. */
	gcmd(GCMD_TE, false, GSTS_TES);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_QIES);
	gcmd(GCMD_TE, true, GSTS_TES);
	gcmd(GCMD_QIE, false, GSTS_QIES);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_TES);
	/* With RWBF the write-buffer flush completes at once (WBFS clear). */
	wr32(R, GCMD, (rd32(R, GSTS) & (GSTS_TES | GSTS_QIES)) | GCMD_WBF);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_TES);
	GUEST_DONE();
}

TEST(gcmd_and_register_invalidation)
{
	struct vtd_vm t;
	uint64_t cap;
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	cap = vtd_reg_get(fd, CAP) | CAP_RWBF;
	close(fd);
	kvm_vm_free(vm);

	vtd_vm_create(&t, guest_gcmd, cap, 0);
	run_stage(&t, 1);
	ASSERT_EQ(0x123000, vtd_reg_get(t.fd, KVM_VTD_REG_LATCHED_RTADDR));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_DMAR_SWITCHES));	/* SRTP, TE on */
	ASSERT_EQ(3, vtd_stat(t.fd, KVM_VTD_STAT_CC_INVALIDATIONS));
	ASSERT_EQ(3, vtd_stat(t.fd, KVM_VTD_STAT_IOTLB_INVALIDATIONS));
	run_stage(&t, 2);
	ASSERT_EQ(queue_gpa, vtd_reg_get(t.fd, KVM_VTD_REG_LATCHED_IQA));
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_REG_INV_IGNORED));
	run_stage(&t, -1);
	ASSERT_EQ(4, vtd_stat(t.fd, KVM_VTD_STAT_DMAR_SWITCHES));
	ASSERT_EQ(3, t.exits);
	vtd_vm_free(&t);
}

/* --- fault events -------------------------------------------------------- */

static void guest_fault_irq(void)
{
	uint32_t fro = CAP_FRO(guest_cap), nfr = CAP_NFR(guest_cap);
	uint32_t i;

	guest_fault_events();
	wr32(R, FEUADDR, 0);
	GUEST_SYNC(1);

	/* One fault: one interrupt, FRI names the record. */
	wait_irqs(&fault_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	GUEST_ASSERT_EQ(rd32(R, FSTS), FSTS_PPF | (0 << 8));
	wr32(R, fro + 12, FRCD_F >> 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);

	/* Masked: held pending in IP, no interrupt until unmasked. */
	wr32(R, FECTL, ECTL_IM);
	GUEST_SYNC(2);
	wait_irqs(&fault_irqs, 2);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	GUEST_ASSERT_EQ(rd32(R, FECTL), ECTL_IM | ECTL_IP);
	GUEST_ASSERT_EQ(FSTS_FRI(rd32(R, FSTS)), 1);
	wr32(R, FECTL, 0);
	wait_irqs(&fault_irqs, 2);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 2);
	GUEST_ASSERT_EQ(rd32(R, FECTL), 0);
	wr32(R, fro + 16 + 12, FRCD_F >> 32);

	/* NFR + 1 unserviced faults: all records full, then PFO; one IRQ. */
	GUEST_SYNC(3);
	wait_irqs(&fault_irqs, 4);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 3);
	GUEST_ASSERT_EQ(rd32(R, FSTS) & (FSTS_PFO | FSTS_PPF), FSTS_PFO | FSTS_PPF);
	for (i = 0; i < nfr; i++)
		GUEST_ASSERT(rd64(R, fro + i * 16 + 8) & FRCD_F);
	for (i = 0; i < nfr; i++)
		wr32(R, fro + i * 16 + 12, FRCD_F >> 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS) & (FSTS_PFO | FSTS_PPF), FSTS_PFO);
	wr32(R, FSTS, FSTS_PFO);
	GUEST_ASSERT_EQ(rd32(R, FSTS) & (FSTS_PFO | FSTS_PPF), 0);
	GUEST_DONE();
}

TEST(fault_interrupt)
{
	struct vtd_vm t;
	uint32_t i, nfr;

	vtd_vm_create(&t, guest_fault_irq, 0, 0);
	nfr = CAP_NFR(guest_cap);
	run_stage(&t, 1);
	vtd_inject_fault(t.vm, 0x10, 6, 0x1000);
	run_stage(&t, 2);
	vtd_inject_fault(t.vm, 0x11, 6, 0x2000);
	run_stage(&t, 3);
	for (i = 0; i < nfr + 2; i++)
		vtd_inject_fault(t.vm, 0x20 + i, 6, 0x3000);
	run_stage(&t, -1);
	ASSERT_EQ(4, t.exits);
	sync_global_from_guest(t.vm, fault_irqs);
	ASSERT_EQ(3, fault_irqs);
	ASSERT_EQ(3, vtd_stat(t.fd, KVM_VTD_STAT_FAULT_IRQS));
	ASSERT_EQ(nfr + 2, vtd_stat(t.fd, KVM_VTD_STAT_FAULTS_RECORDED));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_FAULTS_DROPPED));
	ASSERT_EQ(0, vtd_stat(t.fd, KVM_VTD_STAT_IRQS_FAILED));
	vtd_vm_free(&t);
}

/* --- reset and save/restore ---------------------------------------------- */

static uint32_t page_dump[KVM_VTD_REG_PAGE_SIZE / 4];

/* Dirty the unit the way a running driver would. */
static void guest_dirty(void)
{
	wr64(R, RTADDR, 0x345000);
	gcmd(GCMD_SRTP, true, GSTS_RTPS);
	gcmd(GCMD_TE, true, GSTS_TES);
	wr64(R, IQA, queue_gpa | 1);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	wr32(R, FEDATA, 0x55);
	wr32(R, FEADDR, 0xfee00000);
	wr32(R, IEDATA, 0x56);
	wr64(R, RTADDR, 0x999000);	/* written, not latched */
	wr64(R, ECAP_IRO(guest_ecap), 0x7000 | 1);
	GUEST_SYNC(1);		/* host logs faults here */
}

static void guest_dump(void)
{
	int i;

	for (i = 0; i < KVM_VTD_REG_PAGE_SIZE / 4; i++)
		page_dump[i] = rd32(R, i * 4);
}

static void guest_reset(void)
{
	guest_dirty();
	guest_dump();
	GUEST_SYNC(2);		/* host resets */
	guest_dump();
	GUEST_SYNC(3);
	GUEST_DONE();
}

/* Every attribute of GRP_REGS a unit has, as (attr, value) pairs. */
static int save_regs(int fd, uint64_t *attrs, uint64_t *vals)
{
	static const uint64_t internal[] = {
		KVM_VTD_REG_LATCHED_RTADDR, KVM_VTD_REG_LATCHED_IQA,
		KVM_VTD_REG_FAULT_NEXT,
	};
	uint64_t a;
	int n = 0;
	unsigned int i;

	for (a = 0; a < KVM_VTD_REG_PAGE_SIZE; a += 4) {
		if (__kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, a))
			continue;
		attrs[n] = a;
		vals[n++] = vtd_reg_get(fd, a);
	}
	for (i = 0; i < ARRAY_SIZE(internal); i++) {
		attrs[n] = internal[i];
		vals[n++] = vtd_reg_get(fd, internal[i]);
	}
	return n;
}

TEST(reset_equals_fresh)
{
	uint64_t fa[1100], fv[1100], ra[1100], rv[1100];
	uint32_t fresh[KVM_VTD_REG_PAGE_SIZE / 4];
	struct vtd_vm t;
	int nf, nr;

	vtd_vm_create(&t, guest_reset, 0, 0);
	nf = save_regs(t.fd, fa, fv);
	run_stage(&t, 1);
	vtd_inject_fault(t.vm, 0x42, 7, 0x5000);
	run_stage(&t, 2);
	sync_global_from_guest(t.vm, page_dump);
	/* The guest's page is not the fresh one before the reset... */
	ASSERT_NE(0, page_dump[0x34 / 4] & FSTS_PPF);
	ASSERT_EQ(0, __kvm_device_attr_set(t.fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL));
	run_stage(&t, 3);
	sync_global_from_guest(t.vm, page_dump);

	/* ...and is byte for byte a fresh unit's page after it. */
	nr = save_regs(t.fd, ra, rv);
	ASSERT_EQ(nf, nr);
	ASSERT_EQ(0, memcmp(fa, ra, nf * sizeof(fa[0])));
	ASSERT_EQ(0, memcmp(fv, rv, nf * sizeof(fv[0])));
	memset(fresh, 0, sizeof(fresh));
	fresh[0] = 0x10;
	fresh[CAP / 4] = guest_cap;
	fresh[CAP / 4 + 1] = guest_cap >> 32;
	fresh[ECAP / 4] = guest_ecap;
	fresh[ECAP / 4 + 1] = guest_ecap >> 32;
	fresh[FECTL / 4] = ECTL_IM;
	fresh[IECTL / 4] = ECTL_IM;
	ASSERT_EQ(0, memcmp(fresh, page_dump, sizeof(fresh)));
	run_stage(&t, -1);
	ASSERT_EQ(4, t.exits);
	vtd_vm_free(&t);
}

static uint32_t release;

static void guest_migrate(void)
{
	guest_dirty();
	guest_dump();
	GUEST_SYNC(2);		/* host saves here, restores into another VM */
	guest_dump();
	/* Stay in KVM_RUN until the host has tried a restore meanwhile. */
	while (!READ_ONCE(release))
		cpu_relax();
	GUEST_SYNC(3);
	/* The restored unit keeps working: service the faults, TE off. */
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_PPF);
	wr32(R, CAP_FRO(guest_cap) + 12, FRCD_F >> 32);
	wr32(R, CAP_FRO(guest_cap) + 16 + 12, FRCD_F >> 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS) & FSTS_PPF, 0);
	gcmd(GCMD_TE, false, GSTS_TES);
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_QIES);
	GUEST_DONE();
}

static void *run_vcpu_once(void *arg)
{
	struct vtd_vm *t = arg;

	vcpu_run(t->vcpu);
	return NULL;
}

static void guest_never_runs(void)
{
	GUEST_DONE();
}

/*
 * Restore and reset hold every vCPU's mutex; with more vCPUs than lockdep
 * tracks held locks (48) that must still be one clean operation (the
 * runner fails on "BUG: MAX_LOCK_DEPTH too low!").
 */
TEST(restore_reset_many_vcpus)
{
	struct kvm_vcpu *vcpus[64];
	struct kvm_vm *vm = vm_create_with_vcpus(ARRAY_SIZE(vcpus), guest_never_runs, vcpus);
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(fd));
	ASSERT_EQ(0, vtd_reg_set(fd, FEDATA, 0x41));
	ASSERT_EQ(0x41, vtd_reg_get(fd, FEDATA));
	ASSERT_EQ(0, __kvm_device_attr_set(fd, KVM_DEV_VTD_GRP_CTRL, KVM_DEV_VTD_CTRL_RESET,
					   NULL));
	ASSERT_EQ(0, vtd_reg_get(fd, FEDATA));
	close(fd);
	kvm_vm_free(vm);
}

TEST(save_restore)
{
	uint64_t aa[1100], av[1100], ba[1100], bv[1100];
	uint32_t dump_a[KVM_VTD_REG_PAGE_SIZE / 4];
	struct userspace_mem_region *ra, *rb;
	struct kvm_x86_state *state;
	struct kvm_regs regs;
	struct vtd_vm a, b;
	struct ucall *uc;
	int na, nb, i, busy = 0;
	uint32_t *rel;
	pthread_t th;

	vtd_vm_create(&a, guest_migrate, 0, 0);
	run_stage(&a, 1);
	vtd_inject_fault(a.vm, 0x42, 7, 0x5000);
	vtd_inject_fault(a.vm, 0x43, 7, 0x6000);
	run_stage(&a, 2);
	sync_global_from_guest(a.vm, page_dump);
	memcpy(dump_a, page_dump, sizeof(dump_a));
	na = save_regs(a.fd, aa, av);
	vcpu_regs_get(a.vcpu, &regs);	/* rdi: the ucall in flight */
	state = vcpu_save_state(a.vcpu);

	/* Destination: a fresh VM with the same layout; unit restored first. */
	vtd_vm_create(&b, guest_migrate, vtd_reg_get(a.fd, CAP), vtd_reg_get(a.fd, ECAP));
	for (i = 0; i < na; i++)
		ASSERT_EQ(0, vtd_reg_set(b.fd, aa[i], av[i]))
			TH_LOG("restore 0x%lx = 0x%lx", aa[i], av[i]);
	nb = save_regs(b.fd, ba, bv);
	ASSERT_EQ(na, nb);
	ASSERT_EQ(0, memcmp(aa, ba, na * sizeof(aa[0])));
	for (i = 0; i < na; i++)
		ASSERT_EQ(av[i], bv[i]) TH_LOG("reg 0x%lx", aa[i]);

	/* Then guest memory and the vCPU, as a VMM migrates them. */
	ra = memslot2region(a.vm, 0);
	rb = memslot2region(b.vm, 0);
	ASSERT_EQ(ra->region.memory_size, rb->region.memory_size);
	memcpy(rb->host_mem, ra->host_mem, ra->region.memory_size);
	/*
	 * The selftest library's ucall structs carry their host address,
	 * which differs between the two VMs: point the one in flight (the
	 * only one a single vCPU uses) at B's copy.
	 */
	uc = addr_gpa2hva(b.vm, addr_hva2gpa(a.vm, (void *)regs.rdi));
	uc->hva = uc;
	vcpu_load_state(b.vcpu, state);
	kvm_x86_state_cleanup(state);
	release = 1;
	sync_global_to_guest(b.vm, release);
	b.exits = a.exits;

	/* B's guest dumps its page: identical to A's. */
	run_stage(&b, 3);
	sync_global_from_guest(b.vm, page_dump);
	for (i = 0; i < KVM_VTD_REG_PAGE_SIZE / 4; i++)
		ASSERT_EQ(dump_a[i], page_dump[i]) TH_LOG("offset 0x%x", i * 4);
	run_stage(&b, -1);
	ASSERT_EQ(4, b.exits);
	/* Restore counts as a switch: re-evaluated, nothing stale kept. */
	ASSERT_LE(1, vtd_stat(b.fd, KVM_VTD_STAT_DMAR_SWITCHES));
	vtd_vm_free(&b);

	/* A restore while a vCPU is in KVM_RUN is refused with -EBUSY. */
	rel = addr_gva2hva(a.vm, (vm_vaddr_t)&release);
	WRITE_ONCE(*rel, 0);
	pthread_create(&th, NULL, run_vcpu_once, &a);
	for (i = 0; i < 100000 && !busy; i++) {
		if (vtd_reg_set(a.fd, FEDATA, 0x55)) {
			ASSERT_EQ(EBUSY, errno);
			busy = 1;
		} else {
			usleep(100);
		}
	}
	ASSERT_EQ(1, busy);
	ASSERT_EQ(-1, __kvm_device_attr_set(a.fd, KVM_DEV_VTD_GRP_CTRL,
					    KVM_DEV_VTD_CTRL_RESET, NULL));
	ASSERT_EQ(EBUSY, errno);
	WRITE_ONCE(*rel, 1);
	pthread_join(th, NULL);
	ASSERT_EQ(0, vtd_reg_set(a.fd, FEDATA, 0x55));
	vtd_vm_free(&a);
}

TEST_HARNESS_MAIN
