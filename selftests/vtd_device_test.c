// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd device lifetime, attribute ABI and in-kernel MMIO.
 *
 * Needs kvm-vtd.ko loaded in the test kernel.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"
#include "vtd_util.h"

#define NR_ACCESSES	1000

static uint64_t vtd_addr_get(int fd)
{
	uint64_t gpa = 0;

	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_ADDR, KVM_DEV_VTD_ADDR_REGS, &gpa);
	return gpa;
}

TEST(create_destroy)
{
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_INTEL_VTD,
		.flags = KVM_CREATE_DEVICE_TEST,
	};
	struct kvm_vm *vm = vm_create_barebones();
	int fd;

	/* The type probe creates nothing and reports the type as supported. */
	ASSERT_EQ(0, __vm_ioctl(vm, KVM_CREATE_DEVICE, &cd));

	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(KVM_VTD_ADDR_UNSET, vtd_addr_get(fd));
	ASSERT_EQ(0, close(fd));

	/* A second unit after the first is gone starts from scratch. */
	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(KVM_VTD_ADDR_UNSET, vtd_addr_get(fd));
	close(fd);
	kvm_vm_free(vm);
}

TEST(two_devices_one_vm)
{
	struct kvm_vm *vm = vm_create_barebones();
	int a = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	int b = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_GE(a, 0);
	ASSERT_GE(b, 0);
	ASSERT_NE(a, b);

	/* Each unit keeps its own configuration. */
	ASSERT_EQ(0, vtd_set_addr(a, VTD_GPA));
	ASSERT_EQ(KVM_VTD_ADDR_UNSET, vtd_addr_get(b));
	ASSERT_EQ(0, vtd_set_addr(b, VTD_GPA + 0x1000));
	ASSERT_EQ(VTD_GPA, vtd_addr_get(a));
	ASSERT_EQ(VTD_GPA + 0x1000, vtd_addr_get(b));
	ASSERT_EQ(0, vtd_init(a));
	ASSERT_EQ(0, vtd_init(b));

	close(a);
	close(b);
	kvm_vm_free(vm);
}

TEST(two_devices_same_page)
{
	struct kvm_vm *vm = vm_create_barebones();
	int a = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	int b = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	int c;

	ASSERT_EQ(0, vtd_set_addr(a, VTD_GPA));
	ASSERT_EQ(0, vtd_set_addr(b, VTD_GPA));
	ASSERT_EQ(0, vtd_init(a));
	/* Two units cannot decode the same register page. */
	ASSERT_EQ(-1, vtd_init(b));
	ASSERT_EQ(EEXIST, errno);

	/* Once the first is gone its page is free again. */
	close(a);
	ASSERT_EQ(0, vtd_init(b));

	/* A unit in another VM may use the same GPA. */
	struct kvm_vm *vm2 = vm_create_barebones();

	c = __kvm_create_device(vm2, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_EQ(0, vtd_set_addr(c, VTD_GPA));
	ASSERT_EQ(0, vtd_init(c));

	close(b);
	close(c);
	kvm_vm_free(vm);
	kvm_vm_free(vm2);
}

TEST(addr_invalid)
{
	static const uint64_t bad[] = {
		VTD_GPA + 1, VTD_GPA + 0x800, VTD_GPA + 0xfff,
		1ull << 52, (1ull << 52) + 0x1000, KVM_VTD_ADDR_UNSET,
		KVM_VTD_ADDR_UNSET & ~0xfffull,
	};
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(-1, vtd_set_addr(fd, bad[i])) TH_LOG("gpa 0x%lx", bad[i]);
		ASSERT_EQ(EINVAL, errno);
	}
	/* A rejected value leaves the address unset. */
	ASSERT_EQ(KVM_VTD_ADDR_UNSET, vtd_addr_get(fd));
	/* A bad user pointer is -EFAULT, not a crash. */
	ASSERT_EQ(-1, __kvm_device_attr_set(fd, KVM_DEV_VTD_GRP_ADDR,
					    KVM_DEV_VTD_ADDR_REGS, (void *)8));
	ASSERT_EQ(EFAULT, errno);
	/* The highest page below 2^52 and page 0 are both valid. */
	ASSERT_EQ(0, vtd_set_addr(fd, (1ull << 52) - 0x1000));
	close(fd);
	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_EQ(0, vtd_set_addr(fd, 0));
	ASSERT_EQ(0, vtd_addr_get(fd));
	close(fd);
	kvm_vm_free(vm);
}

TEST(addr_set_twice)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(-1, vtd_set_addr(fd, VTD_GPA + 0x1000));
	ASSERT_EQ(EEXIST, errno);
	ASSERT_EQ(-1, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(EEXIST, errno);
	ASSERT_EQ(VTD_GPA, vtd_addr_get(fd));
	close(fd);
	kvm_vm_free(vm);
}

TEST(init_without_addr)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_EQ(-1, vtd_init(fd));
	ASSERT_EQ(EINVAL, errno);
	/* The failed INIT did not freeze the unit. */
	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(fd));
	close(fd);
	kvm_vm_free(vm);
}

