/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kvm-vtd selftests.
 */
#ifndef _SELFTEST_VTD_UTIL_H
#define _SELFTEST_VTD_UTIL_H

#include <stdint.h>
#include <linux/kvm.h>
#include <linux/kvm_vtd.h>

#include "kvm_util.h"

/* Set the register page GPA; returns the ioctl's result, errno on failure. */
static inline int vtd_set_addr(int fd, uint64_t gpa)
{
	return __kvm_device_attr_set(fd, KVM_DEV_VTD_GRP_ADDR,
				     KVM_DEV_VTD_ADDR_REGS, &gpa);
}

/* KVM_DEV_VTD_CTRL_INIT; returns the ioctl's result, errno on failure. */
static inline int vtd_init(int fd)
{
	return __kvm_device_attr_set(fd, KVM_DEV_VTD_GRP_CTRL,
				     KVM_DEV_VTD_CTRL_INIT, NULL);
}

#endif /* _SELFTEST_VTD_UTIL_H */
