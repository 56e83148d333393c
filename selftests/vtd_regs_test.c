// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd register file, driven by guests written against the VT-d
 * specification: capabilities, RO/RW/RW1C bits, the GCMD/GSTS handshake,
 * register-based invalidation, fault recording and fault/invalidation event
 * interrupts, the invalidation queue, interrupt remapping, reset and
 * save/restore.
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
#include "kvm_util.h"
#include "processor.h"
#include "apic.h"
#include "ucall_common.h"
#include "vtd_util.h"

#define FAULT_VECTOR	0x41
#define INV_VECTOR	0x42
#define POLL_LIMIT	1000

#define R		VTD_GPA		/* base for rd32()/wr32() in guests */

/* Guest state the host reads and writes. */
static uint32_t fault_irqs, inv_irqs;
static uint64_t guest_cap, guest_ecap;	/* what the host configured */
static uint64_t queue_gpa, status_gpa;	/* guest memory for the queue tests */
static uint32_t *status_gva;
static uint64_t *queue_gva;

static void fault_handler(struct ex_regs *regs)
{
	WRITE_ONCE(fault_irqs, fault_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

static void inv_handler(struct ex_regs *regs)
{
	WRITE_ONCE(inv_irqs, inv_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

/* Wait (interrupts enabled) until *counter reaches want, or give up. */
static void wait_irqs(uint32_t *counter, uint32_t want)
{
	int i;

	for (i = 0; i < 100000 && READ_ONCE(*counter) < want; i++)
		asm volatile("sti; nop; cli");
	asm volatile("sti");
}

static void gcmd(uint32_t bit, bool on, uint32_t status)
{
	uint32_t gsts = rd32(R, GSTS);
	int i;

	/* As Linux does: the persistent enables from GSTS, plus the command. */
	gsts &= GSTS_TES | GSTS_QIES | GSTS_IRES | GSTS_CFIS;
	wr32(R, GCMD, on ? gsts | bit : gsts & ~bit);
	for (i = 0; i < POLL_LIMIT; i++)
		if (!!(rd32(R, GSTS) & status) == on)
			return;
	GUEST_FAIL("GCMD 0x%x did not reach GSTS 0x%x = %d", bit, status, on);
}

/* The default ECAP plus scalable mode with second-stage tables. */
static uint64_t vtd_ecap_default_sm(void)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	uint64_t ecap = vtd_reg_get(fd, ECAP) | ECAP_SMTS | ECAP_SLTS;

	close(fd);
	kvm_vm_free(vm);
	return ecap;
}

struct vtd_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	int fd;
	int exits;
};

static void vtd_vm_create(struct vtd_vm *t, void *guest, uint64_t cap, uint64_t ecap)
{
	t->vm = vm_create_with_one_vcpu(&t->vcpu, guest);
	virt_map(t->vm, VTD_GPA, VTD_GPA, 2);
	virt_pg_map(t->vm, APIC_DEFAULT_GPA, APIC_DEFAULT_GPA);
	vm_install_exception_handler(t->vm, FAULT_VECTOR, fault_handler);
	vm_install_exception_handler(t->vm, INV_VECTOR, inv_handler);

	queue_gva = (uint64_t *)vm_vaddr_alloc_pages(t->vm, 2);
	queue_gpa = addr_gva2gpa(t->vm, (vm_vaddr_t)queue_gva);
	status_gva = (uint32_t *)vm_vaddr_alloc_page(t->vm);
	status_gpa = addr_gva2gpa(t->vm, (vm_vaddr_t)status_gva);

	t->fd = __kvm_create_device(t->vm, KVM_DEV_TYPE_INTEL_VTD);
	TEST_ASSERT(t->fd >= 0, "create vtd");
	TEST_ASSERT(!vtd_set_addr(t->fd, VTD_GPA), "set addr");
	if (cap)
		TEST_ASSERT(!vtd_reg_set(t->fd, CAP, cap), "set cap");
	if (ecap)
		TEST_ASSERT(!vtd_reg_set(t->fd, ECAP, ecap), "set ecap");
	TEST_ASSERT(!vtd_init(t->fd), "init");

	guest_cap = vtd_reg_get(t->fd, CAP);
	guest_ecap = vtd_reg_get(t->fd, ECAP);
	sync_global_to_guest(t->vm, guest_cap);
	sync_global_to_guest(t->vm, guest_ecap);
	sync_global_to_guest(t->vm, queue_gpa);
	sync_global_to_guest(t->vm, queue_gva);
	sync_global_to_guest(t->vm, status_gpa);
	sync_global_to_guest(t->vm, status_gva);
	t->exits = 0;
}

static void vtd_vm_free(struct vtd_vm *t)
{
	close(t->fd);
	kvm_vm_free(t->vm);
}

/* Run to the next ucall, which must be GUEST_SYNC(stage) (or DONE if < 0). */
static void run_stage(struct vtd_vm *t, int stage)
{
	struct ucall uc;

	vcpu_run(t->vcpu);
	t->exits++;
	TEST_ASSERT(t->vcpu->run->exit_reason == KVM_EXIT_IO,
		    "stage %d: exit %s (0x%llx), expected only ucalls", stage,
		    exit_reason_str(t->vcpu->run->exit_reason),
		    (unsigned long long)t->vcpu->run->mmio.phys_addr);
	switch (get_ucall(t->vcpu, &uc)) {
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
		break;
	case UCALL_SYNC:
		TEST_ASSERT(stage >= 0 && uc.args[1] == stage,
			    "sync %lu, expected %d", uc.args[1], stage);
		break;
	case UCALL_DONE:
		TEST_ASSERT(stage < 0, "done, expected stage %d", stage);
		break;
	default:
		TEST_FAIL("unexpected ucall");
	}
}

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

	xapic_enable();
	wr32(R, FEDATA, FAULT_VECTOR);
	wr32(R, FEADDR, 0xfee00000);	/* APIC ID 0, physical, fixed */
	wr32(R, FEUADDR, 0);
	wr32(R, FECTL, 0);
	asm volatile("sti");
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

/* --- invalidation queue -------------------------------------------------- */

static void qdesc(int i, uint64_t lo, uint64_t hi)
{
	queue_gva[2 * i] = lo;
	queue_gva[2 * i + 1] = hi;
}

/* Fault and invalidation events to APIC 0; a one-page 128-bit queue. */
static void guest_events_and_queue(void)
{
	xapic_enable();
	wr32(R, FEDATA, FAULT_VECTOR);
	wr32(R, FEADDR, 0xfee00000);
	wr32(R, FECTL, 0);
	wr32(R, IEDATA, INV_VECTOR);
	wr32(R, IEADDR, 0xfee00000);
	wr32(R, IECTL, 0);
	asm volatile("sti");

	/* QS 0: one page, 256 descriptors. */
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa);
	gcmd(GCMD_QIE, true, GSTS_QIES);
}

static void guest_queue(void)
{
	int i;

	guest_events_and_queue();

	/* Context global, IOTLB domain, wait with status write and IF. */
	WRITE_ONCE(*status_gva, 0);
	qdesc(0, 0x11, 0);
	qdesc(1, 0x22 | (7 << 16), 0);
	qdesc(2, 0x75 | (0x600dull << 32), status_gpa);
	wr64(R, IQT, 3 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x600d);
	wait_irqs(&inv_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(inv_irqs), 1);
	GUEST_ASSERT_EQ(rd32(R, ICS), ICS_IWC);
	wr32(R, ICS, ICS_IWC);

	/* An invalid descriptor: IQE, head stays on it, fault interrupt. */
	qdesc(3, 0x11 | (1 << 8), 0);		/* reserved bit */
	qdesc(4, 0x25 | (0xbeefull << 32), status_gpa);
	wr64(R, IQT, 5 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	wait_irqs(&fault_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	/* Fix it and clear IQE: the queue resumes from the head. */
	qdesc(3, 0x11, 0);
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
		qdesc(i, 0x11, 0);
	qdesc(0, 0x11, 0);
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

/* A 256-bit descriptor: the low 128 bits, then the reserved high half. */
static void qdesc256(int i, uint64_t lo, uint64_t hi, uint64_t hi2)
{
	queue_gva[4 * i] = lo;
	queue_gva[4 * i + 1] = hi;
	queue_gva[4 * i + 2] = hi2;
	queue_gva[4 * i + 3] = 0;
}

/* A scalable-mode unit: 256-bit descriptors and the PASID-granular types. */
static void guest_queue_256(void)
{
	int i;

	xapic_enable();
	wr32(R, IEDATA, INV_VECTOR);
	wr32(R, IEADDR, 0xfee00000);
	wr32(R, IECTL, 0);
	asm volatile("sti");

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
	qdesc256(0, 0x11, 0, 0);
	qdesc256(1, 0x22 | (7 << 16), 0, 0);
	qdesc256(2, 0x07 | (7 << 16), 0, 0);
	qdesc256(3, 0x17 | (7 << 16) | (0x123ull << 32), 0, 0);
	qdesc256(4, 0x37, 0, 0);
	qdesc256(5, 0x26 | (7 << 16) | (0x123ull << 32), 0, 0);
	qdesc256(6, 0x36 | (7 << 16) | (0x123ull << 32), 0x45678000 | BIT(6), 0);
	qdesc256(7, 0x75 | (0x600dull << 32), status_gpa, 0);
	wr64(R, IQT, 8 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 8 * 32);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x600d);
	wait_irqs(&inv_irqs, 1);
	GUEST_ASSERT_EQ(rd32(R, ICS), ICS_IWC);
	wr32(R, ICS, ICS_IWC);

	/* A non-zero upper half is reserved: IQE at that descriptor. */
	qdesc256(8, 0x11, 0, 1);
	qdesc256(9, 0x11, 0, 0);
	wr64(R, IQT, 10 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 8 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	qdesc256(8, 0x11, 0, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 10 * 32);

	/* Reserved granularities and fields of the PASID types. */
	qdesc256(10, 0x27, 0, 0);			/* PASID-cache G 2 */
	wr64(R, IQT, 11 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	qdesc256(10, 0x16 | BIT_ULL(52), 0, 0);	/* PASID-IOTLB G 1, bit 52 */
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 10 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	qdesc256(10, 0x08, 0, 0);			/* PASID device-TLB: no DT */
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	qdesc256(10, 0x26, 0, 0);
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
		qdesc256(i, 0x37, 0, 0);
	qdesc256(11, 0x36 | (7 << 16) | (0x123ull << 32), (1ull << 42) | 30, 0);
	qdesc256(12, 0x36 | (7 << 16) | (0x123ull << 32), 52, 0);
	qdesc256(0, 0x11, 0, 0);
	wr64(R, IQT, 1 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

TEST(invalidation_queue_256)
{
	struct vtd_vm t;

	vtd_vm_create(&t, guest_queue_256, 0, vtd_ecap_default_sm());
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
	qdesc(0, 0x3 | (5 << 12) | (31 << 16) | (sid << 32) | (0xabcull << 52), 0x12345000);
	qdesc(1, 0x3 | (sid << 32), 0x12343000 | 1);
	qdesc(2, 0x25 | (0x600dull << 32), status_gpa);
	wr64(R, IQT, 3 * 16);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x600d);

	/* Reserved: low bit 21, high bit 1. */
	qdesc(3, 0x3 | BIT(21), 0);
	qdesc(4, 0x11, 0);
	wr64(R, IQT, 5 * 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	qdesc(3, 0x3, 0x2);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	/*
	 * The PASID-based device-TLB descriptor exists only in 256-bit form:
	 * in a 128-bit queue it is an invalid descriptor width (IQEI 5).
	 */
	qdesc(3, 0x8 | (sid << 16) | (5ull << 32), 0x40000000);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 5);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	qdesc(3, 0x3 | (sid << 32), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 16);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);

	/*
	 * 256-bit descriptors, whose upper half is reserved: both types, the
	 * PASID one for one page of PASID 5 and for every address of every
	 * PASID (G, S with bits 62:12 set, as Linux flushes a whole
	 * device-TLB); its high bit 10 is reserved.
	 */
	gcmd(GCMD_QIE, false, GSTS_QIES);
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa | IQA_DW);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	WRITE_ONCE(*status_gva, 0);
	qdesc256(0, 0x3 | (sid << 32), 0x1000, 0);
	qdesc256(1, 0x8 | (sid << 16) | (7ull << 32), 0x2000 | BIT(11), 0);
	qdesc256(2, 0x8 | (sid << 16) | (5ull << 32), 0x40000000, 0);
	qdesc256(3, 0x8 | (sid << 16), (((1ull << 63) - 1) & ~0xfffull) | BIT(11) | 1, 0);
	qdesc256(4, 0x25 | (0xbeefull << 32), status_gpa, 0);
	wr64(R, IQT, 5 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 32);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0xbeef);
	qdesc256(5, 0x8 | (sid << 16), 0, 1);
	wr64(R, IQT, 6 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 32);
	qdesc256(5, 0x8, 0x400, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 5 * 32);
	qdesc256(5, 0x8 | (sid << 16), 0, 0);
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
	qdesc(0, 0x11, 0);
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
	qdesc256(0, 0x11, 0, 0);
	qdesc256(1, 0x37, 0, 0);
	wr64(R, IQT, 2 * 32);
	GUEST_ASSERT_EQ(rd64(R, IQH), 2 * 32);
	GUEST_ASSERT_EQ(rd32(R, FSTS), 0);
	GUEST_DONE();
}

TEST(invalidation_queue_width)
{
	struct vtd_vm t;

	vtd_vm_create(&t, guest_queue_width, 0, vtd_ecap_default_sm());
	run_stage(&t, -1);
	ASSERT_EQ(1, t.exits);
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	vtd_vm_free(&t);
}

TEST(invalidation_queue_devtlb)
{
	struct vtd_vm t;

	vtd_vm_create(&t, guest_queue_devtlb, 0, vtd_ecap_default_sm() | ECAP_DT);
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
	qdesc(0, 0x17, 0);
	wr64(R, IQT, 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	/* Nor device-TLB descriptors without ECAP.DT, nor IEC without IR. */
	qdesc(0, 0x3, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	qdesc(0, 0x4, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 3);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);

	/* A wait whose status write has no memory: IQE at the wait. */
	qdesc(0, 0x11, 0);
	qdesc(1, 0x25 | (0x1234ull << 32), NOWHERE);
	qdesc(2, 0x11, 0);
	wr64(R, IQT, 3 * 16);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 2);
	GUEST_ASSERT_EQ(rd64(R, IQH), 16);
	qdesc(1, 0x25 | (0x1234ull << 32), status_gpa);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 3 * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x1234);

	/* A queue base without memory: the fetch fails, nothing runs. */
	gcmd(GCMD_QIE, false, GSTS_QIES);
	wr64(R, IQT, 0);
	wr64(R, IQA, NOWHERE);
	gcmd(GCMD_QIE, true, GSTS_QIES);
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

/* --- interrupt remapping ------------------------------------------------- */

#define IRTA		0xb8
#define GCMD_IRE	BIT(25)
#define GCMD_SIRTP	BIT(24)
#define GCMD_CFI	BIT(23)
#define GSTS_IRTPS	BIT(24)
#define ECAP_IR		BIT_ULL(3)
#define ECAP_EIM	BIT_ULL(4)
#define ECAP_MHMV(v)	((uint64_t)(v) << 20)
#define IRTA_EIME	BIT_ULL(11)
#define IRTE_P		BIT_ULL(0)
#define IRTE_FPD	BIT_ULL(1)
#define IRTE_V(v)	((uint64_t)(v) << 16)
#define IRTE_DST_XAPIC(d) ((uint64_t)(d) << 40)
#define IRTE_DST(d)	((uint64_t)(d) << 32)
#define IRTE_SVT_SID	BIT_ULL(18)
#define IEC_DESC(g, im, idx) (0x4 | ((g) ? 0x10 : 0) | ((uint64_t)(im) << 27) | \
			      ((uint64_t)(idx) << 32))
#define IR_VECTOR	0x50
#define IR_SID		0x0100		/* the requester the tests use */

static uint32_t ir_irqs, ir_last_vector;
static uint64_t *irt_gva;		/* the interrupt remapping table, 256 entries */
static uint64_t irt_gpa;
static int qtail;			/* the guest's next descriptor slot */

static void ir_handler(struct ex_regs *regs)
{
	WRITE_ONCE(ir_irqs, ir_irqs + 1);
	WRITE_ONCE(ir_last_vector, regs->vector);
	xapic_write_reg(APIC_EOI, 0);
}

/* As qi_submit_sync(): the descriptor, a wait with a status write, IQT. */
static void qi_sync(uint64_t lo, uint64_t hi)
{
	WRITE_ONCE(*status_gva, 0);
	qdesc(qtail, lo, hi);
	qdesc(qtail + 1, 0x25 | (1ull << 32), status_gpa);
	qtail = (qtail + 2) % 256;
	wr64(R, IQT, qtail * 16);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 1);
}

static void guest_intremap(void)
{
	guest_events_and_queue();

	/* 256 entries, as Linux lays them out: xAPIC mode, APIC 0. */
	irt_gva[0] = IRTE_P | IRTE_V(IR_VECTOR) | IRTE_DST_XAPIC(0);
	irt_gva[2] = 0;					/* 1: not present */
	irt_gva[4] = IRTE_FPD;				/* 2: not present, FPD */
	irt_gva[6] = IRTE_P | IRTE_V(0x53) | BIT_ULL(12);	/* 3: reserved bit */
	irt_gva[8] = IRTE_P | IRTE_V(0x54);		/* 4: verified source */
	irt_gva[9] = IRTE_SVT_SID | IR_SID;
	wr64(R, IRTA, irt_gpa | 7);
	gcmd(GCMD_SIRTP, true, GSTS_IRTPS);
	gcmd(GCMD_IRE, true, GSTS_IRES);
	GUEST_SYNC(1);

	/* The VMM delivered the remapped interrupt; faults were logged. */
	wait_irqs(&ir_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(ir_last_vector), IR_VECTOR);
	wait_irqs(&fault_irqs, 1);
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_PPF);

	/* A new vector without invalidation: the old one stays cached. */
	irt_gva[0] = IRTE_P | IRTE_V(IR_VECTOR + 8);
	GUEST_SYNC(2);
	/* Another index's invalidation leaves it cached. */
	qi_sync(IEC_DESC(1, 0, 1), 0);
	GUEST_SYNC(3);
	/* Its own index (IM 2 covers 0..3) drops it. */
	qi_sync(IEC_DESC(1, 2, 2), 0);
	GUEST_SYNC(4);
	wait_irqs(&ir_irqs, 2);
	GUEST_ASSERT_EQ(READ_ONCE(ir_last_vector), IR_VECTOR + 8);
	/* And a global invalidation. */
	irt_gva[0] = IRTE_P | IRTE_V(IR_VECTOR + 9);
	qi_sync(IEC_DESC(0, 0, 0), 0);
	GUEST_SYNC(5);

	/* Malformed IEC descriptors: reserved bits, IM beyond MHMV. */
	qdesc(qtail, IEC_DESC(1, 0, 0) | BIT_ULL(12), 0);
	wr64(R, IQT, (qtail + 1) * 16);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), qtail * 16);
	qdesc(qtail, IEC_DESC(1, 16, 0), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), qtail * 16);
	qdesc(qtail, 0x25 | (1ull << 32), status_gpa);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), (qtail + 1) * 16);
	qtail++;

	/* Compatibility format allowed (CFI), then x2APIC mode (EIME). */
	gcmd(GCMD_CFI, true, GSTS_CFIS);
	GUEST_SYNC(6);
	irt_gva[0] = IRTE_P | IRTE_V(0x5a) | IRTE_DST(0x12345678);
	wr64(R, IRTA, irt_gpa | IRTA_EIME | 7);
	gcmd(GCMD_SIRTP, true, GSTS_IRTPS);
	GUEST_SYNC(7);
	/* Off again: everything passes. */
	gcmd(GCMD_IRE, false, GSTS_IRES);

	/* The IEC descriptor in a 256-bit queue, whose upper half is reserved. */
	gcmd(GCMD_QIE, false, GSTS_QIES);
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa | IQA_DW);
	gcmd(GCMD_QIE, true, GSTS_QIES);
	WRITE_ONCE(*status_gva, 0);
	qdesc256(0, IEC_DESC(1, 0, 7), 0, 1);
	qdesc256(1, 0x25 | (0x256ull << 32), status_gpa, 0);
	wr64(R, IQT, 2 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	qdesc256(0, IEC_DESC(1, 0, 7), 0, 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 2 * 32);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x256);
	GUEST_DONE();
}

