// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd module lifetime: the module stays pinned while any of its devices
 * exists, unloads once the last one is gone, and KVM_CREATE_DEVICE fails
 * cleanly without it.
 *
 * Unloads and reloads kvm-vtd: needs root and the path of kvm-vtd.ko in
 * $KVM_VTD_KO, and must not run concurrently with other kvm-vtd tests.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "vtd_util.h"

#define MODNAME "kvm_vtd"

static int rmmod(void)
{
	return syscall(__NR_delete_module, MODNAME, O_NONBLOCK);
}

static int insmod(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = syscall(__NR_finit_module, fd, "", 0);
	close(fd);
	return rc;
}

static bool module_loaded(void)
{
	return access("/sys/module/" MODNAME, F_OK) == 0;
}

FIXTURE(module) {
	const char *ko;
};

FIXTURE_SETUP(module)
{
	self->ko = getenv("KVM_VTD_KO");
	if (!self->ko)
		SKIP(return, "KVM_VTD_KO is not set");
	if (!module_loaded())
		ASSERT_EQ(0, insmod(self->ko));
}

/* Leave the module loaded for whatever runs next, whatever happened. */
FIXTURE_TEARDOWN(module)
{
	if (self->ko && !module_loaded())
		EXPECT_EQ(0, insmod(self->ko));
}

TEST_F(module, pinned_by_device)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(0, vtd_set_addr(fd, 0xfed90000));
	ASSERT_EQ(0, vtd_init(fd));

	ASSERT_EQ(-1, rmmod());
	ASSERT_EQ(EWOULDBLOCK, errno);
	ASSERT_TRUE(module_loaded());

	/* The device fd holds the VM: closing the VM first changes nothing. */
	kvm_vm_release(vm);
	ASSERT_EQ(-1, rmmod());
	ASSERT_EQ(EWOULDBLOCK, errno);

	/* The device still works. */
	ASSERT_EQ(-1, vtd_init(fd));
	ASSERT_EQ(EBUSY, errno);

	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, rmmod());
	ASSERT_FALSE(module_loaded());
	/* Its fds are closed already; a barebones VM has nothing else. */
	free(vm);
}

TEST_F(module, create_without_module)
{
	struct kvm_vm *vm = vm_create_barebones();
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_INTEL_VTD,
		.flags = KVM_CREATE_DEVICE_TEST,
	};
	int fd;

	ASSERT_EQ(0, rmmod());
	ASSERT_EQ(-1, __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD));
	ASSERT_EQ(ENODEV, errno);
	ASSERT_EQ(-1, __vm_ioctl(vm, KVM_CREATE_DEVICE, &cd));
	ASSERT_EQ(ENODEV, errno);

	/* Loading it again makes the type available to the same VM. */
	ASSERT_EQ(0, insmod(self->ko));
	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_GE(fd, 0);
	close(fd);
	kvm_vm_free(vm);
}

TEST_F(module, unload_with_idle_vm)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);

	ASSERT_GE(fd, 0);
	/* A closed device no longer pins the module, even if its VM lives. */
	close(fd);
	ASSERT_EQ(0, rmmod());
	kvm_vm_free(vm);
}

TEST_HARNESS_MAIN
