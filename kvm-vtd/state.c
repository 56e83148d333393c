// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: KVM_DEV_VTD_GRP_REGS (feature selection, save/restore),
 * KVM_DEV_VTD_STATE_RESTORE and KVM_DEV_VTD_CTRL_RESET.
 */
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "trace.h"
#include "vtd.h"

/*
 * Restore and reset change state a running vCPU could be using: they need
 * every vCPU out of KVM_RUN.  vcpu->mutex is held across KVM_RUN, so trying
 * each one tells whether any runs, and holding them keeps it so.
 *
 * Lockdep tracks at most 48 held locks per task, fewer than a VM has
 * vCPUs, so only the first vCPU's mutex stays in lockdep's view (as SEV's
 * sev_lock_vcpus_for_migration() does); the others, all of one class and
 * taken in one order under kvm->lock, are released from it after the
 * trylock and acquired again just before they are unlocked.
 */
static void kvm_vtd_vcpu_hide(struct kvm_vcpu *vcpu, unsigned long i)
{
#ifdef CONFIG_PROVE_LOCKING
	if (i)
		mutex_release(&vcpu->mutex.dep_map, _THIS_IP_);
#endif
}

static void kvm_vtd_vcpu_unlock(struct kvm_vcpu *vcpu, unsigned long i)
{
#ifdef CONFIG_PROVE_LOCKING
	if (i)
		mutex_acquire(&vcpu->mutex.dep_map, 0, 1, _THIS_IP_);
#endif
	mutex_unlock(&vcpu->mutex);
}

static int kvm_vtd_lock_vcpus(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i, j;

	lockdep_assert_held(&kvm->lock);

	kvm_for_each_vcpu(i, vcpu, kvm) {
		if (!mutex_trylock(&vcpu->mutex))
			goto out_unlock;
		kvm_vtd_vcpu_hide(vcpu, i);
	}
	return 0;

out_unlock:
	kvm_for_each_vcpu(j, vcpu, kvm) {
		if (j == i)
			break;
		kvm_vtd_vcpu_unlock(vcpu, j);
	}
	return -EBUSY;
}

static void kvm_vtd_unlock_vcpus(struct kvm *kvm)
{
	struct kvm_vcpu *vcpu;
	unsigned long i;

	kvm_for_each_vcpu(i, vcpu, kvm)
		kvm_vtd_vcpu_unlock(vcpu, i);
}

/**
 * kvm_vtd_regs_get() - KVM_GET_DEVICE_ATTR on KVM_DEV_VTD_GRP_REGS
 * @vtd: the unit
 * @attr: register offset or internal register
 * @uval: where the VMM wants the value
 *
 * Return: 0, -ENXIO for no such register, -EFAULT.
 */
int kvm_vtd_regs_get(struct kvm_vtd *vtd, u64 attr, u64 __user *uval)
{
	u64 val;
	int rc;

	mutex_lock(&vtd->lock);
	rc = vtd_rf_get(&vtd->rf, attr, &val);
	mutex_unlock(&vtd->lock);
	if (rc)
		return rc;
	return put_user(val, uval);
}

/* Before INIT: choose CAP or ECAP, which resets the register file. */
static int kvm_vtd_select_caps(struct kvm_vtd *vtd, u64 attr, u64 val)
{
	u64 cap = vtd_rf_read64(&vtd->rf, VTD_CAP_REG);
	u64 ecap = vtd_rf_read64(&vtd->rf, VTD_ECAP_REG);
	u64 old;
	int rc;

	if (attr == VTD_CAP_REG)
		cap = val;
	else if (attr == VTD_ECAP_REG)
		ecap = val;
	else
		return vtd_rf_get(&vtd->rf, attr, &old) ? -ENXIO : -EBUSY;

	rc = vtd_caps_validate(cap, ecap);
	if (rc)
		return rc;
	mutex_lock(&vtd->lock);
	vtd_rf_reset(&vtd->rf, cap, ecap);
	mutex_unlock(&vtd->lock);
	return 0;
}

/*
 * After a restore or reset the state is new: the guest's next access goes
 * on only with what that state leaves, descriptors between IQH and IQT
 * (saved while an exit's work was deferred) or host work a dying VMM task
 * did not finish.
 */
static void kvm_vtd_new_state_pending(struct kvm_vtd *vtd)
{
	struct vtd_regfile *rf = &vtd->rf;

	lockdep_assert_held(&vtd->lock);
	vtd->deferred = vtd->host_pending ||
			((vtd_rf_read32(rf, VTD_GSTS_REG) & VTD_GSTS_QIES) &&
			 vtd_rf_read64(rf, VTD_IQH_REG) != vtd_rf_read64(rf, VTD_IQT_REG));
}

/**
 * kvm_vtd_regs_set() - KVM_SET_DEVICE_ATTR on KVM_DEV_VTD_GRP_REGS
 * @vtd: the unit
 * @attr: register offset or internal register
 * @uval: the VMM's value
 *
 * Context: kvm->lock held.
 * Return: 0, -ENXIO for no such register, -EINVAL for a value the unit does
 * not support or a register cannot hold, -EBUSY for a register other than
 * CAP/ECAP before INIT or while a vCPU runs, -EFAULT.
 */
