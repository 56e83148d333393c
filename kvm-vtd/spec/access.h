/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: which guest accesses the register page handles.  Pure functions
 * of guest-controlled values, covered by KUnit (kunit/mmio_kunit.c).
 */
#ifndef _KVM_VTD_ACCESS_H
#define _KVM_VTD_ACCESS_H

#include <linux/align.h>
#include <linux/kvm_vtd.h>
#include <linux/types.h>

/**
 * kvm_vtd_page_offset() - locate an access inside the register page
 * @base: GPA of the register page
 * @addr: GPA of the access (guest controlled)
 * @len: length of the access (guest controlled)
 * @offset: out: offset of the access in the page, when it is inside
 *
 * The MMIO bus offers a device every access that overlaps its range; only
 * those entirely inside the page belong to the unit.  Written so that no sum
 * can wrap whatever @addr and @len are.
 *
 * Return: true if [@addr, @addr + @len) lies inside the page.
 */
static inline bool kvm_vtd_page_offset(u64 base, u64 addr, int len, u32 *offset)
{
	u64 off = addr - base;

	if (addr < base || off >= KVM_VTD_REG_PAGE_SIZE ||
	    len <= 0 || len > KVM_VTD_REG_PAGE_SIZE - off)
		return false;
	*offset = off;
	return true;
}

/**
 * kvm_vtd_access_ok() - is this an architectural register access?
 * @offset: offset in the register page
 * @len: length of the access
 *
 * VT-d registers are accessed as naturally aligned dwords or qwords only.
 *
 * Return: true for a naturally aligned 4- or 8-byte access.
 */
static inline bool kvm_vtd_access_ok(u32 offset, int len)
{
	return (len == 4 || len == 8) && IS_ALIGNED(offset, len);
}

#endif /* _KVM_VTD_ACCESS_H */
