// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the KVM device (KVM_DEV_TYPE_INTEL_VTD), its lifetime and its
 * attribute groups.
 */
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "trace.h"
#include "vtd.h"

static DEFINE_IDA(kvm_vtd_ida);

/* Highest guest physical address width the architecture allows (MAXPHYADDR). */
#define KVM_VTD_MAX_GPA_BITS	52

static int kvm_vtd_set_regs_addr(struct kvm_vtd *vtd, u64 __user *uaddr)
{
	u64 gpa;

	lockdep_assert_held(&vtd->kvm->lock);

	if (get_user(gpa, uaddr))
		return -EFAULT;
	if (vtd->initialized)
		return -EBUSY;
	if (vtd->regs_gpa != KVM_VTD_ADDR_UNSET)
		return -EEXIST;
	if (!IS_ALIGNED(gpa, KVM_VTD_REG_PAGE_SIZE) ||
	    gpa > BIT_ULL(KVM_VTD_MAX_GPA_BITS) - KVM_VTD_REG_PAGE_SIZE)
		return -EINVAL;

	vtd->regs_gpa = gpa;
	return 0;
}

/* Does another initialized unit of this VM already decode @gpa's page? */
static bool kvm_vtd_regs_conflict(struct kvm_vtd *vtd, u64 gpa)
{
	struct kvm_device *dev;

	lockdep_assert_held(&vtd->kvm->lock);

	list_for_each_entry(dev, &vtd->kvm->devices, vm_node) {
		struct kvm_vtd *other = dev->private;

		if (dev->ops != vtd->dev->ops || other == vtd)
			continue;
		if (other->initialized && other->regs_gpa == gpa)
			return true;
	}
	return false;
}

static int kvm_vtd_init(struct kvm_vtd *vtd)
{
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);

	if (vtd->initialized)
		return -EBUSY;
	if (vtd->regs_gpa == KVM_VTD_ADDR_UNSET)
		return -EINVAL;
	if (kvm_vtd_regs_conflict(vtd, vtd->regs_gpa))
		return -EEXIST;

	rc = kvm_vtd_mmio_register(vtd);
	if (rc)
		return rc;

	vtd->initialized = true;
	trace_kvm_vtd_init(vtd->id, vtd->regs_gpa);
	return 0;
}

/*
 * The attribute groups, one function each, as virt/kvm/vfio.c does it.
 * Groups that change the unit's configuration or its devices run under
 * kvm->lock (vtd.h); the translation and statistics groups do not.
 */
static int kvm_vtd_set_addr(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	if (attr != KVM_DEV_VTD_ADDR_REGS)
		return -ENXIO;
	return kvm_vtd_set_regs_addr(vtd, arg);
}

static int kvm_vtd_set_ctrl(struct kvm_vtd *vtd, u64 attr)
{
	switch (attr) {
	case KVM_DEV_VTD_CTRL_INIT:
		return kvm_vtd_init(vtd);
	case KVM_DEV_VTD_CTRL_RESET:
		return kvm_vtd_reset(vtd);
	}
	return -ENXIO;
}

static int kvm_vtd_set_device(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	switch (attr) {
	case KVM_DEV_VTD_DEVICE_ATTACH:
		return kvm_vtd_device_attach(vtd, arg);
	case KVM_DEV_VTD_DEVICE_DETACH:
		return kvm_vtd_device_detach(vtd, arg);
	}
	return -ENXIO;
}

static int kvm_vtd_set_state(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	if (attr != KVM_DEV_VTD_STATE_RESTORE)
		return -ENXIO;
	return kvm_vtd_state_restore(vtd, arg);
}

static int kvm_vtd_set_translate(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	if (attr != KVM_DEV_VTD_IR_EVENTFD)
		return -ENXIO;
	return kvm_vtd_ir_eventfd_set(vtd, arg);
}

static int kvm_vtd_set_attr(struct kvm_device *dev, struct kvm_device_attr *attr)
{
	struct kvm_vtd *vtd = dev->private;
	void __user *arg = u64_to_user_ptr(attr->addr);
	int rc;

	if (attr->group == KVM_DEV_VTD_GRP_TRANSLATE)
		return kvm_vtd_set_translate(vtd, attr->attr, arg);

	mutex_lock(&dev->kvm->lock);
	switch (attr->group) {
	case KVM_DEV_VTD_GRP_ADDR:
		rc = kvm_vtd_set_addr(vtd, attr->attr, arg);
		break;
	case KVM_DEV_VTD_GRP_REGS:
		rc = kvm_vtd_regs_set(vtd, attr->attr, arg);
		break;
	case KVM_DEV_VTD_GRP_CTRL:
		rc = kvm_vtd_set_ctrl(vtd, attr->attr);
		break;
	case KVM_DEV_VTD_GRP_DEVICE:
		rc = kvm_vtd_set_device(vtd, attr->attr, arg);
		break;
	case KVM_DEV_VTD_GRP_STATE:
		rc = kvm_vtd_set_state(vtd, attr->attr, arg);
		break;
	default:
		rc = -ENXIO;
	}
	mutex_unlock(&dev->kvm->lock);
	return rc;
}

