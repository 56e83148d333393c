/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM every guest-driven test starts from, host and guest sides: one
 * vCPU, the register page identity-mapped at VTD_GPA, fault and
 * invalidation event handlers, a one-page queue and a status word, an
 * optional pool of identity-mapped pages for translation structures
 * (lib/vtd_tables.h), and run_stage(), which asserts that every exit of a
 * stage is its ucall, so every register access in between was handled in
 * the kernel.
 *
 * Variants: vtd_vm_create() is a unit with the default (or given)
 * CAP/ECAP; vtd_vm_create_add() adds capabilities to the defaults
 * (VTD_ECAP_SM: scalable mode; VTD_ECAP_SM_FULL: with every table type);
 * vtd_vm_new() + vtd_vm_init_add() do the same with the unit uninitialized
 * in between; vtd_vm_pool() adds the pool.
 * vtd_vm_free() tears everything down.
 */
#ifndef _SELFTEST_VTD_GUEST_VM_H
#define _SELFTEST_VTD_GUEST_VM_H

#include "kvm_util.h"
#include "processor.h"
#include "apic.h"
#include "ucall_common.h"
#include "lib/vtd_queue.h"
#include "lib/vtd_tables.h"
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

/* Scalable mode with second-stage tables. */
#define VTD_ECAP_SM		(ECAP_SMTS | ECAP_SLTS)
/* Scalable mode with second-stage, first-stage, pass-through and 20-bit PASIDs. */
#define VTD_ECAP_SM_FULL	(ECAP_SMTS | ECAP_SLTS | ECAP_FLTS | ECAP_PASID | ECAP_PSS(19) | \
				 ECAP_SRS | ECAP_PT)

struct vtd_vm {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	int fd;
	int exits;
};

/* The VM, its vCPU running @guest and an uninitialized unit (register page set). */
static inline void vtd_vm_new(struct vtd_vm *t, void *guest)
{
	t->vm = vm_create_with_one_vcpu(&t->vcpu, guest);
	virt_map(t->vm, VTD_GPA, VTD_GPA, 2);
	virt_pg_map(t->vm, APIC_DEFAULT_GPA, APIC_DEFAULT_GPA);
	vm_install_exception_handler(t->vm, FAULT_VECTOR, fault_handler);
	vm_install_exception_handler(t->vm, INV_VECTOR, inv_handler);

	queue_gva = vtd_guest_pages(t->vm, 2, &queue_gpa);
	status_gva = vtd_guest_pages(t->vm, 1, &status_gpa);

	t->fd = __kvm_create_device(t->vm, KVM_DEV_TYPE_INTEL_VTD);
	TEST_ASSERT(t->fd >= 0, "create vtd");
	TEST_ASSERT(!vtd_set_addr(t->fd, VTD_GPA), "set addr");
	t->exits = 0;
}

/*
 * @pages identity-mapped guest pages at @gpa in memslot @slot, handed out
 * by alloc_table().  (The 6.12 library accounts extra pages for page
 * tables but does not add them to memslot 0, so the pool has its own.)
 */
static inline void vtd_vm_pool(struct vtd_vm *t, uint64_t gpa, uint32_t slot, uint64_t pages)
{
	vm_userspace_mem_region_add(t->vm, VM_MEM_SRC_ANONYMOUS, gpa, slot, pages, 0);
	virt_map(t->vm, gpa, gpa, pages);
	vtd_pool_gpa = gpa;
	vtd_pool_pages = pages;
	next_table = 0;
	sync_global_to_guest(t->vm, vtd_pool_gpa);
	sync_global_to_guest(t->vm, vtd_pool_pages);
	sync_global_to_guest(t->vm, next_table);
}

