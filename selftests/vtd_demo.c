// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd demo: a VMM that creates one emulated DMAR unit, and a guest that
 * touches its register page the way a driver's probe would and maps one
 * page for a device.  The VMM then translates that device's DMA through the
 * unit: one address the guest mapped, one it did not, whose fault reaches
 * the guest.  Prints what the guest did, how many times the vCPU exited to
 * userspace, and what the unit saw (its counters and trace events).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "apic.h"
#include "ucall_common.h"
#include "lib/vtd_queue.h"
#include "vtd_util.h"

#define TRACEFS		"/sys/kernel/tracing"
#define R		VTD_GPA
#define FAULT_VECTOR	0x41

static const char * const stat_names[KVM_VTD_STAT_NR] = {
	[KVM_VTD_STAT_REG_READS] = "register reads",
	[KVM_VTD_STAT_REG_WRITES] = "register writes",
	[KVM_VTD_STAT_REG_BAD_ACCESS] = "dropped (bad size/alignment)",
	[KVM_VTD_STAT_FAULTS_RECORDED] = "faults recorded",
	[KVM_VTD_STAT_FAULTS_DROPPED] = "faults dropped",
	[KVM_VTD_STAT_FAULT_IRQS] = "fault event interrupts",
	[KVM_VTD_STAT_INV_IRQS] = "invalidation event interrupts",
	[KVM_VTD_STAT_IRQS_FAILED] = "interrupts refused",
	[KVM_VTD_STAT_CC_INVALIDATIONS] = "context-cache invalidations",
	[KVM_VTD_STAT_IOTLB_INVALIDATIONS] = "IOTLB invalidations",
	[KVM_VTD_STAT_REG_INV_IGNORED] = "register inv. ignored (QI on)",
	[KVM_VTD_STAT_DMAR_SWITCHES] = "translation state switches",
	[KVM_VTD_STAT_QI_DESCRIPTORS] = "queue descriptors",
	[KVM_VTD_STAT_QI_ERRORS] = "queue errors",
	[KVM_VTD_STAT_QI_PAGES_READ] = "queue pages read",
	[KVM_VTD_STAT_TRANSLATIONS] = "translations",
	[KVM_VTD_STAT_TRANSLATION_FAULTS] = "translation faults",
	[KVM_VTD_STAT_CTX_PAGES_READ] = "root/context pages read",
	[KVM_VTD_STAT_WALK_PAGES_READ] = "page-table pages read",
	[KVM_VTD_STAT_PASID_PAGES_READ] = "PASID table pages read",
	[KVM_VTD_STAT_WALKS] = "page walks",
	[KVM_VTD_STAT_WALK_LEAVES] = "leaves found",
	[KVM_VTD_STAT_PC_INVALIDATIONS] = "PASID-cache invalidations",
	[KVM_VTD_STAT_PIOTLB_INVALIDATIONS] = "PASID-IOTLB invalidations",
	[KVM_VTD_STAT_CTX_CACHE_HITS] = "context cache hits",
	[KVM_VTD_STAT_CTX_CACHE_MISSES] = "context cache misses",
	[KVM_VTD_STAT_IOTLB_HITS] = "IOTLB hits",
	[KVM_VTD_STAT_IOTLB_MISSES] = "IOTLB misses",
	[KVM_VTD_STAT_CACHE_EVICTIONS] = "cache evictions",
	[KVM_VTD_STAT_CACHE_INVALIDATED] = "cache entries invalidated",
	[KVM_VTD_STAT_QI_DRAINS] = "queue drains",
	[KVM_VTD_STAT_QI_WAITS] = "wait descriptors",
	[KVM_VTD_STAT_HOST_EVALS] = "assigned-device evaluations",
	[KVM_VTD_STAT_HOST_ATTACHES] = "host attach/replace calls",
	[KVM_VTD_STAT_HOST_HWPT_ALLOCS] = "nested HWPTs allocated",
	[KVM_VTD_STAT_HOST_HWPT_DESTROYS] = "nested HWPTs destroyed",
	[KVM_VTD_STAT_HOST_INV_CALLS] = "host invalidation calls",
	[KVM_VTD_STAT_HOST_INV_ENTRIES] = "host invalidation entries",
	[KVM_VTD_STAT_SHADOW_MAP_CALLS] = "shadow map calls",
	[KVM_VTD_STAT_SHADOW_MAP_BYTES] = "shadow bytes mapped",
	[KVM_VTD_STAT_SHADOW_UNMAP_CALLS] = "shadow unmap calls",
	[KVM_VTD_STAT_SHADOW_UNMAP_BYTES] = "shadow bytes unmapped",
	[KVM_VTD_STAT_HOST_ERRORS] = "host call errors",
	[KVM_VTD_STAT_DEVTLB_INVALIDATIONS] = "device-TLB invalidations",
	[KVM_VTD_STAT_PDEVTLB_INVALIDATIONS] = "PASID device-TLB invalidations",
	[KVM_VTD_STAT_HOST_PASID_SYNCS] = "device PASID-cache syncs",
	[KVM_VTD_STAT_HOST_PASID_UPDATES] = "PASID-cache entries updated",
	[KVM_VTD_STAT_HOST_PASID_DROPS] = "PASID-cache entries dropped",
	[KVM_VTD_STAT_IEC_INVALIDATIONS] = "IEC invalidations",
	[KVM_VTD_STAT_MSI_TRANSLATIONS] = "MSI translations",
	[KVM_VTD_STAT_MSI_REMAPPED] = "MSIs remapped",
	[KVM_VTD_STAT_MSI_BLOCKED] = "MSIs blocked",
	[KVM_VTD_STAT_IEC_HITS] = "IEC hits",
	[KVM_VTD_STAT_IEC_MISSES] = "IEC misses",
	[KVM_VTD_STAT_IR_CHANGES] = "interrupt remapping changes",
};