static void msi_translate(int fd, uint16_t sid, uint64_t addr, uint32_t data,
			  struct kvm_vtd_msi_translation *t)
{
	memset(t, 0, sizeof(*t));
	t->sid = sid;
	t->address = addr;
	t->data = data;
	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE_MSI, t);
}

/* A remappable-format request for interrupt index @handle. */
static uint64_t rfi(uint32_t handle)
{
	return 0xfee00010 | ((handle & 0x7fff) << 5) | ((handle >> 15) << 2);
}

/* The vector the unit delivers for index 0 now, and sent into the VM. */
static uint8_t msi_index0(struct vtd_vm *t, bool deliver)
{
	struct kvm_vtd_msi_translation m;
	struct kvm_msi msi = {};

	msi_translate(t->fd, IR_SID, rfi(0), 0, &m);
	TEST_ASSERT(m.result == KVM_VTD_MSI_REMAPPED, "index 0: result %u fr 0x%x",
		    m.result, m.fault_reason);
	if (deliver) {
		msi.address_lo = m.msi_address;
		msi.address_hi = m.msi_address >> 32;
		msi.data = m.msi_data;
		TEST_ASSERT(__vm_ioctl(t->vm, KVM_SIGNAL_MSI, &msi) == 1, "KVM_SIGNAL_MSI");
	}
	return m.vector;
}

