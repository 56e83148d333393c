/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host and guest sides shared by the tests whose guest drives the unit's
 * registers (vtd_regs_test, vtd_queue_test, vtd_intremap_test): one vCPU,
 * the register page identity-mapped at VTD_GPA, fault and invalidation
 * event handlers, a one-page queue and a status word, and run_stage(),
 * which asserts that every exit of a stage is its ucall, so every register
 * access in between was handled in the kernel.
 */
#ifndef _SELFTEST_VTD_GUEST_VM_H
#define _SELFTEST_VTD_GUEST_VM_H

#include "kvm_util.h"
#include "processor.h"
#include "apic.h"
#include "ucall_common.h"
#include "lib/vtd_queue.h"
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
/* The queue page as 128-bit and as 256-bit descriptors (same ring). */
static struct vtd_gq gq, gq256;

static inline void fault_handler(struct ex_regs *regs)
{
	WRITE_ONCE(fault_irqs, fault_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

static inline void inv_handler(struct ex_regs *regs)
{
	WRITE_ONCE(inv_irqs, inv_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

/* Wait (interrupts enabled) until *counter reaches want, or give up. */
static inline void wait_irqs(uint32_t *counter, uint32_t want)
{
	int i;

	for (i = 0; i < 100000 && READ_ONCE(*counter) < want; i++)
		asm volatile("sti; nop; cli");
	asm volatile("sti");
}

static inline void gcmd(uint32_t bit, bool on, uint32_t status)
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
static inline uint64_t vtd_ecap_default_sm(void)
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

static inline void vtd_vm_create(struct vtd_vm *t, void *guest, uint64_t cap, uint64_t ecap)
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
	gq = (struct vtd_gq) {
		.regs = R, .ring = queue_gva, .size = 4096, .dsize = 16,
		.status = status_gva, .status_gpa = status_gpa,
	};
	gq256 = gq;
	gq256.dsize = 32;
	sync_global_to_guest(t->vm, gq);
	sync_global_to_guest(t->vm, gq256);
	t->exits = 0;
}

static inline void vtd_vm_free(struct vtd_vm *t)
{
	close(t->fd);
	kvm_vm_free(t->vm);
}

/* Run to the next ucall, which must be GUEST_SYNC(stage) (or DONE if < 0). */
static inline void run_stage(struct vtd_vm *t, int stage)
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

/* Fault and invalidation events to APIC 0; a one-page 128-bit queue. */
static inline void guest_events_and_queue(void)
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

#endif /* _SELFTEST_VTD_GUEST_VM_H */
