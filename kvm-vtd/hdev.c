// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: what every host mechanism does to an assigned device: move its
 * attachment to another HWPT, and report a failed host call to the guest.
 * The mechanisms themselves are shadow.c (the shadow IOAS), nested.c
 * (nested HWPTs) and hpasid.c (the PASID cache); host.c decides which
 * applies (Documentation/architecture.rst).
 */
#include <linux/iommufd.h>
#include <linux/kvm_host.h>

#include "hdev.h"
#include "trace.h"

MODULE_IMPORT_NS(IOMMUFD);

/**
 * vtd_host_fault() - report a failed host programming to the guest
 * @hc: the flush
 * @hd: the device
 * @reason: the fault reason the guest sees
 * @addr: the address it concerns, or 0
 *
 * Context: kvm_vtd.lock held.
 */
void vtd_host_fault(struct vtd_host_ctx *hc, struct vtd_hdev *hd, u8 reason, u64 addr)
{
	struct vtd_fault f = {
		.sid = hd->cfg.sid,
		.reason = reason,
		.type = VTD_FAULT_READ,
		.addr = addr,
	};

	kvm_vtd_fault_locked(hc->vtd, &f, hc->ev);
}

/**
 * vtd_hdev_replace() - attach the device to another HWPT
 * @vtd: the unit
 * @hd: the device
 * @pt_id: the HWPT
 * @at: where that is (&enum vtd_hdev_at)
 *
 * A failure is counted and leaves the device where it was.
 *
 * Context: kvm_vtd.lock held.
 * Return: 0 or the host's errno.
 */
int vtd_hdev_replace(struct kvm_vtd *vtd, struct vtd_hdev *hd, u32 pt_id, u8 at)
{
	u32 id = pt_id;
	int rc;

	lockdep_assert_held(&vtd->lock);
	rc = iommufd_ctx_device_replace(hd->ictx, hd->cfg.dev_id, &id);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_ATTACHES);
	trace_kvm_vtd_host_attach(vtd->id, hd->cfg.sid, at, pt_id, id, rc);
	if (rc) {
		vtd_host_error(vtd, hd);
		return rc;
	}
	hd->hwpt_id = id;
	hd->at = at;
	return 0;
}
