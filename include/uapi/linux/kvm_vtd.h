/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * kvm-vtd: an Intel VT-d DMA remapping unit emulated in the host kernel.
 *
 * A VMM creates one unit per KVM_CREATE_DEVICE(KVM_DEV_TYPE_INTEL_VTD) and
 * configures it with KVM_{SET,GET,HAS}_DEVICE_ATTR on the returned fd.  See
 * Documentation/kvm-vtd.rst for the semantics of every group.
 *
 * Errors common to every attribute: an unknown group or attribute returns
 * -ENXIO, a bad value -EINVAL, and an operation the device's current state
 * does not allow -EBUSY.  Groups documented as "reserved" have fixed numbers
 * but no attribute yet; they return -ENXIO.
 */
#ifndef _UAPI_LINUX_KVM_VTD_H
#define _UAPI_LINUX_KVM_VTD_H

#include <linux/types.h>

/* Size of the unit's register page in guest physical address space. */
#define KVM_VTD_REG_PAGE_SIZE		0x1000

/*
 * KVM_DEV_VTD_GRP_ADDR: guest physical addresses of the unit's MMIO windows.
 *
 * KVM_DEV_VTD_ADDR_REGS: the __u64 at attr.addr is the GPA of the 4 KiB
 * register page.  It must be 4 KiB aligned and below 2^52, is set once
 * (-EEXIST on a second set) and only before KVM_DEV_VTD_CTRL_INIT (-EBUSY
 * after).  A get before any set returns KVM_VTD_ADDR_UNSET.
 */
#define KVM_DEV_VTD_GRP_ADDR		0
#define   KVM_DEV_VTD_ADDR_REGS		0
#define KVM_VTD_ADDR_UNSET		(~0ULL)

/* KVM_DEV_VTD_GRP_REGS: reserved for architectural register get/set. */
#define KVM_DEV_VTD_GRP_REGS		1

/*
 * KVM_DEV_VTD_GRP_CTRL: commands; attr.addr is ignored.
 *
 * KVM_DEV_VTD_CTRL_INIT: finalize the configuration and put the register page
 * on the KVM MMIO bus, after which guest accesses to it are handled in the
 * kernel and never exit to userspace.  Requires KVM_DEV_VTD_ADDR_REGS
 * (-EINVAL without it); a second INIT returns -EBUSY; a register page that
 * overlaps another initialized unit's in the same VM returns -EEXIST.
 *
 * KVM_DEV_VTD_CTRL_RESET: reserved for platform reset.
 */
#define KVM_DEV_VTD_GRP_CTRL		2
#define   KVM_DEV_VTD_CTRL_INIT		0
#define   KVM_DEV_VTD_CTRL_RESET	1

/* KVM_DEV_VTD_GRP_DEVICE: reserved for assigned-device attach/detach. */
#define KVM_DEV_VTD_GRP_DEVICE		3
#define   KVM_DEV_VTD_DEVICE_ATTACH	0
#define   KVM_DEV_VTD_DEVICE_DETACH	1

/* KVM_DEV_VTD_GRP_TRANSLATE: reserved for DMA address translation. */
#define KVM_DEV_VTD_GRP_TRANSLATE	4
#define   KVM_DEV_VTD_TRANSLATE		0

/*
 * KVM_DEV_VTD_GRP_STATS: counters, read with KVM_GET_DEVICE_ATTR.
 *
 * KVM_DEV_VTD_STATS: attr.addr points to a struct kvm_vtd_stats.
 */
#define KVM_DEV_VTD_GRP_STATS		5
#define   KVM_DEV_VTD_STATS		0

/**
 * enum kvm_vtd_stat - index of each counter in &kvm_vtd_stats.counters
 * @KVM_VTD_STAT_REG_READS: guest reads of the register page handled in the
 *	kernel (4- and 8-byte accesses inside the page).
 * @KVM_VTD_STAT_REG_WRITES: guest writes of the register page handled in the
 *	kernel.
 * @KVM_VTD_STAT_REG_BAD_ACCESS: guest accesses inside the register page that
 *	were not a naturally aligned 4- or 8-byte access; they are dropped and
 *	read as 0.
 * @KVM_VTD_STAT_NR: number of counters this header knows about.
 *
 * New counters are only ever appended, so an index keeps its meaning.
 */
enum kvm_vtd_stat {
	KVM_VTD_STAT_REG_READS,
	KVM_VTD_STAT_REG_WRITES,
	KVM_VTD_STAT_REG_BAD_ACCESS,
	KVM_VTD_STAT_NR,
};

/**
 * struct kvm_vtd_stats - argument of KVM_DEV_VTD_STATS
 * @nr: in: number of entries in @counters; out: number of counters the
 *	kernel has, which may be more or fewer than were asked for.
 * @flags: must be 0.
 * @counters: out: the first min(in @nr, out @nr) counters, indexed by
 *	&enum kvm_vtd_stat; entries beyond those are left untouched.
 *
 * Counters are 64-bit, start at 0 when the device is created and are not
 * reset by anything the guest does.  A snapshot is not atomic across
 * counters while vCPUs run.
 */
struct kvm_vtd_stats {
	__u32 nr;
	__u32 flags;
	__u64 counters[];
};

#endif /* _UAPI_LINUX_KVM_VTD_H */