TEST(init_twice)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(fd));
	ASSERT_EQ(-1, vtd_init(fd));
	ASSERT_EQ(EBUSY, errno);
	/* Configuration is frozen after INIT. */
	ASSERT_EQ(-1, vtd_set_addr(fd, VTD_GPA + 0x1000));
	ASSERT_EQ(EBUSY, errno);
	ASSERT_EQ(VTD_GPA, vtd_addr_get(fd));
	close(fd);
	kvm_vm_free(vm);
}

TEST(unknown_group_attr)
{
	static const struct { uint32_t group; uint64_t attr; } bad[] = {
		{ KVM_DEV_VTD_GRP_ADDR, 1 },
		{ KVM_DEV_VTD_GRP_ADDR, ~0ull },
		{ KVM_DEV_VTD_GRP_CTRL, 2 },
		{ KVM_DEV_VTD_GRP_STATS, 1 },
		{ KVM_DEV_VTD_GRP_STATE, KVM_DEV_VTD_STATE_RESTORE + 1 },
		{ 7, 0 },
		{ 0xffffffffu, 0 },
		/* No register there; no such internal register. */
		{ KVM_DEV_VTD_GRP_REGS, 0x30 },
		{ KVM_DEV_VTD_GRP_REGS, 0x1020 },
		/* Latched IRTA: only with ECAP.IR. */
		{ KVM_DEV_VTD_GRP_REGS, KVM_VTD_REG_LATCHED_IRTA },
		{ KVM_DEV_VTD_GRP_REGS, 1ull << 32 },
		{ KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_PASIDS + 1 },
		{ KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_IR_EVENTFD + 1 },
	};
	static const struct { uint32_t group; uint64_t attr; bool set_only; } one_way[] = {
		{ KVM_DEV_VTD_GRP_CTRL, KVM_DEV_VTD_CTRL_INIT, true },
		{ KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_ATTACH, true },
		{ KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_STATE, false },
		{ KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS, false },
		{ KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE, false },
		{ KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE_MSI, false },
		{ KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_IR_EVENTFD, true },
		{ KVM_DEV_VTD_GRP_STATE, KVM_DEV_VTD_STATE_RESTORE, true },
	};
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	uint64_t val = VTD_GPA;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(-1, __kvm_has_device_attr(fd, bad[i].group, bad[i].attr))
			TH_LOG("has %u/%lu", bad[i].group, bad[i].attr);
		ASSERT_EQ(ENXIO, errno);
		ASSERT_EQ(-1, __kvm_device_attr_set(fd, bad[i].group, bad[i].attr, &val))
			TH_LOG("set %u/%lu", bad[i].group, bad[i].attr);
		ASSERT_EQ(ENXIO, errno);
		ASSERT_EQ(-1, __kvm_device_attr_get(fd, bad[i].group, bad[i].attr, &val))
			TH_LOG("get %u/%lu", bad[i].group, bad[i].attr);
		ASSERT_EQ(ENXIO, errno);
	}
	/* Set-only and get-only attributes refuse the other direction. */
	for (i = 0; i < ARRAY_SIZE(one_way); i++) {
		int rc = one_way[i].set_only ?
			 __kvm_device_attr_get(fd, one_way[i].group, one_way[i].attr, &val) :
			 __kvm_device_attr_set(fd, one_way[i].group, one_way[i].attr, &val);

		ASSERT_EQ(-1, rc)
			TH_LOG("%u/%lu", one_way[i].group, one_way[i].attr);
		ASSERT_EQ(ENXIO, errno);
	}

	/* Nothing above changed the unit. */
	ASSERT_EQ(KVM_VTD_ADDR_UNSET, vtd_addr_get(fd));

	/* What is implemented is reported as such. */
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_ADDR, KVM_DEV_VTD_ADDR_REGS));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_CTRL, KVM_DEV_VTD_CTRL_INIT));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_CTRL, KVM_DEV_VTD_CTRL_RESET));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, 0));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_REGS, KVM_VTD_REG_FAULT_NEXT));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS));
	ASSERT_EQ(0, __kvm_has_device_attr(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE));
	close(fd);
	kvm_vm_free(vm);
}

TEST(stats_abi)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	struct kvm_vtd_stats *st;
	size_t sz = sizeof(*st) + (KVM_VTD_STAT_NR + 4) * sizeof(uint64_t);
	int i;

	st = malloc(sz);
	ASSERT_NE(NULL, st);

	/* Asking for more than exists fills what exists, leaves the rest. */
	memset(st, 0xa5, sz);
	st->nr = KVM_VTD_STAT_NR + 4;
	st->flags = 0;
	ASSERT_EQ(0, __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS, st));
	ASSERT_EQ(KVM_VTD_STAT_NR, st->nr);
	for (i = 0; i < KVM_VTD_STAT_NR; i++)
		ASSERT_EQ(0, st->counters[i]);
	for (i = KVM_VTD_STAT_NR; i < KVM_VTD_STAT_NR + 4; i++)
		ASSERT_EQ(0xa5a5a5a5a5a5a5a5ull, st->counters[i]);

	/* Asking for fewer writes only those and still reports the total. */
	memset(st, 0xa5, sz);
	st->nr = 1;
	st->flags = 0;
	ASSERT_EQ(0, __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS, st));
	ASSERT_EQ(KVM_VTD_STAT_NR, st->nr);
	ASSERT_EQ(0, st->counters[0]);
	ASSERT_EQ(0xa5a5a5a5a5a5a5a5ull, st->counters[1]);

	/* Unknown flags are refused. */
	st->nr = KVM_VTD_STAT_NR;
	st->flags = 1;
	ASSERT_EQ(-1, __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS, st));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS,
					    (void *)8));
	ASSERT_EQ(EFAULT, errno);

	free(st);
	close(fd);
	kvm_vm_free(vm);
}

