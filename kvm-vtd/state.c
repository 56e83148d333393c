// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: KVM_DEV_VTD_GRP_REGS (feature selection, save/restore) and
 * KVM_DEV_VTD_CTRL_RESET.
 */
#include <linux/kvm_host.h>
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
	if (!rc)
		kvm_vtd_apply_locked(vtd, &ev);
	mutex_unlock(&vtd->lock);
	kvm_vtd_unlock_vcpus(vtd->kvm);
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
	mutex_unlock(&vtd->lock);
	kvm_vtd_unlock_vcpus(vtd->kvm);
	return 0;
}
