// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: counters, through KVM_DEV_VTD_GRP_STATS and debugfs.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "vtd.h"

static const char * const kvm_vtd_stat_names[KVM_VTD_STAT_NR] = {
	[KVM_VTD_STAT_REG_READS]	= "reg_reads",
	[KVM_VTD_STAT_REG_WRITES]	= "reg_writes",
	[KVM_VTD_STAT_REG_BAD_ACCESS]	= "reg_bad_access",
};

/**
 * kvm_vtd_stats_get() - copy the unit's counters to a struct kvm_vtd_stats
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_stats
 *
 * Return: 0, -EFAULT, or -EINVAL when flags are set.
 */
int kvm_vtd_stats_get(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_stats __user *ustats = uarg;
	struct kvm_vtd_stats hdr;
	u32 i, n;

	if (copy_from_user(&hdr, ustats, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags)
		return -EINVAL;

	n = min_t(u32, hdr.nr, KVM_VTD_STAT_NR);
	for (i = 0; i < n; i++)
		if (put_user(atomic64_read(&vtd->stats[i]), &ustats->counters[i]))
			return -EFAULT;

	return put_user((u32)KVM_VTD_STAT_NR, &ustats->nr);
}

static int kvm_vtd_stats_show(struct seq_file *m, void *unused)
{
	struct kvm_vtd *vtd = m->private;
	int i;

	seq_printf(m, "regs_gpa 0x%llx\n", vtd->regs_gpa);
	for (i = 0; i < KVM_VTD_STAT_NR; i++)
		seq_printf(m, "%s %lld\n", kvm_vtd_stat_names[i],
			   atomic64_read(&vtd->stats[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvm_vtd_stats);

/**
 * kvm_vtd_debugfs_init() - create "vtd<id>" in the VM's debugfs directory
 * @vtd: the unit
 *
 * Best effort: a VM without a debugfs directory gets no file.
 */
void kvm_vtd_debugfs_init(struct kvm_vtd *vtd)
{
	char name[16];

	if (IS_ERR_OR_NULL(vtd->kvm->debugfs_dentry))
		return;

	snprintf(name, sizeof(name), "vtd%d", vtd->id);
	vtd->debugfs = debugfs_create_file(name, 0444, vtd->kvm->debugfs_dentry,
					   vtd, &kvm_vtd_stats_fops);
}

/**
 * kvm_vtd_debugfs_exit() - remove the unit's debugfs file
 * @vtd: the unit
 *
 * Waits for readers of the file to finish.
 */
void kvm_vtd_debugfs_exit(struct kvm_vtd *vtd)
{
	debugfs_remove(vtd->debugfs);
	vtd->debugfs = NULL;
}
