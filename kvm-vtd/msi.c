// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: interrupt remapping for the VMM (KVM_DEV_VTD_TRANSLATE_MSI), and
 * the eventfd that tells the VMM when the translations it cached (interrupt
 * routes) may have changed (signalled by kvm_vtd_ir_changed(), unit.c).
 * The interrupt entry cache is invalidated with the other caches, in
 * kvm_vtd_invalidate() (qi.c).
 *
 * The remapping itself is intremap.c.  A remapping runs under kvm_vtd.lock
 * (the register state and the cache) and reads the IRTE through the
 * memslots under kvm->srcu, one 16-byte entry per cache miss: it needs no
 * other entry of the table.
 */
#include <linux/eventfd.h>
#include <linux/kvm_host.h>
#include <linux/uaccess.h>

#include "trace.h"
#include "vtd.h"

static int kvm_vtd_ir_read(void *ctx, u64 gpa, void *buf, unsigned int len)
{
	return kvm_read_guest(ctx, gpa, buf, len);
}

/**
 * kvm_vtd_msi_translate_attr() - KVM_DEV_VTD_TRANSLATE_MSI
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_msi_translation
 *
 * Return: 0 (the result is in the struct), -EFAULT, -EINVAL for bad flags,
 * reserved fields or an address that is not an interrupt request, -EBUSY
 * before INIT.
 */
int kvm_vtd_msi_translate_attr(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_msi_translation t;
	struct vtd_ir_result res;
	struct vtd_ir_req req;
	struct vtd_ir_cfg cfg;
	u32 gsts;
	int idx;

	if (copy_from_user(&t, uarg, sizeof(t)))
		return -EFAULT;
	if ((t.flags & ~KVM_VTD_TRANSLATE_NO_FAULT) || t.reserved0 ||
	    memchr_inv(t.reserved1, 0, sizeof(t.reserved1)))
		return -EINVAL;
	if (t.address < VTD_INTR_ADDR_FIRST || t.address > VTD_INTR_ADDR_LAST)
		return -EINVAL;
	if (!READ_ONCE(vtd->initialized))
		return -EBUSY;

	req.sid = t.sid;
	req.addr = t.address;
	req.data = t.data;

	mutex_lock(&vtd->lock);
	gsts = vtd_rf_read32(&vtd->rf, VTD_GSTS_REG);
	cfg.ires = gsts & VTD_GSTS_IRES;
	cfg.cfis = gsts & VTD_GSTS_CFIS;
	cfg.irta = vtd->rf.irta;
	idx = srcu_read_lock(&vtd->kvm->srcu);
	vtd_ir_remap(&cfg, &vtd->iec, kvm_vtd_ir_read, vtd->kvm, &req, &res);
	srcu_read_unlock(&vtd->kvm->srcu, idx);
	kvm_vtd_cache_stats(vtd);
	mutex_unlock(&vtd->lock);

	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_MSI_TRANSLATIONS);
	trace_kvm_vtd_msi(vtd->id, &req, &res);

	/* Everything after the input is output. */
	t = (struct kvm_vtd_msi_translation) {
		.flags = t.flags, .sid = t.sid, .address = t.address, .data = t.data,
		.index = res.index,
	};
	if (res.fault) {
		struct vtd_fault f = {
			.sid = req.sid,
			.reason = res.fault,
			.type = VTD_FAULT_WRITE,
			/* FI: the interrupt index, in bits 63:48. */
			.addr = (u64)(res.index & 0xffff) << 48,
		};

		t.result = KVM_VTD_MSI_BLOCKED;
		t.fault_reason = res.fault;
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_MSI_BLOCKED);
		atomic64_inc(&vtd->fault_reasons[res.fault]);
		if (!res.fpd && !(t.flags & KVM_VTD_TRANSLATE_NO_FAULT))
			t.fault_recorded = kvm_vtd_record_fault(vtd, &f) >= 0;
		return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
	}

	t.msi_address = res.msi_addr;
	t.msi_data = res.msi_data;
	t.result = KVM_VTD_MSI_PASS;
	if (res.remapped) {
		t.result = KVM_VTD_MSI_REMAPPED;
		t.dest = res.dest;
		t.vector = res.vector;
		t.delivery_mode = res.dlm;
		t.mode = (res.dm ? KVM_VTD_MSI_LOGICAL : 0) |
			 (res.rh ? KVM_VTD_MSI_REDIR_HINT : 0) |
			 (res.tm ? KVM_VTD_MSI_LEVEL : 0);
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_MSI_REMAPPED);
	}
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}

/**
 * kvm_vtd_ir_eventfd_set() - KVM_DEV_VTD_IR_EVENTFD
 * @vtd: the unit
 * @ufd: the VMM's __s32: an eventfd, or -1 for none
 *
 * Return: 0, -EFAULT, -EBADF or -EINVAL for a descriptor that is not an
 * eventfd.
 */
int kvm_vtd_ir_eventfd_set(struct kvm_vtd *vtd, int __user *ufd)
{
	struct eventfd_ctx *ctx = NULL, *old;
	int fd;

	if (get_user(fd, ufd))
		return -EFAULT;
	if (fd != -1) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	mutex_lock(&vtd->lock);
	old = vtd->ir_eventfd;
	vtd->ir_eventfd = ctx;
	mutex_unlock(&vtd->lock);
	if (old)
		eventfd_ctx_put(old);
	return 0;
}

/**
 * kvm_vtd_msi_release() - drop the eventfd when the unit goes away
 * @vtd: the unit
 */
void kvm_vtd_msi_release(struct kvm_vtd *vtd)
{
	if (vtd->ir_eventfd)
		eventfd_ctx_put(vtd->ir_eventfd);
	vtd->ir_eventfd = NULL;
}
