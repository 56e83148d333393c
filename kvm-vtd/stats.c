// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: counters, through KVM_DEV_VTD_GRP_STATS and debugfs.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#include "vtd.h"

static const char * const kvm_vtd_stat_names[KVM_VTD_STAT_NR] = {
	[KVM_VTD_STAT_REG_READS]	= "reg_reads",
	[KVM_VTD_STAT_REG_WRITES]	= "reg_writes",
	[KVM_VTD_STAT_REG_BAD_ACCESS]	= "reg_bad_access",
	[KVM_VTD_STAT_FAULTS_RECORDED]	= "faults_recorded",
	[KVM_VTD_STAT_FAULTS_DROPPED]	= "faults_dropped",
	[KVM_VTD_STAT_FAULT_IRQS]	= "fault_irqs",
	[KVM_VTD_STAT_INV_IRQS]		= "inv_irqs",
	[KVM_VTD_STAT_IRQS_FAILED]	= "irqs_failed",
	[KVM_VTD_STAT_CC_INVALIDATIONS]	= "cc_invalidations",
	[KVM_VTD_STAT_IOTLB_INVALIDATIONS] = "iotlb_invalidations",
	[KVM_VTD_STAT_REG_INV_IGNORED]	= "reg_inv_ignored",
	[KVM_VTD_STAT_DMAR_SWITCHES]	= "dmar_switches",
	[KVM_VTD_STAT_QI_DESCRIPTORS]	= "qi_descriptors",
	[KVM_VTD_STAT_QI_ERRORS]	= "qi_errors",
	[KVM_VTD_STAT_QI_PAGES_READ]	= "qi_pages_read",
	[KVM_VTD_STAT_TRANSLATIONS]	= "translations",
	[KVM_VTD_STAT_TRANSLATION_FAULTS] = "translation_faults",
	[KVM_VTD_STAT_CTX_PAGES_READ]	= "ctx_pages_read",
	[KVM_VTD_STAT_WALK_PAGES_READ]	= "walk_pages_read",
	[KVM_VTD_STAT_PASID_PAGES_READ]	= "pasid_pages_read",
	[KVM_VTD_STAT_WALKS]		= "walks",
	[KVM_VTD_STAT_WALK_LEAVES]	= "walk_leaves",
	[KVM_VTD_STAT_PC_INVALIDATIONS]	= "pc_invalidations",
	[KVM_VTD_STAT_PIOTLB_INVALIDATIONS] = "piotlb_invalidations",
	[KVM_VTD_STAT_CTX_CACHE_HITS]	= "ctx_cache_hits",
	[KVM_VTD_STAT_CTX_CACHE_MISSES]	= "ctx_cache_misses",
	[KVM_VTD_STAT_IOTLB_HITS]	= "iotlb_hits",
	[KVM_VTD_STAT_IOTLB_MISSES]	= "iotlb_misses",
	[KVM_VTD_STAT_CACHE_EVICTIONS]	= "cache_evictions",
	[KVM_VTD_STAT_CACHE_INVALIDATED] = "cache_invalidated",
	[KVM_VTD_STAT_QI_DRAINS]	= "qi_drains",
	[KVM_VTD_STAT_QI_WAITS]		= "qi_waits",
	[KVM_VTD_STAT_HOST_EVALS]	= "host_evals",
	[KVM_VTD_STAT_HOST_ATTACHES]	= "host_attaches",
	[KVM_VTD_STAT_HOST_HWPT_ALLOCS]	= "host_hwpt_allocs",
	[KVM_VTD_STAT_HOST_HWPT_DESTROYS] = "host_hwpt_destroys",
	[KVM_VTD_STAT_HOST_INV_CALLS]	= "host_inv_calls",
	[KVM_VTD_STAT_HOST_INV_ENTRIES]	= "host_inv_entries",
	[KVM_VTD_STAT_SHADOW_MAP_CALLS]	= "shadow_map_calls",
	[KVM_VTD_STAT_SHADOW_MAP_BYTES]	= "shadow_map_bytes",
	[KVM_VTD_STAT_SHADOW_UNMAP_CALLS] = "shadow_unmap_calls",
	[KVM_VTD_STAT_SHADOW_UNMAP_BYTES] = "shadow_unmap_bytes",
	[KVM_VTD_STAT_HOST_ERRORS]	= "host_errors",
	[KVM_VTD_STAT_DEVTLB_INVALIDATIONS] = "devtlb_invalidations",
	[KVM_VTD_STAT_PDEVTLB_INVALIDATIONS] = "pasid_devtlb_invalidations",
	[KVM_VTD_STAT_HOST_PASID_SYNCS] = "host_pasid_syncs",
	[KVM_VTD_STAT_HOST_PASID_UPDATES] = "host_pasid_updates",
	[KVM_VTD_STAT_HOST_PASID_DROPS] = "host_pasid_drops",
	[KVM_VTD_STAT_IEC_INVALIDATIONS] = "iec_invalidations",
	[KVM_VTD_STAT_MSI_TRANSLATIONS] = "msi_translations",
	[KVM_VTD_STAT_MSI_REMAPPED]	= "msi_remapped",
	[KVM_VTD_STAT_MSI_BLOCKED]	= "msi_blocked",
	[KVM_VTD_STAT_IEC_HITS]		= "iec_hits",
	[KVM_VTD_STAT_IEC_MISSES]	= "iec_misses",
	[KVM_VTD_STAT_IR_CHANGES]	= "ir_changes",
	[KVM_VTD_STAT_WORK_DEFERRED]	= "work_deferred",
	[KVM_VTD_STAT_WORK_RESUMED]	= "work_resumed",
	[KVM_VTD_STAT_SHADOW_SLOT_UNMAPS] = "shadow_slot_unmaps",
	[KVM_VTD_STAT_WORK_MAX]		= "work_max",
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
	for (i = 0; i < ARRAY_SIZE(vtd->fault_reasons); i++)
		if (atomic64_read(&vtd->fault_reasons[i]))
			seq_printf(m, "fault_reason_0x%02x %lld\n", i,
				   atomic64_read(&vtd->fault_reasons[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(kvm_vtd_stats);

/*
 * Fault injection for tests and debugging: writing
 * "<sid> <reason> <addr> <type>" (numbers in C syntax) reports a primary
 * fault through kvm_vtd_record_fault(), exactly as the translation code
 * will.  Not ABI: debugfs, root only.
 */
static ssize_t kvm_vtd_inject_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct kvm_vtd *vtd = file->private_data;
	struct vtd_fault f = {};
	unsigned int sid, reason, type;
	char buf[80];
	u64 addr;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%i %i %lli %i", &sid, &reason, &addr, &type) != 4 ||
	    sid > U16_MAX || reason > U8_MAX || type > VTD_FAULT_ATOMIC)
		return -EINVAL;

	f.sid = sid;
	f.reason = reason;
	f.addr = addr;
	f.type = type;
	kvm_vtd_record_fault(vtd, &f);
	return count;
}

static const struct file_operations kvm_vtd_inject_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = kvm_vtd_inject_write,
	.llseek = noop_llseek,
};

/**
 * kvm_vtd_debugfs_init() - create "vtd<id>/" in the VM's debugfs directory
 * @vtd: the unit
 *
 * The directory holds "stats" (the counters) and "inject_fault".  Best
 * effort: a VM without a debugfs directory gets none.
 */
void kvm_vtd_debugfs_init(struct kvm_vtd *vtd)
{
	char name[16];

	if (IS_ERR_OR_NULL(vtd->kvm->debugfs_dentry))
		return;

	snprintf(name, sizeof(name), "vtd%d", vtd->id);
	vtd->debugfs = debugfs_create_dir(name, vtd->kvm->debugfs_dentry);
	debugfs_create_file("stats", 0444, vtd->debugfs, vtd, &kvm_vtd_stats_fops);
	debugfs_create_file("inject_fault", 0200, vtd->debugfs, vtd,
			    &kvm_vtd_inject_fops);
}

/**
 * kvm_vtd_debugfs_exit() - remove the unit's debugfs directory
 * @vtd: the unit
 *
 * Waits for users of its files to finish.
 */
void kvm_vtd_debugfs_exit(struct kvm_vtd *vtd)
{
	debugfs_remove(vtd->debugfs);
	vtd->debugfs = NULL;
}