#define DEV_SID		0x0008		/* 00:01.0 */
#define DEV_IOVA	0x5000ull
#define DEV_VECTOR	0x51		/* the device's interrupt, remapped */

static uint32_t fault_irqs, dev_irqs;
static uint64_t *irt_gva, irt_gpa;
static uint64_t *queue_gva, queue_gpa, status_gpa;
static uint32_t *status_gva;
static struct vtd_gq gq;		/* the queue, as the guest drives it */
static uint64_t tables_gva, tables_gpa;	/* root, context, 4 levels */

static uint64_t *table(int n)
{
	return (uint64_t *)(tables_gva + 4096 * n);
}

static void fault_handler(struct ex_regs *regs)
{
	WRITE_ONCE(fault_irqs, fault_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

static void dev_handler(struct ex_regs *regs)
{
	WRITE_ONCE(dev_irqs, dev_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

/* Interrupts are enabled: give one a while to arrive. */
static void wait_irq(uint32_t *counter)
{
	int i;

	for (i = 0; i < 100000 && !READ_ONCE(*counter); i++)
		asm volatile("nop");
}

/* GCMD as a driver does it: GSTS's enables plus the command, then poll. */
static uint32_t gcmd(uint32_t cmd, uint32_t status)
{
	uint32_t keep = rd32(R, GSTS) & (GSTS_TES | GSTS_QIES | GSTS_IRES);
	int i;

	wr32(R, GCMD, keep | cmd);
	for (i = 0; i < 1000 && !(rd32(R, GSTS) & status); i++)
		;
	return rd32(R, GSTS);
}

static void guest_code(void)
{
	uint64_t cap = rd64(R, CAP), ecap = rd64(R, ECAP);
	uint32_t fro = CAP_FRO(cap);
	int i;

	GUEST_PRINTF("guest: VER=0x%x CAP=0x%lx ECAP=0x%lx (%lu fault records, QI %s)\n",
		     rd32(R, VER), cap, ecap, CAP_NFR(cap), ecap & ECAP_QI ? "yes" : "no");

	/* Device 00:01.0, domain 1, 4-level: IOVA 0x5000 -> the status page. */
	table(0)[0] = (tables_gpa + 0x1000) | 1;
	table(1)[(DEV_SID & 0xff) * 2] = (tables_gpa + 0x2000) | 1;
	table(1)[(DEV_SID & 0xff) * 2 + 1] = 2 | (1 << 8);
	for (i = 2; i < 5; i++)
		table(i)[0] = (tables_gpa + 0x1000 * (i + 1)) | 3;
	table(5)[DEV_IOVA >> 12] = status_gpa | 3;
	GUEST_PRINTF("guest: mapped IOVA 0x%llx -> 0x%lx for 00:01.0 (4-level, domain 1)\n",
		     DEV_IOVA, status_gpa);

	wr64(R, RTADDR, tables_gpa);
	GUEST_PRINTF("guest: RTADDR=0x%lx, GCMD.SRTP -> GSTS 0x%x\n", tables_gpa,
		     gcmd(GCMD_SRTP, GSTS_RTPS));
	GUEST_PRINTF("guest: GCMD.TE -> GSTS 0x%x\n", gcmd(GCMD_TE, GSTS_TES));

	wr64(R, CCMD, CCMD_ICC | CCMD_CIRG(1));
	GUEST_PRINTF("guest: CCMD global invalidation -> CCMD 0x%lx (CAIG %lu)\n",
		     rd64(R, CCMD), CCMD_CAIG(rd64(R, CCMD)));

	wr64(R, IQT, 0);
	wr64(R, IQA, queue_gpa);
	GUEST_PRINTF("guest: IQA=0x%lx, GCMD.QIE -> GSTS 0x%x\n", queue_gpa,
		     gcmd(GCMD_QIE, GSTS_QIES));
	vtd_gq_push(&gq, CC_GLOBAL, 0);			/* context-cache, global */
	vtd_gq_push(&gq, IOTLB_GLOBAL, 0);		/* IOTLB, global */
	vtd_gq_push(&gq, WAIT_SW(0x600d), status_gpa);	/* wait, status write */
	vtd_gq_kick(&gq);
	GUEST_PRINTF("guest: 3 descriptors queued -> IQH 0x%lx, status 0x%x\n",
		     rd64(R, IQH), READ_ONCE(*status_gva));

	xapic_enable();
	wr32(R, FEDATA, FAULT_VECTOR);
	wr32(R, FEADDR, 0xfee00000);
	wr32(R, FECTL, 0);
	asm volatile("sti");
	GUEST_SYNC(1);		/* the VMM translates the device's DMA */
	wait_irq(&fault_irqs);
	GUEST_PRINTF("guest: fault interrupts %u, FSTS 0x%x, FRCD0 0x%lx:%016lx\n",
		     fault_irqs, rd32(R, FSTS), rd64(R, fro + 8), rd64(R, fro));
	wr32(R, fro + 12, FRCD_F >> 32);
	GUEST_PRINTF("guest: cleared F -> FSTS 0x%x\n", rd32(R, FSTS));

	/* Interrupt remapping: index 0 -> vector 0x51 on APIC 0, as Linux does. */
	irt_gva[0] = 1 | ((uint64_t)DEV_VECTOR << 16);
	wr64(R, IRTA, irt_gpa | 7);
	GUEST_PRINTF("guest: IRTA=0x%lx (256 entries), GCMD.SIRTP -> GSTS 0x%x\n",
		     irt_gpa | 7, gcmd(GCMD_SIRTP, GSTS_IRTPS));
	vtd_gq_push(&gq, IEC_GLOBAL, 0);		/* interrupt entry cache, global */
	vtd_gq_push(&gq, WAIT_SW(0xc0ffee), status_gpa);
	vtd_gq_kick(&gq);
	GUEST_PRINTF("guest: IEC invalidation queued -> IQH 0x%lx, status 0x%x\n",
		     rd64(R, IQH), READ_ONCE(*status_gva));
	GUEST_PRINTF("guest: GCMD.IRE -> GSTS 0x%x\n", gcmd(GCMD_IRE, GSTS_IRES));
	GUEST_SYNC(2);		/* the VMM remaps the device's MSI and sends it */
	wait_irq(&dev_irqs);
	GUEST_PRINTF("guest: vector 0x%x interrupts %u\n", DEV_VECTOR, dev_irqs);
	GUEST_PRINTF("guest: fault interrupts %u, FRCD1 0x%lx:%016lx\n",
		     fault_irqs, rd64(R, fro + 24), rd64(R, fro + 16));
	GUEST_DONE();
}

/* The device's MSI, as the unit remaps it; delivered unless blocked. */
static void msi(struct kvm_vm *vm, int fd, uint64_t addr, uint32_t data)
{
	struct kvm_vtd_msi_translation t = { .sid = DEV_SID, .address = addr, .data = data };
	struct kvm_msi m = {};

	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE_MSI, &t);
	if (t.result == KVM_VTD_MSI_BLOCKED) {
		printf("vmm: 00:01.0 MSI 0x%llx/0x%x -> blocked, fault reason 0x%x%s\n",
		       (unsigned long long)addr, data, t.fault_reason,
		       t.fault_recorded ? ", recorded" : "");
		return;
	}
	m.address_lo = t.msi_address;
	m.address_hi = t.msi_address >> 32;
	m.data = t.msi_data;
	printf("vmm: 00:01.0 MSI 0x%llx/0x%x -> index %u: vector 0x%x to APIC %u\n",
	       (unsigned long long)addr, data, t.index, t.vector, t.dest);
	printf("vmm: KVM_SIGNAL_MSI 0x%llx/0x%x -> %d\n", (unsigned long long)t.msi_address,
	       t.msi_data, __vm_ioctl(vm, KVM_SIGNAL_MSI, &m));
}

/* What the device's DMA to @iova would do, as the unit sees it. */
static void translate(int fd, uint64_t iova, uint32_t flags)
{
	struct kvm_vtd_translation t = { .flags = flags, .sid = DEV_SID, .iova = iova };

	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE, &t);
	if (t.fault_reason)
		printf("vmm: 00:01.0 %s 0x%llx -> fault reason 0x%x%s\n",
		       flags & KVM_VTD_TRANSLATE_WRITE ? "write" : "read",
		       (unsigned long long)iova, t.fault_reason,
		       t.fault_recorded ? ", recorded" : "");
	else
		printf("vmm: 00:01.0 %s 0x%llx -> GPA 0x%llx (page 0x%llx, perm %u)\n",
		       flags & KVM_VTD_TRANSLATE_WRITE ? "write" : "read",
		       (unsigned long long)iova, (unsigned long long)t.gpa,
		       (unsigned long long)t.size, t.perm);
}

static void trace_enable(bool on)
{
	int fd = open(TRACEFS "/events/kvm_vtd/enable", O_WRONLY);

	if (fd < 0)
		return;
	if (on) {
		int t = open(TRACEFS "/trace", O_WRONLY | O_TRUNC);

		if (t >= 0)
			close(t);
	}
	if (write(fd, on ? "1" : "0", 1) != 1)
		perror("tracefs");
	close(fd);
}

static void trace_dump(void)
{
	char line[512];
	FILE *f = fopen(TRACEFS "/trace", "r");

	if (!f) {
		printf("  (tracefs not available)\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *ev = strstr(line, "kvm_vtd_");

		if (line[0] != '#' && ev)
			printf("  %s", ev);
	}
	fclose(f);
}

int main(void)
{
	uint64_t counters[KVM_VTD_STAT_NR];
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	int fd, exits = 0, i;
	bool done = false;

	setbuf(stdout, NULL);
	trace_enable(true);

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	virt_map(vm, VTD_GPA, VTD_GPA, 1);
	virt_pg_map(vm, APIC_DEFAULT_GPA, APIC_DEFAULT_GPA);
	vm_install_exception_handler(vm, FAULT_VECTOR, fault_handler);
	vm_install_exception_handler(vm, DEV_VECTOR, dev_handler);
	irt_gva = vtd_guest_pages(vm, 1, &irt_gpa);
	sync_global_to_guest(vm, irt_gva);
	sync_global_to_guest(vm, irt_gpa);
	queue_gva = vtd_guest_pages(vm, 1, &queue_gpa);
	status_gva = vtd_guest_pages(vm, 1, &status_gpa);
	sync_global_to_guest(vm, queue_gva);
	sync_global_to_guest(vm, queue_gpa);
	sync_global_to_guest(vm, status_gva);
	sync_global_to_guest(vm, status_gpa);
	gq = (struct vtd_gq) {
		.regs = R, .ring = queue_gva, .size = 4096, .dsize = 16,
		.status = status_gva, .status_gpa = status_gpa,
	};
	sync_global_to_guest(vm, gq);
	tables_gva = vm_vaddr_alloc_pages(vm, 6);
	tables_gpa = addr_gva2gpa(vm, tables_gva);
	sync_global_to_guest(vm, tables_gva);
	sync_global_to_guest(vm, tables_gpa);

	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	TEST_ASSERT(fd >= 0, "KVM_CREATE_DEVICE(KVM_DEV_TYPE_INTEL_VTD) failed");
	TEST_ASSERT(!vtd_set_addr(fd, VTD_GPA), "KVM_DEV_VTD_ADDR_REGS failed");
	/* The default features plus interrupt remapping (IR, MHMV 15). */
	TEST_ASSERT(!vtd_reg_set(fd, ECAP, vtd_reg_get(fd, ECAP) | BIT_ULL(3) | (15ull << 20)),
		    "ECAP with interrupt remapping refused");
	TEST_ASSERT(!vtd_init(fd), "KVM_DEV_VTD_CTRL_INIT failed");
	printf("vmm: created kvm-vtd unit, register page at 0x%llx, IR on, initialized\n",
	       VTD_GPA);

	while (!done) {
		vcpu_run(vcpu);
		exits++;
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_PRINTF:
			printf("%s", uc.buffer);
			break;
		case UCALL_SYNC:
			if (uc.args[1] == 2) {
				msi(vm, fd, 0xfee00010, 0);		/* remappable, index 0 */
				msi(vm, fd, 0xfee00000, DEV_VECTOR);	/* compatibility */
				break;
			}
			translate(fd, DEV_IOVA + 0x123, KVM_VTD_TRANSLATE_WRITE);
			translate(fd, DEV_IOVA + 0x1000, 0);
			break;
		case UCALL_DONE:
			done = true;
			break;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
			break;
		default:
			TEST_FAIL("unexpected exit %s",
				  exit_reason_str(vcpu->run->exit_reason));
		}
	}
	trace_enable(false);

	vtd_stats(fd, counters);
	printf("vmm: %d exits to userspace, all for the guest's ucalls (prints, sync, done)\n",
	       exits);
	printf("device saw:\n");
	for (i = 0; i < KVM_VTD_STAT_NR; i++)
		printf("  %-30s %llu\n", stat_names[i] ? stat_names[i] : "(unnamed counter)",
		       (unsigned long long)counters[i]);
	printf("trace (kvm_vtd events):\n");
	trace_dump();

	close(fd);
	kvm_vm_free(vm);
	return 0;
}
