// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the register page on the KVM MMIO bus.
 *
 * Guest accesses to the page are handled here, in vCPU context, and never
 * exit to userspace.  Naturally aligned 4- and 8-byte accesses go to the
 * register file (regfile.c); any other access is counted, traced, reads 0
 * and is otherwise dropped.  Every access first goes on with work an
 * earlier exit left (kvm_vtd_resume_locked()).
 */
#include <linux/kvm_host.h>

#include "spec/access.h"
#include "trace.h"
#include "vtd.h"

static struct kvm_vtd *to_vtd(struct kvm_io_device *iodev)
{
	return container_of(iodev, struct kvm_vtd, regs_iodev);
}

/* Keep the high-water mark of the work one access did. */
static void kvm_vtd_exit_end(struct kvm_vtd *vtd)
{
	s64 used = VTD_EXIT_WORK - vtd->work;

	lockdep_assert_held(&vtd->lock);
	if (used > atomic64_read(&vtd->stats[KVM_VTD_STAT_WORK_MAX]))
		atomic64_set(&vtd->stats[KVM_VTD_STAT_WORK_MAX], used);
}

static int kvm_vtd_mmio_read(struct kvm_vcpu *vcpu, struct kvm_io_device *iodev,
			     gpa_t addr, int len, void *val)
{
	struct kvm_vtd *vtd = to_vtd(iodev);
	struct vtd_events ev = {};
	u32 offset;
	u64 data;

	if (!kvm_vtd_page_offset(vtd->regs_gpa, addr, len, &offset))
		return -EOPNOTSUPP;

	memset(val, 0, len);
	if (!kvm_vtd_access_ok(offset, len)) {
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_REG_BAD_ACCESS);
		trace_kvm_vtd_mmio_bad(vtd->id, false, offset, len, 0);
		return 0;
	}

	mutex_lock(&vtd->lock);
	kvm_vtd_resume_locked(vtd, &ev);
	data = vtd_rf_read(&vtd->rf, offset, len);
	kvm_vtd_exit_end(vtd);
	kvm_vtd_unlock_deliver(vtd, &ev);
	if (len == 8)
		*(u64 *)val = data;
	else
		*(u32 *)val = data;

	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_REG_READS);
	trace_kvm_vtd_mmio(vtd->id, false, offset, len, data);
	return 0;
}

static int kvm_vtd_mmio_write(struct kvm_vcpu *vcpu, struct kvm_io_device *iodev,
			      gpa_t addr, int len, const void *val)
{
	struct kvm_vtd *vtd = to_vtd(iodev);
	struct vtd_events ev = {}, wev;
	u32 offset;
	u64 data;

	if (!kvm_vtd_page_offset(vtd->regs_gpa, addr, len, &offset))
		return -EOPNOTSUPP;

	if (!kvm_vtd_access_ok(offset, len)) {
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_REG_BAD_ACCESS);
		trace_kvm_vtd_mmio_bad(vtd->id, true, offset, len, 0);
		return 0;
	}

	data = len == 8 ? *(const u64 *)val : *(const u32 *)val;
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_REG_WRITES);
	trace_kvm_vtd_mmio(vtd->id, true, offset, len, data);

	mutex_lock(&vtd->lock);
	kvm_vtd_resume_locked(vtd, &ev);
	vtd_rf_write(&vtd->rf, offset, len, data, &wev);
	kvm_vtd_apply_locked(vtd, &wev);
	kvm_vtd_exit_flush(vtd, &wev);
	kvm_vtd_events_add_irqs(&ev, &wev);
	kvm_vtd_exit_end(vtd);
	kvm_vtd_unlock_deliver(vtd, &ev);
	return 0;
}

static const struct kvm_io_device_ops kvm_vtd_mmio_ops = {
	.read = kvm_vtd_mmio_read,
	.write = kvm_vtd_mmio_write,
};

/**
 * kvm_vtd_mmio_register() - put the unit's register page on the MMIO bus
 * @vtd: the unit; its register page address must be set
 *
 * Context: kvm->lock held; takes kvm->slots_lock.
 * Return: 0, or the error of kvm_io_bus_register_dev().
 */
int kvm_vtd_mmio_register(struct kvm_vtd *vtd)
{
	int rc;

	lockdep_assert_held(&vtd->kvm->lock);

	kvm_iodevice_init(&vtd->regs_iodev, &kvm_vtd_mmio_ops);
	mutex_lock(&vtd->kvm->slots_lock);
	rc = kvm_io_bus_register_dev(vtd->kvm, KVM_MMIO_BUS, vtd->regs_gpa,
				     KVM_VTD_REG_PAGE_SIZE, &vtd->regs_iodev);
	mutex_unlock(&vtd->kvm->slots_lock);
	return rc;
}

/**
 * kvm_vtd_mmio_unregister() - take the unit's register page off the MMIO bus
 * @vtd: the unit; its page must have been registered
 *
 * On return no vCPU is inside the unit's MMIO callbacks any more.
 *
 * Context: kvm->lock held, not in a kvm->srcu read-side section; takes
 * kvm->slots_lock and waits for kvm->srcu readers.
 */
void kvm_vtd_mmio_unregister(struct kvm_vtd *vtd)
{
	lockdep_assert_held(&vtd->kvm->lock);

	mutex_lock(&vtd->kvm->slots_lock);
	kvm_io_bus_unregister_dev(vtd->kvm, KVM_MMIO_BUS, &vtd->regs_iodev);
	mutex_unlock(&vtd->kvm->slots_lock);
}