static int kvm_vtd_get_addr(struct kvm_vtd *vtd, u64 attr, u64 __user *arg)
{
	u64 gpa;

	if (attr != KVM_DEV_VTD_ADDR_REGS)
		return -ENXIO;
	mutex_lock(&vtd->kvm->lock);
	gpa = vtd->regs_gpa;
	mutex_unlock(&vtd->kvm->lock);
	return put_user(gpa, arg);
}

static int kvm_vtd_get_stats(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	if (attr != KVM_DEV_VTD_STATS)
		return -ENXIO;
	return kvm_vtd_stats_get(vtd, arg);
}

static int kvm_vtd_get_translate(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	switch (attr) {
	case KVM_DEV_VTD_TRANSLATE:
		return kvm_vtd_translate_attr(vtd, arg);
	case KVM_DEV_VTD_TRANSLATE_MSI:
		return kvm_vtd_msi_translate_attr(vtd, arg);
	}
	return -ENXIO;
}

static int kvm_vtd_get_device(struct kvm_vtd *vtd, u64 attr, void __user *arg)
{
	switch (attr) {
	case KVM_DEV_VTD_DEVICE_STATE:
		return kvm_vtd_device_state(vtd, arg);
	case KVM_DEV_VTD_DEVICE_PASIDS:
		return kvm_vtd_device_pasids(vtd, arg);
	}
	return -ENXIO;
}

static int kvm_vtd_get_attr(struct kvm_device *dev, struct kvm_device_attr *attr)
{
	struct kvm_vtd *vtd = dev->private;
	void __user *arg = u64_to_user_ptr(attr->addr);

	switch (attr->group) {
	case KVM_DEV_VTD_GRP_ADDR:
		return kvm_vtd_get_addr(vtd, attr->attr, arg);
	case KVM_DEV_VTD_GRP_REGS:
		return kvm_vtd_regs_get(vtd, attr->attr, arg);
	case KVM_DEV_VTD_GRP_STATS:
		return kvm_vtd_get_stats(vtd, attr->attr, arg);
	case KVM_DEV_VTD_GRP_TRANSLATE:
		return kvm_vtd_get_translate(vtd, attr->attr, arg);
	case KVM_DEV_VTD_GRP_DEVICE:
		return kvm_vtd_get_device(vtd, attr->attr, arg);
	}
	return -ENXIO;
}

static int kvm_vtd_has_attr(struct kvm_device *dev, struct kvm_device_attr *attr)
{
	struct kvm_vtd *vtd = dev->private;
	u64 val;
	int rc;

	switch (attr->group) {
	case KVM_DEV_VTD_GRP_ADDR:
		switch (attr->attr) {
		case KVM_DEV_VTD_ADDR_REGS:
			return 0;
		}
		break;
	case KVM_DEV_VTD_GRP_REGS:
		/* Every register offset the register file knows. */
		mutex_lock(&vtd->lock);
		rc = vtd_rf_get(&vtd->rf, attr->attr, &val);
		mutex_unlock(&vtd->lock);
		return rc;
	case KVM_DEV_VTD_GRP_CTRL:
		switch (attr->attr) {
		case KVM_DEV_VTD_CTRL_INIT:
		case KVM_DEV_VTD_CTRL_RESET:
			return 0;
		}
		break;
	case KVM_DEV_VTD_GRP_DEVICE:
		switch (attr->attr) {
		case KVM_DEV_VTD_DEVICE_ATTACH:
		case KVM_DEV_VTD_DEVICE_DETACH:
		case KVM_DEV_VTD_DEVICE_STATE:
		case KVM_DEV_VTD_DEVICE_PASIDS:
			return 0;
		}
		break;
	case KVM_DEV_VTD_GRP_TRANSLATE:
		switch (attr->attr) {
		case KVM_DEV_VTD_TRANSLATE:
		case KVM_DEV_VTD_TRANSLATE_MSI:
		case KVM_DEV_VTD_IR_EVENTFD:
			return 0;
		}
		break;
	case KVM_DEV_VTD_GRP_STATS:
		switch (attr->attr) {
		case KVM_DEV_VTD_STATS:
			return 0;
		}
		break;
	case KVM_DEV_VTD_GRP_STATE:
		switch (attr->attr) {
		case KVM_DEV_VTD_STATE_RESTORE:
			return 0;
		}
		break;
	}
	return -ENXIO;
}

