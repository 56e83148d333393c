// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd demo: a VMM that creates one emulated DMAR unit, and a guest that
 * touches its register page the way a driver's probe would.  Prints what the
 * guest did, how many times the vCPU exited to userspace, and what the unit
 * saw (its counters and the kvm_vtd trace events).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"
#include "vtd_util.h"

#define VTD_GPA		0xfed90000ull
#define TRACEFS		"/sys/kernel/tracing"

/* A few architectural register offsets (VT-d spec, chapter 11). */
#define VTD_VER		0x00
#define VTD_CAP		0x08
#define VTD_ECAP	0x10
#define VTD_GCMD	0x18
#define VTD_GSTS	0x1c
#define VTD_RTADDR	0x20
#define VTD_FSTS	0x34

static const char * const stat_names[KVM_VTD_STAT_NR] = {
	[KVM_VTD_STAT_REG_READS] = "register reads",
	[KVM_VTD_STAT_REG_WRITES] = "register writes",
	[KVM_VTD_STAT_REG_BAD_ACCESS] = "dropped (bad size/alignment)",
};

static uint32_t rd32(uint32_t off)
{
	return READ_ONCE(*(uint32_t *)(VTD_GPA + off));
}

static uint64_t rd64(uint32_t off)
{
	return READ_ONCE(*(uint64_t *)(VTD_GPA + off));
}

static void wr32(uint32_t off, uint32_t v)
{
	WRITE_ONCE(*(uint32_t *)(VTD_GPA + off), v);
}

static void wr64(uint32_t off, uint64_t v)
{
	WRITE_ONCE(*(uint64_t *)(VTD_GPA + off), v);
}

static void guest_code(void)
{
	uint64_t cap, ecap;
	uint32_t ver, gsts;

	ver = rd32(VTD_VER);
	cap = rd64(VTD_CAP);
	ecap = rd64(VTD_ECAP);
	GUEST_PRINTF("guest: VER=0x%x CAP=0x%lx ECAP=0x%lx\n", ver, cap, ecap);

	wr64(VTD_RTADDR, 0x100000);
	gsts = rd32(VTD_GSTS);
	wr32(VTD_GCMD, gsts | (1u << 30));	/* SRTP */
	gsts = rd32(VTD_GSTS);
	GUEST_PRINTF("guest: wrote RTADDR=0x100000, GCMD.SRTP; GSTS now 0x%x\n", gsts);
	GUEST_PRINTF("guest: FSTS=0x%x\n", rd32(VTD_FSTS));
	GUEST_DONE();
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
	struct {
		struct kvm_vtd_stats hdr;
		uint64_t counters[KVM_VTD_STAT_NR];
	} st = { .hdr.nr = KVM_VTD_STAT_NR };
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct ucall uc;
	int fd, exits = 0, i;
	bool done = false;

	setbuf(stdout, NULL);
	trace_enable(true);

	vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	virt_map(vm, VTD_GPA, VTD_GPA, 1);

	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	TEST_ASSERT(fd >= 0, "KVM_CREATE_DEVICE(KVM_DEV_TYPE_INTEL_VTD) failed");
	TEST_ASSERT(!vtd_set_addr(fd, VTD_GPA), "KVM_DEV_VTD_ADDR_REGS failed");
	TEST_ASSERT(!vtd_init(fd), "KVM_DEV_VTD_CTRL_INIT failed");
	printf("vmm: created kvm-vtd unit, register page at 0x%llx, initialized\n",
	       VTD_GPA);

	while (!done) {
		vcpu_run(vcpu);
		exits++;
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_PRINTF:
			printf("%s", uc.buffer);
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

	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS, &st);
	printf("vmm: %d exits to userspace, all for the guest's ucalls (prints, done)\n",
	       exits);
	printf("device saw:\n");
	for (i = 0; i < KVM_VTD_STAT_NR; i++)
		printf("  %-30s %llu\n", stat_names[i],
		       (unsigned long long)st.counters[i]);
	printf("trace (kvm_vtd events):\n");
	trace_dump();
	printf("note: no register file yet: registers read 0, writes are dropped\n");

	close(fd);
	kvm_vm_free(vm);
	return 0;
}
