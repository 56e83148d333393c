// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: carrying out what the register file asks for.
 *
 * Register-file calls run under kvm_vtd.lock and return a &struct
 * vtd_events.  kvm_vtd_apply_locked() then does, still under the lock, what
 * must be ordered with other register accesses (translation-state switches,
 * invalidations, the invalidation queue); kvm_vtd_unlock_deliver() drops the
 * lock and sends the interrupt messages into the VM's in-kernel irqchip.
 */
#include <linux/kvm_host.h>

#include "trace.h"
#include "vtd.h"

/*
 * The one place a translation-state switch happens: SRTP, TE on or off,
 * reset and restore all come here.  Every cached translation belongs to a
 * generation; bumping it drops them all, so nothing stale survives the
 * switch, and host-side programming of attached devices re-evaluates every
 * source-id from here.
 */
static void kvm_vtd_dmar_switch(struct kvm_vtd *vtd, enum vtd_switch_reason why)
{
	lockdep_assert_held(&vtd->lock);

	kvm_vtd_xlate_gen_bump(vtd);
	vtd->dmar_gen++;
	vtd_cache_flush(&vtd->cache);
	kvm_vtd_host_note_switch(vtd);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_DMAR_SWITCHES);
	trace_kvm_vtd_dmar_switch(vtd->id, why, vtd->dmar_gen,
				  vtd_rf_read32(&vtd->rf, VTD_GSTS_REG), vtd->rf.rta);
}

/**
 * kvm_vtd_invalidate() - drop from the caches what an invalidation names
 * @vtd: the unit
 * @type: VTD_DESC_CC, VTD_DESC_IOTLB, VTD_DESC_PC, VTD_DESC_PIOTLB (the
 *	register-based invalidations use the first two), the device-TLB types
 *	(for the host only) or VTD_DESC_IEC (the interrupt entry cache)
 * @inv: the invalidation as performed (@inv->actual granularity)
 *
 * Context: kvm_vtd.lock held.
 */
void kvm_vtd_invalidate(struct kvm_vtd *vtd, u8 type, const struct vtd_inv_req *inv)
{
	lockdep_assert_held(&vtd->lock);

	/* What a VMM kept of KVM_DEV_VTD_TRANSLATE (not of interrupts). */
	if (type == VTD_DESC_CC || type == VTD_DESC_IOTLB || type == VTD_DESC_PC ||
	    type == VTD_DESC_PIOTLB)
		kvm_vtd_xlate_gen_bump(vtd);
	switch (type) {
	case VTD_DESC_CC:
		vtd_cache_inv_context(&vtd->cache, inv->actual, inv->did, inv->sid, inv->fm);
		break;
	case VTD_DESC_IOTLB:
		vtd_cache_inv_iotlb(&vtd->cache, inv->actual, inv->did, inv->addr, inv->am);
		break;
	case VTD_DESC_PC:
		vtd_cache_inv_pasid(&vtd->cache, inv->actual, inv->did, inv->pasid);
		break;
	case VTD_DESC_PIOTLB:
		vtd_cache_inv_piotlb(&vtd->cache, inv->actual, inv->did, inv->pasid, inv->addr,
				     inv->am);
		break;
	case VTD_DESC_IEC:
		if (inv->actual == VTD_IEC_INDEX)
			vtd_iec_invalidate(&vtd->iec, inv->iidx, inv->am);
		else
			vtd_iec_flush(&vtd->iec);
		kvm_vtd_ir_changed(vtd, "iec");
		break;
	}
	kvm_vtd_cache_stats(vtd);
	kvm_vtd_host_note(vtd, type, inv);
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
 * kvm_vtd_apply_locked() - act on a register-file call's events
 * @vtd: the unit
 * @ev: the events; the invalidation queue may add interrupt events to it
 *
 * The caller then programs the host for what was noted: a guest exit with
 * kvm_vtd_exit_flush() (within its budget), an attribute call with
 * kvm_vtd_host_finish() (to the end).
 *
 * Context: kvm_vtd.lock held; kvm->srcu read side held when @ev may ask for
 * queue processing (guest register writes).
 */
void kvm_vtd_apply_locked(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	lockdep_assert_held(&vtd->lock);

	if (ev->flags & VTD_EV_GCMD)
		trace_kvm_vtd_gcmd(vtd->id, ev->gcmd, ev->gsts_old, ev->gsts_new);
	if (ev->flags & VTD_EV_DMAR_SWITCH)
		kvm_vtd_dmar_switch(vtd, ev->switch_reason);
	/* A new interrupt remapping table: nothing cached from the old one. */
	if (ev->flags & VTD_EV_IR_TABLE) {
		vtd_iec_flush(&vtd->iec);
		kvm_vtd_cache_stats(vtd);
		kvm_vtd_ir_changed(vtd, ev->flags & VTD_EV_GCMD ? "sirtp" : "reset-restore");
	} else if (ev->flags & VTD_EV_IR_STATE) {
		kvm_vtd_ir_changed(vtd, "gcmd");
	}
	if (ev->flags & VTD_EV_INV_CONTEXT) {
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_CC_INVALIDATIONS);
		trace_kvm_vtd_inv(vtd->id, "reg-context", &ev->inv);
		kvm_vtd_invalidate(vtd, VTD_DESC_CC, &ev->inv);
	}
	if (ev->flags & VTD_EV_INV_IOTLB) {
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_IOTLB_INVALIDATIONS);
		trace_kvm_vtd_inv(vtd->id, "reg-iotlb", &ev->inv);
		kvm_vtd_invalidate(vtd, VTD_DESC_IOTLB, &ev->inv);
	}
	if (ev->flags & VTD_EV_INV_IGNORED) {
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_REG_INV_IGNORED);
		trace_kvm_vtd_inv(vtd->id, "reg-ignored-qi", &ev->inv);
	}
	if (ev->flags & VTD_EV_QI_KICK)
		kvm_vtd_qi_process(vtd, ev);
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
 * kvm_vtd_exit_flush() - program the host within what is left of the budget
 * @vtd: the unit
 * @ev: the caller's events
 *
 * In a guest exit, after the register access and the queue it ran: their
 * last descriptors may not end in a wait.  What the budget does not cover
 * goes on at the next access.
 *
 * Context: kvm_vtd.lock and the kvm->srcu read side held, in a vCPU.
 */