/* Called by KVM with kvm->lock held. */
static int kvm_vtd_create(struct kvm_device *dev, u32 type)
{
	struct kvm_vtd *vtd;
	int id, rc;

	lockdep_assert_held(&dev->kvm->lock);

	/* The register file makes this a few pages: not kmalloc material. */
	vtd = kvzalloc(sizeof(*vtd), GFP_KERNEL_ACCOUNT);
	if (!vtd)
		return -ENOMEM;
	vtd->qi_page = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	/* A whole page (not slab memory): it is mapped into the VMM. */
	vtd->shared = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vtd->qi_page || !vtd->shared) {
		rc = -ENOMEM;
		goto out_free;
	}
	id = ida_alloc(&kvm_vtd_ida, GFP_KERNEL);
	if (id < 0) {
		rc = id;
		goto out_free;
	}

	vtd->dev = dev;
	vtd->kvm = dev->kvm;
	vtd->id = id;
	vtd->regs_gpa = KVM_VTD_ADDR_UNSET;
	mutex_init(&vtd->lock);
	INIT_LIST_HEAD(&vtd->hdevs);
	vtd_rf_reset(&vtd->rf, vtd_cap_default(), vtd_ecap_default());
	dev->private = vtd;
	trace_kvm_vtd_create(id);
	return 0;

out_free:
	free_page((unsigned long)vtd->shared);
	kfree(vtd->qi_page);
	kvfree(vtd);
	return rc;
}

/* Called by KVM outside kvm->lock, after a successful create. */
static void kvm_vtd_dev_init(struct kvm_device *dev)
{
	kvm_vtd_debugfs_init(dev->private);
}

/*
 * Called by KVM with kvm->lock held when the device fd is closed, or when
 * creating the fd failed.  The device fd holds a reference on the VM, so the
 * VM and its I/O buses are still alive here.
 */
static void kvm_vtd_release(struct kvm_device *dev)
{
	struct kvm_vtd *vtd = dev->private;

	lockdep_assert_held(&dev->kvm->lock);

	if (vtd->initialized)
		kvm_vtd_mmio_unregister(vtd);
	kvm_vtd_host_release(vtd);
	kvm_vtd_msi_release(vtd);
	kvm_vtd_debugfs_exit(vtd);
	trace_kvm_vtd_release(vtd->id);
	ida_free(&kvm_vtd_ida, vtd->id);
	mutex_destroy(&vtd->lock);
	/* A VMM's mapping holds its own reference: the page outlives this. */
	free_page((unsigned long)vtd->shared);
	kfree(vtd->qi_page);
	kvfree(vtd);
	kfree(dev);
}

/*
 * mmap() of the device fd: the shared page (struct kvm_vtd_shared), whole,
 * shared and read-only.
 */
static int kvm_vtd_mmap(struct kvm_device *dev, struct vm_area_struct *vma)
{
	struct kvm_vtd *vtd = dev->private;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != KVM_VTD_SHARED_SIZE ||
	    !(vma->vm_flags & VM_SHARED) || (vma->vm_flags & (VM_WRITE | VM_EXEC)))
		return -EINVAL;
	vm_flags_clear(vma, VM_MAYWRITE | VM_MAYEXEC);
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vtd->shared));
}

static const struct kvm_device_ops kvm_vtd_ops = {
	.name = "kvm-vtd",
	.owner = THIS_MODULE,
	.create = kvm_vtd_create,
	.init = kvm_vtd_dev_init,
	.release = kvm_vtd_release,
	.mmap = kvm_vtd_mmap,
	.set_attr = kvm_vtd_set_attr,
	.get_attr = kvm_vtd_get_attr,
	.has_attr = kvm_vtd_has_attr,
};

static int __init kvm_vtd_module_init(void)
{
	BUILD_BUG_ON(sizeof(struct kvm_vtd_shared) != KVM_VTD_SHARED_SIZE ||
		     KVM_VTD_SHARED_SIZE != PAGE_SIZE);
	return kvm_register_device_ops(&kvm_vtd_ops, KVM_DEV_TYPE_INTEL_VTD);
}

static void __exit kvm_vtd_module_exit(void)
{
	kvm_unregister_device_ops(KVM_DEV_TYPE_INTEL_VTD);
	ida_destroy(&kvm_vtd_ida);
}

module_init(kvm_vtd_module_init);
module_exit(kvm_vtd_module_exit);

MODULE_DESCRIPTION("Intel VT-d IOMMU emulated in the host kernel for KVM guests");
MODULE_LICENSE("GPL");