int kvm_vtd_regs_set(struct kvm_vtd *vtd, u64 attr, u64 __user *uval)
{
	struct vtd_events ev = {
		.flags = VTD_EV_DMAR_SWITCH | VTD_EV_IR_TABLE,
		.switch_reason = VTD_SWITCH_RESTORE,
	};
	u64 val;
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);

	if (get_user(val, uval))
		return -EFAULT;
	if (!vtd->initialized)
		return kvm_vtd_select_caps(vtd, attr, val);

	rc = kvm_vtd_lock_vcpus(vtd->kvm);
	if (rc)
		return rc;
	mutex_lock(&vtd->lock);
	rc = vtd_rf_set(&vtd->rf, attr, val);
	trace_kvm_vtd_restore(vtd->id, attr, val, rc);
	/* Restored state is new translation state: re-evaluate everything. */
	if (!rc) {
		kvm_vtd_apply_locked(vtd, &ev);
		kvm_vtd_host_finish(vtd, &ev);
		kvm_vtd_new_state_pending(vtd);
	}
	mutex_unlock(&vtd->lock);
	kvm_vtd_unlock_vcpus(vtd->kvm);
	return rc;
}

/**
 * kvm_vtd_state_restore() - KVM_DEV_VTD_STATE_RESTORE: a whole state at once
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_state
 *
 * Applies every register to a copy of the register file and, if all were
 * accepted, installs it and switches the translation state once.  Fault
 * and invalidation events that re-programming assigned devices raises are
 * sent, not dropped.
 *
 * Context: kvm->lock held.
 * Return: 0 or a negative errno, see the UAPI header.
 */
int kvm_vtd_state_restore(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_state __user *us = uarg;
	struct vtd_events ev = {
		.flags = VTD_EV_DMAR_SWITCH | VTD_EV_IR_TABLE,
		.switch_reason = VTD_SWITCH_RESTORE,
	};
	struct kvm_vtd_state hdr;
	struct kvm_vtd_reg *regs;
	struct vtd_regfile *rf;
	int rc = 0;
	u32 i;

	lockdep_assert_held(&vtd->kvm->lock);
	if (copy_from_user(&hdr, us, sizeof(hdr)))
		return -EFAULT;
	if (hdr.flags || !hdr.nr || hdr.nr > KVM_VTD_STATE_REGS_MAX)
		return -EINVAL;
	if (!vtd->initialized)
		return -EBUSY;
	regs = vmemdup_array_user(us->regs, hdr.nr, sizeof(*regs));
	if (IS_ERR(regs))
		return PTR_ERR(regs);
	rf = kvmalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf) {
		rc = -ENOMEM;
		goto out_free;
	}
	rc = kvm_vtd_lock_vcpus(vtd->kvm);
	if (rc)
		goto out_free;
	mutex_lock(&vtd->lock);
	*rf = vtd->rf;
	for (i = 0; i < hdr.nr && !rc; i++) {
		rc = vtd_rf_set(rf, regs[i].offset, regs[i].value);
		trace_kvm_vtd_restore(vtd->id, regs[i].offset, regs[i].value, rc);
	}
	if (rc) {
		mutex_unlock(&vtd->lock);
		goto out_unlock_vcpus;
	}
	vtd->rf = *rf;
	kvm_vtd_apply_locked(vtd, &ev);
	kvm_vtd_host_finish(vtd, &ev);
	kvm_vtd_new_state_pending(vtd);
	kvm_vtd_unlock_deliver(vtd, &ev);
out_unlock_vcpus:
	kvm_vtd_unlock_vcpus(vtd->kvm);
out_free:
	kvfree(rf);
	kvfree(regs);
	return rc;
}

/**
 * kvm_vtd_reset() - KVM_DEV_VTD_CTRL_RESET: platform reset of the unit
 * @vtd: the unit
 *
 * Context: kvm->lock held.
 * Return: 0, or -EBUSY while a vCPU runs.
 */
int kvm_vtd_reset(struct kvm_vtd *vtd)
{
	struct vtd_events ev = {
		.flags = VTD_EV_DMAR_SWITCH | VTD_EV_IR_TABLE,
		.switch_reason = VTD_SWITCH_RESET,
	};
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);

	rc = kvm_vtd_lock_vcpus(vtd->kvm);
	if (rc)
		return rc;
	mutex_lock(&vtd->lock);
	vtd_rf_reset(&vtd->rf, vtd_rf_read64(&vtd->rf, VTD_CAP_REG),
		     vtd_rf_read64(&vtd->rf, VTD_ECAP_REG));
	kvm_vtd_apply_locked(vtd, &ev);
	kvm_vtd_host_finish(vtd, &ev);
	kvm_vtd_new_state_pending(vtd);
	mutex_unlock(&vtd->lock);
	kvm_vtd_unlock_vcpus(vtd->kvm);
	return 0;
}
