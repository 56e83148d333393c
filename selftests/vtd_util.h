/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the kvm-vtd selftests.
 *
 * Register offsets and fields are written out here from the VT-d
 * specification rather than taken from the module's headers, so a wrong
 * constant in the module cannot hide behind the same constant in a test.
 */
#ifndef _SELFTEST_VTD_UTIL_H
#define _SELFTEST_VTD_UTIL_H

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bits.h>
#include <linux/kvm.h>
#include <linux/kvm_vtd.h>

#include "kvm_util.h"

/* Where Intel platforms usually put a DMAR unit; no memslot covers it. */
#define VTD_GPA		0xfed90000ull

/* Register offsets (VT-d spec, chapter 11). */
#define VER		0x00
#define CAP		0x08
#define ECAP		0x10
#define GCMD		0x18
#define GSTS		0x1c
#define RTADDR		0x20
#define CCMD		0x28
#define FSTS		0x34
#define FECTL		0x38
#define FEDATA		0x3c
#define FEADDR		0x40
#define FEUADDR		0x44
#define IQH		0x80
#define IQT		0x88
#define IQA		0x90
#define ICS		0x9c
#define IECTL		0xa0
#define IEDATA		0xa4
#define IEADDR		0xa8
#define IEUADDR		0xac
#define IQERCD		0xb0
#define IRTA		0xb8

#define GCMD_TE		BIT(31)
#define GCMD_SRTP	BIT(30)
#define GCMD_WBF	BIT(27)
#define GCMD_QIE	BIT(26)
#define GCMD_IRE	BIT(25)
#define GCMD_SIRTP	BIT(24)
#define GCMD_CFI	BIT(23)
#define GSTS_TES	BIT(31)
#define GSTS_RTPS	BIT(30)
#define GSTS_QIES	BIT(26)
#define GSTS_IRES	BIT(25)
#define GSTS_IRTPS	BIT(24)
#define GSTS_CFIS	BIT(23)
#define CCMD_ICC	BIT_ULL(63)
#define CCMD_CIRG(g)	((uint64_t)(g) << 61)
#define CCMD_CAIG(v)	(((v) >> 59) & 3)
#define IOTLB_IVT	BIT_ULL(63)
#define IOTLB_IIRG(g)	((uint64_t)(g) << 60)
#define IOTLB_IAIG(v)	(((v) >> 57) & 3)
#define IOTLB_DID(d)	((uint64_t)(d) << 32)
#define FSTS_PFO	BIT(0)
#define FSTS_PPF	BIT(1)
#define FSTS_IQE	BIT(4)
#define FSTS_FRI(v)	(((v) >> 8) & 0xff)
#define ECTL_IM		BIT(31)
#define ECTL_IP		BIT(30)
#define ICS_IWC		BIT(0)
#define FRCD_F		BIT_ULL(63)

#define CAP_RWBF	BIT_ULL(4)
#define CAP_CM		BIT_ULL(7)
#define CAP_SAGAW(v)	(((v) >> 8) & 0x1f)
#define CAP_MGAW(v)	(((v) >> 16) & 0x3f)
#define CAP_FRO(v)	((((v) >> 24) & 0x3ff) * 16)
#define CAP_NFR(v)	((((v) >> 40) & 0xff) + 1)
#define CAP_MAMV(v)	(((v) >> 48) & 0x3f)
#define CAP_PSI		BIT_ULL(39)
#define CAP_FL1GP	BIT_ULL(56)
#define ECAP_QI		BIT_ULL(1)
#define ECAP_DT		BIT_ULL(2)
#define ECAP_IR		BIT_ULL(3)
#define ECAP_EIM	BIT_ULL(4)
#define ECAP_PT		BIT_ULL(6)
#define ECAP_SRS	BIT_ULL(31)
#define ECAP_PSS(v)	((uint64_t)(v) << 35)
#define ECAP_PASID	BIT_ULL(40)
#define ECAP_SMTS	BIT_ULL(43)
#define ECAP_SLTS	BIT_ULL(46)
#define ECAP_FLTS	BIT_ULL(47)
#define RTADDR_TTM_SM	BIT_ULL(10)
#define IQA_DW		BIT_ULL(11)
#define ECAP_IRO(v)	((((v) >> 8) & 0x3ff) * 16)
#define ECAP_MHMV(v)	((uint64_t)(v) << 20)