/*
 * The guest hammers the register page with NR_ACCESSES reads and as many
 * writes, 4- and 8-byte, all over the page, plus some accesses that are not
 * valid VT-d register accesses, then reports.  None of it may exit to
 * userspace.  Then it touches the page after the register page, which must.
 */
static void guest_mmio(void)
{
	uint32_t *r32 = (uint32_t *)VTD_GPA;
	uint64_t *r64 = (uint64_t *)VTD_GPA;
	int i;

	for (i = 0; i < NR_ACCESSES; i++) {
		uint32_t off = (i * 12) % KVM_VTD_REG_PAGE_SIZE;

		if (i & 1) {
			off &= ~7u;
			(void)READ_ONCE(r64[off / 8]);
			WRITE_ONCE(r64[off / 8], 0x0123456789abcdefull ^ i);
		} else {
			off &= ~3u;
			(void)READ_ONCE(r32[off / 4]);
			WRITE_ONCE(r32[off / 4], 0x89abcdefu ^ i);
		}
	}
	/* A word and a byte access: not architectural, dropped in the kernel. */
	WRITE_ONCE(*(uint16_t *)(VTD_GPA + 0x10), 0xffff);
	GUEST_ASSERT_EQ(READ_ONCE(*(uint8_t *)(VTD_GPA + 0x11)), 0);
	GUEST_SYNC(0);

	WRITE_ONCE(*(uint32_t *)(VTD_GPA + KVM_VTD_REG_PAGE_SIZE), 0xfeedbeef);
	GUEST_SYNC(1);
	GUEST_DONE();
}

TEST(guest_mmio_in_kernel)
{
	uint64_t stats[KVM_VTD_STAT_NR];
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	struct kvm_run *run;
	struct ucall uc;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_mmio);
	virt_map(vm, VTD_GPA, VTD_GPA, 2);
	run = vcpu->run;
	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(fd));

	/* Exactly one exit to userspace: the ucall after all the accesses. */
	vcpu_run(vcpu);
	ASSERT_EQ(KVM_EXIT_IO, run->exit_reason)
		TH_LOG("first exit is %s at 0x%llx, expected the ucall",
		       exit_reason_str(run->exit_reason),
		       (unsigned long long)run->mmio.phys_addr);
	ASSERT_EQ(UCALL_SYNC, get_ucall(vcpu, &uc))
		TH_LOG("guest: %s", uc.buffer);
	ASSERT_EQ(0, uc.args[1]);

	vtd_stats(fd, stats);
	ASSERT_EQ(NR_ACCESSES, stats[KVM_VTD_STAT_REG_READS]);
	ASSERT_EQ(NR_ACCESSES, stats[KVM_VTD_STAT_REG_WRITES]);
	ASSERT_EQ(2, stats[KVM_VTD_STAT_REG_BAD_ACCESS]);

	/* One page beyond the register page is not ours: a userspace MMIO exit. */
	vcpu_run(vcpu);
	ASSERT_EQ(KVM_EXIT_MMIO, run->exit_reason)
		TH_LOG("exit %s", exit_reason_str(run->exit_reason));
	ASSERT_EQ(VTD_GPA + KVM_VTD_REG_PAGE_SIZE, run->mmio.phys_addr);
	ASSERT_EQ(1, run->mmio.is_write);
	ASSERT_EQ(4, run->mmio.len);
	ASSERT_EQ(0xfeedbeef, *(uint32_t *)run->mmio.data);

	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_SYNC, get_ucall(vcpu, &uc));
	ASSERT_EQ(1, uc.args[1]);
	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_DONE, get_ucall(vcpu, &uc));

	/* The exit beyond the page was not counted as a register access. */
	vtd_stats(fd, stats);
	ASSERT_EQ(NR_ACCESSES, stats[KVM_VTD_STAT_REG_WRITES]);

	close(fd);
	kvm_vm_free(vm);
}

/* Before INIT the page is not decoded: the guest's first access exits. */
TEST(guest_mmio_before_init)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm;
	int fd;

	vm = vm_create_with_one_vcpu(&vcpu, guest_mmio);
	virt_map(vm, VTD_GPA, VTD_GPA, 2);
	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));

	vcpu_run(vcpu);
	ASSERT_EQ(KVM_EXIT_MMIO, vcpu->run->exit_reason);
	ASSERT_EQ(VTD_GPA, vcpu->run->mmio.phys_addr);
	close(fd);
	kvm_vm_free(vm);
}

TEST_HARNESS_MAIN
