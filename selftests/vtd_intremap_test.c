// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd's interrupt remapping, driven by guests: the remapping table,
 * the interrupt entry cache and its invalidation, compatibility format
 * and x2APIC mode, remapped and blocked MSIs with their faults, and a
 * unit without interrupt remapping.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lib/vtd_guest_vm.h"
#include "lib/vtd_vmm.h"

/* --- interrupt remapping ------------------------------------------------- */

#define IR_VECTOR	0x50
#define IR_SID		0x0100		/* the requester the tests use */

static uint32_t ir_irqs, ir_last_vector;
static uint64_t *irt_gva;		/* the interrupt remapping table, 256 entries */
static uint64_t irt_gpa;

static void ir_handler(struct ex_regs *regs)
{
	WRITE_ONCE(ir_irqs, ir_irqs + 1);
	WRITE_ONCE(ir_last_vector, regs->vector);
	xapic_write_reg(APIC_EOI, 0);
}

static void guest_intremap(void)
{
	uint64_t bad;

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
	vtd_gq_sync(&gq, IEC_DESC(1, 0, 1), 0);
	GUEST_SYNC(3);
	/* Its own index (IM 2 covers 0..3) drops it. */
	vtd_gq_sync(&gq, IEC_DESC(1, 2, 2), 0);
	GUEST_SYNC(4);
	wait_irqs(&ir_irqs, 2);
	GUEST_ASSERT_EQ(READ_ONCE(ir_last_vector), IR_VECTOR + 8);
	/* And a global invalidation. */
	irt_gva[0] = IRTE_P | IRTE_V(IR_VECTOR + 9);
	vtd_gq_sync(&gq, IEC_DESC(0, 0, 0), 0);
	GUEST_SYNC(5);

	/* Malformed IEC descriptors: reserved bits, IM beyond MHMV. */
	bad = gq.tail;
	vtd_gq_push(&gq, IEC_DESC(1, 0, 0) | BIT_ULL(12), 0);
	vtd_gq_kick(&gq);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), bad);
	vtd_gq_put(&gq, bad / 16, IEC_DESC(1, 16, 0), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), bad);
	vtd_gq_put(&gq, bad / 16, WAIT_SW(1), status_gpa);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), gq.tail);

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
	guest_queue_restart(queue_gpa | IQA_DW);
	WRITE_ONCE(*status_gva, 0);
	vtd_gq_put(&gq256, 0, IEC_DESC(1, 0, 7), 0);
	vtd_gq_slot(&gq256, 0)[2] = 1;
	vtd_gq_put(&gq256, 1, WAIT_SW(0x256), status_gpa);
	wr64(R, IQT, 2 * 32);
	GUEST_ASSERT(rd32(R, FSTS) & FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQERCD) & 0xf, 4);
	GUEST_ASSERT_EQ(rd64(R, IQH), 0);
	vtd_gq_put(&gq256, 0, IEC_DESC(1, 0, 7), 0);
	wr32(R, FSTS, FSTS_IQE);
	GUEST_ASSERT_EQ(rd64(R, IQH), 2 * 32);
	GUEST_ASSERT_EQ(READ_ONCE(*status_gva), 0x256);
	GUEST_DONE();
}

