// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the services every layer of the KVM side uses under
 * kvm_vtd.lock: guest memory for the walkers and their trace, the unit's
 * translation state, recording faults, moving the caches' counts into the
 * counters, signalling that interrupt translations changed, deferring work
 * to the next exit, and sending the interrupt messages once the lock is
 * dropped.  Nothing here calls up into the files that use it
 * (Documentation/architecture.rst).
 */
#include <linux/eventfd.h>
#include <linux/kvm_host.h>

#include "vtd.h"

/* The unit's tracepoints are defined here, at the bottom of the layers. */
#define CREATE_TRACE_POINTS
#include "trace.h"

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

static void kvm_vtd_trace_walk(struct vtd_gmem *gm, u64 root, unsigned int levels,
			       bool first_stage, u64 first, u64 last)
{
	trace_kvm_vtd_walk(gm->id, root, levels, first_stage, first, last);
}

static void kvm_vtd_trace_level(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first,
				u64 last)
{
	trace_kvm_vtd_walk_level(gm->id, level, table, first, last);
}

static void kvm_vtd_trace_leaf(struct vtd_gmem *gm, const struct vtd_leaf *leaf)
{
	trace_kvm_vtd_walk_leaf(gm->id, leaf);
}

static void kvm_vtd_trace_skip(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size)
{
	trace_kvm_vtd_walk_skip(gm->id, level, iova, size);
}

static const struct vtd_walk_trace kvm_vtd_walk_trace = {
	.walk = kvm_vtd_trace_walk,
	.level = kvm_vtd_trace_level,
	.leaf = kvm_vtd_trace_leaf,
	.skip = kvm_vtd_trace_skip,
};

/**
 * kvm_vtd_gmem_init() - guest memory through the VM's memslots
 * @vtd: the unit
 * @g: out: the accessor; reads need the kvm->srcu read side
 *
 * The walks it serves report to the unit's tracepoints when one of them is
 * on as the accessor is made: otherwise a walk makes no call per leaf.  It
 * writes nothing (no first-stage A/D updates): see translate.c.
 */
void kvm_vtd_gmem_init(struct kvm_vtd *vtd, struct kvm_vtd_gmem *g)
{
	memset(g, 0, sizeof(*g));
	g->gm.read_page = kvm_vtd_read_page;
	if (trace_kvm_vtd_walk_enabled() || trace_kvm_vtd_walk_level_enabled() ||
	    trace_kvm_vtd_walk_leaf_enabled() || trace_kvm_vtd_walk_skip_enabled())
		g->gm.trace = &kvm_vtd_walk_trace;
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
 * kvm_vtd_fault_locked() - record a primary fault for the guest
 * @vtd: the unit
 * @f: the fault
 * @ev: the caller's events; the fault event interrupt is added to them
 *
 * Logs @f into the fault recording registers and raises the fault event
 * (or holds it pending) as the architecture says.  The one place faults
 * are recorded: translations, interrupt requests and failed host
 * programming all come here.
 *
 * Context: kvm_vtd.lock held.
 * Return: the fault record index used, or %VTD_FAULT_OVERFLOW /
 * %VTD_FAULT_DROPPED_PFO when the fault was not recorded.
 */
int kvm_vtd_fault_locked(struct kvm_vtd *vtd, const struct vtd_fault *f, struct vtd_events *ev)
{
	int idx;

	lockdep_assert_held(&vtd->lock);
	idx = vtd_rf_record_fault(&vtd->rf, f, ev);
	kvm_vtd_stat_inc(vtd, idx >= 0 ? KVM_VTD_STAT_FAULTS_RECORDED :
					  KVM_VTD_STAT_FAULTS_DROPPED);
	trace_kvm_vtd_fault(vtd->id, f, idx);
	return idx;
}

/**
 * kvm_vtd_record_fault() - record a primary fault, taking the lock
 * @vtd: the unit
 * @f: the fault
 *
 * kvm_vtd_fault_locked() for a caller that does not hold kvm_vtd.lock; the
 * fault event interrupt is sent once the lock is dropped.
 *
 * Context: may sleep; takes kvm_vtd.lock.
 * Return: as kvm_vtd_fault_locked().
 */
int kvm_vtd_record_fault(struct kvm_vtd *vtd, const struct vtd_fault *f)
{
	struct vtd_events ev = {};
	int idx;

	mutex_lock(&vtd->lock);
	idx = kvm_vtd_fault_locked(vtd, f, &ev);
	kvm_vtd_unlock_deliver(vtd, &ev);
	return idx;
}

/* Add a cache's count to a counter and restart it; most are 0 each time. */
static void kvm_vtd_stat_drain(struct kvm_vtd *vtd, enum kvm_vtd_stat s, u64 *count)
{
	if (*count)
		atomic64_add(*count, &vtd->stats[s]);
	*count = 0;
}

/**
 * kvm_vtd_cache_stats() - move the caches' counts into the unit's counters
 * @vtd: the unit
 *
 * The context cache, the IOTLB and the interrupt entry cache count their
 * hits, misses, evictions and invalidations in plain fields under
 * kvm_vtd.lock; this moves them into the atomic counters.
 *
 * Context: kvm_vtd.lock held.
 */
void kvm_vtd_cache_stats(struct kvm_vtd *vtd)
{
	struct vtd_cache *c = &vtd->cache;
	struct vtd_iec *iec = &vtd->iec;

	lockdep_assert_held(&vtd->lock);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_CTX_CACHE_HITS, &c->ctx_hits);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_CTX_CACHE_MISSES, &c->ctx_misses);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_IOTLB_HITS, &c->tlb_hits);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_IOTLB_MISSES, &c->tlb_misses);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_CACHE_EVICTIONS, &c->evictions);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_CACHE_INVALIDATED, &c->invalidated);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_IEC_HITS, &iec->hits);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_IEC_MISSES, &iec->misses);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_CACHE_EVICTIONS, &iec->evictions);
	kvm_vtd_stat_drain(vtd, KVM_VTD_STAT_CACHE_INVALIDATED, &iec->invalidated);
}

