// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: KVM_DEV_VTD_TRANSLATE, the VMM's DMA translations.
 *
 * A translation runs under kvm_vtd.lock (the unit state it depends on and
 * the caches), reading guest memory through the memslots under kvm->srcu.
 * A failed translation is logged through kvm_vtd_record_fault() unless an
 * FPD bit or the caller says not to.
 *
 * The VMM's translations do not write guest memory: x86 KVM wants guest
 * writes to come from a running vCPU (dirty ring), so first-stage A/D
 * updates (vtd_gmem.update) are left to translations done for the guest in
 * vCPU context.
 */
#include <linux/kvm_host.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "trace.h"
#include "vtd.h"

/**
 * kvm_vtd_translate_attr() - KVM_DEV_VTD_TRANSLATE
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_translation
 *
 * Return: 0 (the result is in the struct), -EFAULT, -EINVAL for bad flags
 * or reserved fields, -EBUSY before INIT.
 */
int kvm_vtd_translate_attr(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_translation t;
	struct kvm_vtd_gmem g;
	struct vtd_xlate_cfg cfg;
	struct vtd_xlate x = {};
	int idx;

	if (copy_from_user(&t, uarg, sizeof(t)))
		return -EFAULT;
	if ((t.flags & ~KVM_VTD_TRANSLATE_FLAGS) || t.pad || memchr_inv(t.reserved, 0,
									sizeof(t.reserved)))
		return -EINVAL;
	/* A PASID has 20 bits; only requests with a PASID carry a privilege. */
	if (t.flags & KVM_VTD_TRANSLATE_PASID ? t.pasid >= 1u << 20 :
	    t.pasid || (t.flags & KVM_VTD_TRANSLATE_PRIV))
		return -EINVAL;
	if (!READ_ONCE(vtd->initialized))
		return -EBUSY;

	kvm_vtd_gmem_init(vtd, &g);

	x.sid = t.sid;
	x.pasid_present = t.flags & KVM_VTD_TRANSLATE_PASID;
	x.pasid = t.pasid;
	x.iova = t.iova;
	x.write = t.flags & KVM_VTD_TRANSLATE_WRITE;
	x.priv = t.flags & KVM_VTD_TRANSLATE_PRIV;
	/*
	 * Under kvm_vtd.lock throughout: the caches must not change between
	 * lookup and fill, and an invalidation must not complete while a
	 * translation it covers is still filling.  A cache miss reads at most
	 * 4 + 5 guest pages.
	 */
	mutex_lock(&vtd->lock);
	kvm_vtd_xlate_cfg(vtd, &cfg);
	idx = srcu_read_lock(&vtd->kvm->srcu);
	vtd_translate_cached(&g.gm, &cfg, &vtd->cache, &x, &vtd->scratch.x);
	srcu_read_unlock(&vtd->kvm->srcu, idx);
	kvm_vtd_cache_stats(vtd);
	mutex_unlock(&vtd->lock);

	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_TRANSLATIONS);
	atomic64_add(x.ctx_pages, &vtd->stats[KVM_VTD_STAT_CTX_PAGES_READ]);
	atomic64_add(x.pasid_pages, &vtd->stats[KVM_VTD_STAT_PASID_PAGES_READ]);
	atomic64_add(x.walk_pages, &vtd->stats[KVM_VTD_STAT_WALK_PAGES_READ]);
	atomic64_add(g.gm.walks, &vtd->stats[KVM_VTD_STAT_WALKS]);
	atomic64_add(g.gm.leaves, &vtd->stats[KVM_VTD_STAT_WALK_LEAVES]);
	trace_kvm_vtd_translate(vtd->id, &x);

	t.gpa = x.gpa;
	t.size = x.size;
	t.perm = x.perm;
	t.fault_reason = x.fault;
	t.fault_recorded = 0;
	if (x.fault) {
		struct vtd_fault f = {
			.sid = x.sid,
			.reason = x.fault,
			.type = x.write ? VTD_FAULT_WRITE : VTD_FAULT_READ,
			.addr = x.iova,
			.pasid_present = x.pasid_present,
			.pasid = x.pasid,
			.priv = x.priv,
		};

		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_TRANSLATION_FAULTS);
		atomic64_inc(&vtd->fault_reasons[x.fault]);
		if (!x.fpd && !(t.flags & KVM_VTD_TRANSLATE_NO_FAULT))
			t.fault_recorded = kvm_vtd_record_fault(vtd, &f) >= 0;
	}
	return copy_to_user(uarg, &t, sizeof(t)) ? -EFAULT : 0;
}