/* Set CAP and ECAP (0: keep the default), initialize, tell the guest. */
static inline void vtd_vm_init(struct vtd_vm *t, uint64_t cap, uint64_t ecap)
{
	/* ECAP first: CAP.FL1GP is only valid with ECAP.FLTS. */
	if (ecap)
		TEST_ASSERT(!vtd_reg_set(t->fd, ECAP, ecap), "set ecap");
	if (cap)
		TEST_ASSERT(!vtd_reg_set(t->fd, CAP, cap), "set cap");
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
}

/* The default CAP and ECAP plus @cap and @ecap, then vtd_vm_init(). */
static inline void vtd_vm_init_add(struct vtd_vm *t, uint64_t cap, uint64_t ecap)
{
	vtd_vm_init(t, vtd_reg_get(t->fd, CAP) | cap, vtd_reg_get(t->fd, ECAP) | ecap);
}

/* A unit with the default CAP and ECAP plus @cap and @ecap, initialized. */
static inline void vtd_vm_create_add(struct vtd_vm *t, void *guest, uint64_t cap, uint64_t ecap)
{
	vtd_vm_new(t, guest);
	vtd_vm_init_add(t, cap, ecap);
}

/*
 * A unit for guests that build translation structures: the pool of @pages
 * at @gpa (memslot @slot), and a legacy-mode unit, or (@scalable) one in
 * scalable mode with every table type and first-stage 1 GiB pages.
 */
static inline void vtd_vm_tables(struct vtd_vm *t, void *guest, uint64_t gpa, uint32_t slot,
				 uint64_t pages, bool scalable)
{
	vtd_vm_new(t, guest);
	vtd_vm_pool(t, gpa, slot, pages);
	if (scalable)
		vtd_vm_init_add(t, CAP_FL1GP, VTD_ECAP_SM_FULL);
	else
		vtd_vm_init(t, 0, 0);
}

/* A legacy-mode unit with @cap and @ecap (0: the default), initialized. */
static inline void vtd_vm_create(struct vtd_vm *t, void *guest, uint64_t cap, uint64_t ecap)
{
	vtd_vm_new(t, guest);
	vtd_vm_init(t, cap, ecap);
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

/* Fault events to FAULT_VECTOR on APIC 0, interrupts on. */
static inline void guest_fault_events(void)
{
	xapic_enable();
	wr32(R, FEDATA, FAULT_VECTOR);
	wr32(R, FEADDR, 0xfee00000);	/* APIC ID 0, physical, fixed */
	wr32(R, FECTL, 0);
	asm volatile("sti");
}

/* Invalidation completion events to INV_VECTOR on APIC 0, interrupts on. */
static inline void guest_inv_events(void)
{
	xapic_enable();
	wr32(R, IEDATA, INV_VECTOR);
	wr32(R, IEADDR, 0xfee00000);
	wr32(R, IECTL, 0);
	asm volatile("sti");
}

/* Stop the queue, point it at @iqa (address | DW | QS) from IQT 0, start it. */
static inline void guest_queue_restart(uint64_t iqa)
{
	gcmd(GCMD_QIE, false, GSTS_QIES);
	wr64(R, IQT, 0);
	wr64(R, IQA, iqa);
	gcmd(GCMD_QIE, true, GSTS_QIES);
}

/* Fault and invalidation events to APIC 0; a one-page 128-bit queue. */
static inline void guest_events_and_queue(void)
{
	guest_fault_events();
	guest_inv_events();

	/* QS 0: one page, 256 descriptors. */
	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa);
	gcmd(GCMD_QIE, true, GSTS_QIES);
}

/*
 * A one-page queue of @dsize-byte descriptors in gq, and its status word,
 * both from the pool (guest side).  Returns the ring's address for IQA.
 */
static inline uint64_t pool_queue(uint32_t dsize)
{
	uint64_t ring = alloc_table(), status = alloc_table();

	gq = (struct vtd_gq) {
		.regs = R, .ring = tva(ring), .size = 4096, .dsize = dsize,
		.status = (uint32_t *)status, .status_gpa = status,
	};
	return ring;
}

#endif /* _SELFTEST_VTD_GUEST_VM_H */
