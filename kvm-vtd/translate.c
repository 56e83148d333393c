// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: KVM_DEV_VTD_TRANSLATE, and guest memory for the walkers.
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

#include "cache.h"
#include "trace.h"
#include "vtd.h"
#include "walk.h"

/* Guest physical address width the walkers check table entries against. */
#define KVM_VTD_HAW	52

/* Range walks over big tables yield this often (in table pages read). */
#define KVM_VTD_RESCHED_PAGES	64

static int kvm_vtd_read_page(struct vtd_gmem *gm, u64 gpa, void *buf)
{
	struct kvm_vtd_gmem *g = container_of(gm, struct kvm_vtd_gmem, gm);

	/*
	 * kvm->srcu is sleepable: a long walk gives the CPU away, and stops
	 * (as if the rest of the table could not be read) once the task is
	 * being killed, so a hostile table never makes the VMM unkillable.
	 */
	if (gm->pages_read && !(gm->pages_read % KVM_VTD_RESCHED_PAGES)) {
		cond_resched();
		if (fatal_signal_pending(current))
			return -EINTR;
	}
	return kvm_read_guest(g->kvm, gpa, buf, PAGE_SIZE);
}

/* The walker's trace points (walk.h): tracepoints here, counters in KUnit. */
void vtd_trace_walk(struct vtd_gmem *gm, u64 root, unsigned int levels, bool first_stage,
		    u64 first, u64 last)
{
	trace_kvm_vtd_walk(gm->id, root, levels, first_stage, first, last);
}

void vtd_trace_walk_level(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first,
			  u64 last)
{
	trace_kvm_vtd_walk_level(gm->id, level, table, first, last);
}

void vtd_trace_walk_leaf(struct vtd_gmem *gm, const struct vtd_leaf *leaf)
{
	trace_kvm_vtd_walk_leaf(gm->id, leaf);
}

void vtd_trace_walk_skip(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size)
{
	trace_kvm_vtd_walk_skip(gm->id, level, iova, size);
}

/**
 * kvm_vtd_gmem_init() - guest memory through the VM's memslots
 * @vtd: the unit
 * @g: out: the accessor; reads need the kvm->srcu read side
 */
void kvm_vtd_gmem_init(struct kvm_vtd *vtd, struct kvm_vtd_gmem *g)
{
	memset(g, 0, sizeof(*g));
	g->gm.read_page = kvm_vtd_read_page;
	g->gm.id = vtd->id;
	g->kvm = vtd->kvm;
}

/**
 * kvm_vtd_xlate_cfg() - the unit's state that translations depend on
 * @vtd: the unit
 * @cfg: out: capabilities, TE, the latched root table address
 *
 * Context: kvm_vtd.lock held.
 */
void kvm_vtd_xlate_cfg(struct kvm_vtd *vtd, struct vtd_xlate_cfg *cfg)
{
	lockdep_assert_held(&vtd->lock);
	cfg->cap = vtd_rf_read64(&vtd->rf, VTD_CAP_REG);
	cfg->ecap = vtd_rf_read64(&vtd->rf, VTD_ECAP_REG);
	cfg->te = vtd_rf_read32(&vtd->rf, VTD_GSTS_REG) & VTD_GSTS_TES;
	cfg->rta = vtd->rf.rta;
	cfg->haw = KVM_VTD_HAW;
}

/**
 * kvm_vtd_translate_attr() - KVM_DEV_VTD_TRANSLATE
 * @vtd: the unit
 * @uarg: the VMM's struct kvm_vtd_translation
 *
 * Return: 0 (the result is in the struct), -EFAULT, -EINVAL for bad flags
 * or reserved fields, -EBUSY before INIT, -ENOMEM.
 */
int kvm_vtd_translate_attr(struct kvm_vtd *vtd, void __user *uarg)
{
	struct kvm_vtd_translation t;
	struct kvm_vtd_gmem g;
	struct vtd_xlate_scratch *s;
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

	s = kvzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
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
	vtd_translate_cached(&g.gm, &cfg, &vtd->cache, &x, s);
	srcu_read_unlock(&vtd->kvm->srcu, idx);
	kvm_vtd_cache_stats(vtd);
	mutex_unlock(&vtd->lock);
	kvfree(s);

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