/**
 * kvm_vtd_ir_changed() - interrupt translations may differ from now on
 * @vtd: the unit
 * @why: what happened, for the trace
 *
 * Signals the VMM's eventfd (KVM_DEV_VTD_IR_EVENTFD), if it gave one.
 *
 * Context: kvm_vtd.lock held.
 */
void kvm_vtd_ir_changed(struct kvm_vtd *vtd, const char *why)
{
	lockdep_assert_held(&vtd->lock);

	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_IR_CHANGES);
	if (vtd->ir_eventfd)
		eventfd_signal(vtd->ir_eventfd);
	trace_kvm_vtd_ir_change(vtd->id, why, vtd->rf.irta, vtd->ir_eventfd);
}

/**
 * kvm_vtd_defer() - the exit ran out of budget: go on at the next access
 * @vtd: the unit
 *
 * Context: kvm_vtd.lock held.
 */
void kvm_vtd_defer(struct kvm_vtd *vtd)
{
	lockdep_assert_held(&vtd->lock);
	if (vtd->deferred)
		return;
	vtd->deferred = true;
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_WORK_DEFERRED);
	trace_kvm_vtd_defer(vtd->id, true, vtd_rf_read64(&vtd->rf, VTD_IQH_REG),
			    vtd->host_pending);
}

/**
 * kvm_vtd_events_add_irqs() - add the interrupts of one set of events to another
 * @to: the events to deliver
 * @from: events already applied
 */
void kvm_vtd_events_add_irqs(struct vtd_events *to, const struct vtd_events *from)
{
	if (from->flags & VTD_EV_FAULT_IRQ)
		to->fault_msi = from->fault_msi;
	if (from->flags & VTD_EV_INV_IRQ)
		to->inv_msi = from->inv_msi;
	to->flags |= from->flags & (VTD_EV_FAULT_IRQ | VTD_EV_INV_IRQ);
}

static void kvm_vtd_send(struct kvm_vtd *vtd, const struct vtd_msi *m,
			 enum kvm_vtd_stat stat, const char *what)
{
	struct kvm_msi msi = {
		.address_lo = lower_32_bits(m->addr),
		.address_hi = upper_32_bits(m->addr),
		.data = m->data,
	};
	int rc = kvm_send_userspace_msi(vtd->kvm, &msi);

	trace_kvm_vtd_irq(vtd->id, what, m->addr, m->data, rc);
	kvm_vtd_stat_inc(vtd, rc < 0 ? KVM_VTD_STAT_IRQS_FAILED : stat);
}

/**
 * kvm_vtd_unlock_deliver() - drop kvm_vtd.lock, then send the interrupts
 * @vtd: the unit
 * @ev: the events collected under the lock
 *
 * Context: kvm_vtd.lock held; released on return.
 */
void kvm_vtd_unlock_deliver(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	mutex_unlock(&vtd->lock);

	if (ev->flags & VTD_EV_FAULT_IRQ)
		kvm_vtd_send(vtd, &ev->fault_msi, KVM_VTD_STAT_FAULT_IRQS, "fault");
	if (ev->flags & VTD_EV_INV_IRQ)
		kvm_vtd_send(vtd, &ev->inv_msi, KVM_VTD_STAT_INV_IRQS, "inv");
}