/* The vector the unit delivers for index 0 now, and sent into the VM. */
static uint8_t msi_index0(struct vtd_vm *t, bool deliver)
{
	struct kvm_vtd_msi_translation m;
	struct kvm_msi msi = {};

	TEST_ASSERT_EQ(0, xlate_msi(t->fd, IR_SID, msi_rfi(0), 0, &m));
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

	vtd_vm_create_add(&t, guest_intremap, 0,
			  VTD_ECAP_SM | ECAP_IR | ECAP_EIM | ECAP_MHMV(15));
	vm_install_exception_handler(t.vm, IR_VECTOR, ir_handler);
	vm_install_exception_handler(t.vm, IR_VECTOR + 8, ir_handler);
	irt_gva = vtd_guest_pages(t.vm, 1, &irt_gpa);
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
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, msi_rfi(0), 0, &m));
	ASSERT_EQ(0xfee00000, m.msi_address);
	ASSERT_EQ(0x4000 | IR_VECTOR, m.msi_data);
	ASSERT_EQ(0, m.index);
	ASSERT_EQ(2, vtd_stat(t.fd, KVM_VTD_STAT_IEC_MISSES) +
		     vtd_stat(t.fd, KVM_VTD_STAT_IEC_HITS));
	ASSERT_EQ(1, vtd_stat(t.fd, KVM_VTD_STAT_IEC_HITS));
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, msi_rfi(4), 0, &m));
	ASSERT_EQ(KVM_VTD_MSI_REMAPPED, m.result);
	ASSERT_EQ(0x54, m.vector);
	for (i = 0; i < (int)ARRAY_SIZE(bad); i++) {
		TEST_ASSERT_EQ(0, xlate_msi(t.fd, bad[i].sid, bad[i].addr, bad[i].data, &m));
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
					      .sid = IR_SID, .address = msi_rfi(1) };
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
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, 0xfee01000, 0x41, &m));
	ASSERT_EQ(KVM_VTD_MSI_PASS, m.result);
	ASSERT_EQ(0xfee01000, m.msi_address);
	ASSERT_EQ(0x41, m.msi_data);
	run_stage(&t, 7);
	/* x2APIC mode: 32-bit destinations, compatibility format blocked. */
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, msi_rfi(0), 0, &m));
	ASSERT_EQ(KVM_VTD_MSI_REMAPPED, m.result);
	ASSERT_EQ(0x12345678, m.dest);
	ASSERT_EQ(0x12345600fee78000ull, m.msi_address);
	ASSERT_EQ(0x5a, m.vector);
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, 0xfee01000, 0x41, &m));
	ASSERT_EQ(0x25, m.fault_reason);
	/* Restoring an xAPIC-mode table pointer drops the cached entry. */
	ASSERT_EQ(-1, vtd_reg_set(t.fd, KVM_VTD_REG_LATCHED_IRTA, irt_gpa | 0x10));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, vtd_reg_set(t.fd, KVM_VTD_REG_LATCHED_IRTA, irt_gpa | 7));
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, msi_rfi(0), 0, &m));
	ASSERT_EQ(0x24, m.fault_reason);	/* a 32-bit destination in xAPIC mode */
	run_stage(&t, -1);
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, msi_rfi(0), 0, &m));
	ASSERT_EQ(KVM_VTD_MSI_PASS, m.result);
	ASSERT_EQ(msi_rfi(0), m.msi_address);
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

/* A guest for tests that never run the vCPU. */
static void guest_none(void)
{
	GUEST_DONE();
}

TEST(interrupt_remapping_absent)
{
	struct kvm_vtd_msi_translation m;
	struct vtd_vm t;

	/* The default unit: no IR, every interrupt passes. */
	vtd_vm_create(&t, guest_none, 0, 0);
	TEST_ASSERT_EQ(0, xlate_msi(t.fd, IR_SID, msi_rfi(5), 0x1234, &m));
	ASSERT_EQ(KVM_VTD_MSI_PASS, m.result);
	ASSERT_EQ(msi_rfi(5), m.msi_address);
	ASSERT_EQ(0x1234, m.msi_data);
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_REGS,
					    KVM_VTD_REG_LATCHED_IRTA, &m.address));
	ASSERT_EQ(ENXIO, errno);
	ASSERT_EQ(-1, __kvm_device_attr_get(t.fd, KVM_DEV_VTD_GRP_REGS, IRTA, &m.address));
	ASSERT_EQ(ENXIO, errno);
	vtd_vm_free(&t);
}

TEST_HARNESS_MAIN