static uint64_t eventfd_count(int efd)
{
	uint64_t n = 0;

	if (read(efd, &n, sizeof(n)) != sizeof(n))
		TEST_ASSERT(errno == EAGAIN, "read eventfd");
	return n;
}

/* Fault record @i: FR, SID and FI (the interrupt index in 63:48). */
static void assert_ir_fault(int fd, int i, uint8_t fr, uint16_t sid, uint16_t index)
{
	uint32_t fro = CAP_FRO(vtd_reg_get(fd, CAP));
	uint64_t hi = vtd_reg_get(fd, fro + 16 * i + 8);
	uint64_t lo = vtd_reg_get(fd, fro + 16 * i);

	TEST_ASSERT(hi & FRCD_F, "record %d not valid", i);
	TEST_ASSERT(((hi >> 32) & 0xff) == fr && (hi & 0xffff) == sid &&
		    lo == (uint64_t)index << 48,
		    "record %d: hi 0x%lx lo 0x%lx, want fr 0x%x sid 0x%x index %u", i, hi, lo,
		    fr, sid, index);
}

TEST(interrupt_remapping)
{
	struct kvm_vtd_msi_translation m;
	struct vtd_vm t;
	int efd, i;
	/* The faulting requests and what each must record. */
	static const struct {
		uint16_t sid;
		uint64_t addr;
		uint32_t data;
		uint8_t fr;
		bool recorded;
		uint16_t index;
	} bad[] = {
		{ IR_SID, 0xfee00000, 0x41, 0x25, true, 0 },	/* compat, no CFI */
		{ IR_SID, 0xfee00030, 0, 0x22, true, 1 },	/* not present */
		{ IR_SID, 0xfee00050, 0, 0x22, false, 2 },	/* ... with FPD */
		{ IR_SID, 0xfee00070, 0, 0x24, true, 3 },	/* reserved bit */
		{ 0x0200, 0xfee00090, 0, 0x26, true, 4 },	/* wrong source */
		{ IR_SID, 0xfee00018, 256, 0x21, true, 256 },	/* SHV: index 256 */
		{ IR_SID, 0xfee00018, 0x10000, 0x20, true, 0 },	/* data 31:16 */
	};

	vtd_vm_create(&t, guest_intremap, 0,
		      vtd_ecap_default_sm() | ECAP_IR | ECAP_EIM | ECAP_MHMV(15));
	vm_install_exception_handler(t.vm, IR_VECTOR, ir_handler);
	vm_install_exception_handler(t.vm, IR_VECTOR + 8, ir_handler);
	irt_gva = (uint64_t *)vm_vaddr_alloc_page(t.vm);
	irt_gpa = addr_gva2gpa(t.vm, (vm_vaddr_t)irt_gva);
	sync_global_to_guest(t.vm, irt_gva);
	sync_global_to_guest(t.vm, irt_gpa);
	efd = eventfd(0, EFD_NONBLOCK);
	ASSERT_GE(efd, 0);
	ASSERT_EQ(0, __kvm_device_attr_set(t.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					   KVM_DEV_VTD_IR_EVENTFD, &efd));

	run_stage(&t, 1);
	/* SIRTP and IRE: two changes a VMM's routes must follow. */
	ASSERT_EQ(2, eventfd_count(efd));
	ASSERT_EQ(IR_VECTOR, msi_index0(&t, true));
	msi_translate(t.fd, IR_SID, rfi(0), 0, &m);
	ASSERT_EQ(0xfee00000, m.msi_address);
	ASSERT_EQ(0x4000 | IR_VECTOR, m.msi_data);
	ASSERT_EQ(0, m.index);
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_IEC_MISSES) +
		     vtd_stat(t.fd, KVM_VTD_STAT_IEC_HITS));
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_IEC_HITS));
	msi_translate(t.fd, IR_SID, rfi(4), 0, &m);
	ASSERT_EQ(KVM_VTD_MSI_REMAPPED, m.result);
	ASSERT_EQ(0x54, m.vector);
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		msi_translate(t.fd, bad[i].sid, bad[i].addr, bad[i].data, &m);
		ASSERT_EQ(KVM_VTD_MSI_BLOCKED, m.result);
		ASSERT_EQ(bad[i].fr, m.fault_reason);
		ASSERT_EQ(bad[i].recorded, m.fault_recorded);
	}
	for (i = 0; i < (int)ARRAY_SIZE(bad) - 1; i++)
		assert_ir_fault(t.fd, i, bad[i + (i >= 2)].fr, bad[i + (i >= 2)].sid,
				bad[i + (i >= 2)].index);
	ASSERT_EQ(6, vtd_stat(t.fd, KVM_VTD_STAT_FAULTS_RECORDED));
	ASSERT_EQ(7, vtd_stat(t.fd, KVM_VTD_STAT_MSI_BLOCKED));
	/* NO_FAULT keeps the log untouched. */
	m = (struct kvm_vtd_msi_translation){ .flags = KVM_VTD_TRANSLATE_NO_FAULT,
					      .sid = IR_SID, .address = rfi(1) };
	kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE_MSI, &m);
	ASSERT_EQ(0x22, m.fault_reason);
	ASSERT_EQ(0, m.fault_recorded);
	/* Bad VMM input. */
	m = (struct kvm_vtd_msi_translation){ .address = 0xfef00000 };
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					    KVM_DEV_VTD_TRANSLATE_MSI, &m));
	ASSERT_EQ(EINVAL, errno);
	m = (struct kvm_vtd_msi_translation){ .address = 0xfee00000, .flags = 1 };
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					    KVM_DEV_VTD_TRANSLATE_MSI, &m));
	ASSERT_EQ(EINVAL, errno);
	m = (struct kvm_vtd_msi_translation){ .address = 0xfee00000, .reserved1[6] = 1 };
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					    KVM_DEV_VTD_TRANSLATE_MSI, &m));
	ASSERT_EQ(EINVAL, errno);
	i = 0;	/* stdin: not an eventfd */
	ASSERT_EQ(-1, __kvm_device_attr_set(t.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					    KVM_DEV_VTD_IR_EVENTFD, &i));

	run_stage(&t, 2);
	ASSERT_EQ(IR_VECTOR, msi_index0(&t, false));
	run_stage(&t, 3);
	ASSERT_EQ(IR_VECTOR, msi_index0(&t, false));
	ASSERT_EQ(1, eventfd_count(efd));
	run_stage(&t, 4);
	ASSERT_EQ(IR_VECTOR + 8, msi_index0(&t, true));
	run_stage(&t, 5);
	ASSERT_EQ(IR_VECTOR + 9, msi_index0(&t, false));
	ASSERT_EQ(3, vtd_stat(t.fd, KVM_VTD_STAT_IEC_INVALIDATIONS));

	run_stage(&t, 6);
	/* CFI: compatibility format passes in xAPIC mode. */
	msi_translate(t.fd, IR_SID, 0xfee01000, 0x41, &m);
	ASSERT_EQ(KVM_VTD_MSI_PASS, m.result);
	ASSERT_EQ(0xfee01000, m.msi_address);
	ASSERT_EQ(0x41, m.msi_data);
	run_stage(&t, 7);
	/* x2APIC mode: 32-bit destinations, compatibility format blocked. */
	msi_translate(t.fd, IR_SID, rfi(0), 0, &m);
	ASSERT_EQ(KVM_VTD_MSI_REMAPPED, m.result);
	ASSERT_EQ(0x12345678, m.dest);
	ASSERT_EQ(0x12345600fee78000ull, m.msi_address);
	ASSERT_EQ(0x5a, m.vector);
	msi_translate(t.fd, IR_SID, 0xfee01000, 0x41, &m);
	ASSERT_EQ(0x25, m.fault_reason);
	/* Restoring an xAPIC-mode table pointer drops the cached entry. */
	ASSERT_EQ(-1, vtd_reg_set(t.fd, KVM_VTD_REG_LATCHED_IRTA, irt_gpa | 0x10));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, vtd_reg_set(t.fd, KVM_VTD_REG_LATCHED_IRTA, irt_gpa | 7));
	msi_translate(t.fd, IR_SID, rfi(0), 0, &m);
	ASSERT_EQ(0x24, m.fault_reason);	/* a 32-bit destination in xAPIC mode */
	run_stage(&t, -1);
	msi_translate(t.fd, IR_SID, rfi(0), 0, &m);
	ASSERT_EQ(KVM_VTD_MSI_PASS, m.result);
	ASSERT_EQ(rfi(0), m.msi_address);
	/*
	 * Since stage 3: three IEC invalidations, CFI, SIRTP, the restore and
	 * IRE off; the malformed descriptors changed nothing.
	 */
	ASSERT_EQ(7, eventfd_count(efd));
	ASSERT_EQ(4, vtd_stat(t.fd, KVM_VTD_STAT_IEC_INVALIDATIONS));
	/* Only the ucalls left the kernel. */
	ASSERT_EQ(8, t.exits);
	close(efd);
	vtd_vm_free(&t);
}

TEST(interrupt_remapping_absent)
{
	struct kvm_vtd_msi_translation m;
	struct vtd_vm t;

	/* The default unit: no IR, every interrupt passes. */
	vtd_vm_create(&t, guest_queue, 0, 0);
	msi_translate(t.fd, IR_SID, rfi(5), 0x1234, &m);
	ASSERT_EQ(KVM_VTD_MSI_PASS, m.result);
	ASSERT_EQ(rfi(5), m.msi_address);
	ASSERT_EQ(0x1234, m.msi_data);
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_REGS,
					    KVM_VTD_REG_LATCHED_IRTA, &m.address));
	ASSERT_EQ(ENXIO, errno);
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_REGS, IRTA, &m.address));
	ASSERT_EQ(ENXIO, errno);
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
