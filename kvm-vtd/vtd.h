/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd private definitions.
 *
 * Lock order (outermost first):
 *
 *   kvm->lock            serializes device attribute calls that change the
 *                        unit's configuration (ADDR, INIT) and device release;
 *                        KVM already holds it around create and release.
 *   kvm->slots_lock      taken inside kvm->lock to (un)register the register
 *                        page on the KVM MMIO bus.
 *
 * The MMIO callbacks run in vCPU context under kvm->srcu and take neither
 * lock (they must not: unregistering the page waits for kvm->srcu readers
 * under kvm->slots_lock).  Once a unit is initialized its configuration is
 * immutable, so they read it without locking; counters are atomic.
 */
#ifndef _KVM_VTD_VTD_H
#define _KVM_VTD_VTD_H

#include <linux/atomic.h>
#include <linux/kvm_host.h>
#include <linux/types.h>
#include <kvm/iodev.h>
#include <linux/kvm_vtd.h>

/**
 * struct kvm_vtd - one emulated DMAR unit
 * @dev: the KVM device this unit is the private data of
 * @kvm: the VM; the device holds a reference on it through its fd
 * @id: small number unique among live units, names debugfs and trace output
 * @regs_gpa: GPA of the register page, or KVM_VTD_ADDR_UNSET
 * @initialized: KVM_DEV_VTD_CTRL_INIT succeeded; configuration is frozen
 * @regs_iodev: the register page's device on KVM_MMIO_BUS
 * @debugfs: the unit's counters file in the VM's debugfs directory, or NULL
 * @stats: counters, indexed by &enum kvm_vtd_stat
 *
 * @regs_gpa and @initialized are written under kvm->lock before the page is
 * registered and only read afterwards.
 */
struct kvm_vtd {
	struct kvm_device *dev;
	struct kvm *kvm;
	int id;
	u64 regs_gpa;
	bool initialized;
	struct kvm_io_device regs_iodev;
	struct dentry *debugfs;
	atomic64_t stats[KVM_VTD_STAT_NR];
};

static inline void kvm_vtd_stat_inc(struct kvm_vtd *vtd, enum kvm_vtd_stat s)
{
	atomic64_inc(&vtd->stats[s]);
}

/* mmio.c */
int kvm_vtd_mmio_register(struct kvm_vtd *vtd);
void kvm_vtd_mmio_unregister(struct kvm_vtd *vtd);

/* stats.c */
int kvm_vtd_stats_get(struct kvm_vtd *vtd, void __user *uarg);
void kvm_vtd_debugfs_init(struct kvm_vtd *vtd);
void kvm_vtd_debugfs_exit(struct kvm_vtd *vtd);

#endif /* _KVM_VTD_VTD_H */