void kvm_vtd_exit_flush(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	if (!kvm_vtd_host_flush(vtd, ev))
		kvm_vtd_defer(vtd);
}

/**
 * kvm_vtd_resume_locked() - start a guest register access
 * @vtd: the unit
 * @ev: zeroed events; what the resumed work raises is added
 *
 * Gives the exit its work budget and first goes on with what an earlier
 * exit left: the invalidation queue from IQH (a wait whose host work was
 * not done, or descriptors past the budget), then the host programming.
 * A guest that polls for a wait's completion keeps accessing the page (as
 * Linux reads FSTS between polls), so the work gets done over its exits.
 *
 * Context: kvm_vtd.lock and the kvm->srcu read side held, in a vCPU.
 */
void kvm_vtd_resume_locked(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	lockdep_assert_held(&vtd->lock);
	vtd->work = VTD_EXIT_WORK;
	if (!vtd->deferred)
		return;
	vtd->deferred = false;
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_WORK_RESUMED);
	trace_kvm_vtd_defer(vtd->id, false, vtd_rf_read64(&vtd->rf, VTD_IQH_REG),
			    vtd->host_pending);
	if (vtd_rf_read32(&vtd->rf, VTD_GSTS_REG) & VTD_GSTS_QIES)
		kvm_vtd_qi_process(vtd, ev);
	kvm_vtd_exit_flush(vtd, ev);
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

/**
 * kvm_vtd_record_fault() - report a primary fault to the guest
 * @vtd: the unit
 * @f: the fault
 *
 * Logs @f into the fault recording registers and raises the fault event
 * (or holds it pending) as the architecture says.  This is the entry point
 * for the translation and queue code.
 *
 * Context: may sleep; takes kvm_vtd.lock.
 * Return: the fault record index used, or %VTD_FAULT_OVERFLOW /
 * %VTD_FAULT_DROPPED_PFO when the fault was not recorded.
 */
int kvm_vtd_record_fault(struct kvm_vtd *vtd, const struct vtd_fault *f)
{
	struct vtd_events ev = {};
	int idx;

	mutex_lock(&vtd->lock);
	idx = vtd_rf_record_fault(&vtd->rf, f, &ev);
	kvm_vtd_stat_inc(vtd, idx >= 0 ? KVM_VTD_STAT_FAULTS_RECORDED :
					  KVM_VTD_STAT_FAULTS_DROPPED);
	trace_kvm_vtd_fault(vtd->id, f, idx);
	kvm_vtd_unlock_deliver(vtd, &ev);
	return idx;
}