/* Interrupt remapping table address and entries (VT-d 3.x 9.9, 9.10). */
#define IRTA_EIME	BIT_ULL(11)
#define IRTA_S_256	7		/* 2^(S + 1) entries */
#define IRTE_P		BIT_ULL(0)
#define IRTE_FPD	BIT_ULL(1)
#define IRTE_V(v)	((uint64_t)(v) << 16)
#define IRTE_SVT_SID	BIT_ULL(18)
#define IRTE_DST(d)	((uint64_t)(d) << 32)
#define IRTE_DST_XAPIC(d) ((uint64_t)(d) << 40)

/* Guest-side register access: the page is identity-mapped at VTD_GPA. */
static inline uint32_t rd32(uint64_t base, uint32_t off)
{
	return READ_ONCE(*(uint32_t *)(base + off));
}

static inline uint64_t rd64(uint64_t base, uint32_t off)
{
	return READ_ONCE(*(uint64_t *)(base + off));
}

static inline void wr32(uint64_t base, uint32_t off, uint32_t v)
{
	WRITE_ONCE(*(uint32_t *)(base + off), v);
}

static inline void wr64(uint64_t base, uint32_t off, uint64_t v)
{
	WRITE_ONCE(*(uint64_t *)(base + off), v);
}

/* @n pages of guest memory, mapped for the guest: its address, and *@gpa. */
static inline void *vtd_guest_pages(struct kvm_vm *vm, int n, uint64_t *gpa)
{
	vm_vaddr_t gva = vm_vaddr_alloc_pages(vm, n);

	*gpa = addr_gva2gpa(vm, gva);
	return (void *)gva;
}

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

static inline int vtd_reg_set(int fd, uint64_t attr, uint64_t val)
{
	return __kvm_device_attr_set(fd, KVM_DEV_VTD_GRP_REGS, attr, &val);
}

static inline uint64_t vtd_reg_get(int fd, uint64_t attr)
{
	uint64_t val;

	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_REGS, attr, &val);
	return val;
}

/* Every counter the unit keeps (KVM_DEV_VTD_STATS), into @counters[KVM_VTD_STAT_NR]. */
static inline void vtd_stats(int fd, uint64_t *counters)
{
	struct {
		struct kvm_vtd_stats hdr;
		uint64_t counters[KVM_VTD_STAT_NR];
	} st = { .hdr.nr = KVM_VTD_STAT_NR };

	kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_STATS, KVM_DEV_VTD_STATS, &st);
	memcpy(counters, st.counters, sizeof(st.counters));
}

static inline uint64_t vtd_stat(int fd, int idx)
{
	uint64_t counters[KVM_VTD_STAT_NR];

	vtd_stats(fd, counters);
	return counters[idx];
}

/*
 * Report a primary fault through the unit's debugfs fault injector (the
 * path the translation code takes).  The VM has one unit: its directory is
 * the only vtd* entry in the VM's debugfs directory.
 */
static inline void vtd_inject_fault(struct kvm_vm *vm, uint16_t sid, uint8_t fr,
				    uint64_t addr)
{
	char dir[64], path[384], buf[64];
	struct dirent *de;
	DIR *d;
	int fd, n;

	snprintf(dir, sizeof(dir), "/sys/kernel/debug/kvm/%d-%d", getpid(), vm->fd);
	d = opendir(dir);
	TEST_ASSERT(d, "no debugfs directory %s", dir);
	path[0] = '\0';
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vtd", 3))
			snprintf(path, sizeof(path), "%s/%s/inject_fault", dir, de->d_name);
	closedir(d);
	TEST_ASSERT(path[0], "no vtd unit in %s", dir);

	fd = open(path, O_WRONLY);
	TEST_ASSERT(fd >= 0, "open %s", path);
	n = snprintf(buf, sizeof(buf), "%u %u 0x%lx 1", sid, fr, addr);
	TEST_ASSERT(write(fd, buf, n) == n, "write %s", path);
	close(fd);
}

#endif /* _SELFTEST_VTD_UTIL_H */
