// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: carrying out what the register file asks for.
 *
 * Register-file calls run under kvm_vtd.lock and return a &struct
 * vtd_events.  kvm_vtd_apply_locked() then does, still under the lock, what
 * must be ordered with other register accesses (translation-state switches,
 * invalidations, the invalidation queue); kvm_vtd_unlock_deliver() (unit.c)
 * drops the lock and sends the interrupt messages into the VM's in-kernel
 * irqchip.  Work an earlier exit deferred goes on here first
 * (kvm_vtd_resume_locked()), and the host is programmed within what is left
 * of the exit's budget (kvm_vtd_exit_flush()).
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
