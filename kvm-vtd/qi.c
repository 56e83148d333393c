// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the invalidation queue.
 *
 * Runs in the vCPU that wrote IQT (or enabled the queue, or cleared IQE),
 * from IQH to IQT, reading from guest memory the descriptors between them
 * one page at a time (only those: under TCG a whole 4 KiB page costs as
 * much as the rest of a one-descriptor submission) and yielding between
 * pages.  Each descriptor costs the exit's work budget
 * (&kvm_vtd.work) one unit, the host programming before a wait more: when
 * the budget is gone the queue stops, IQH on the next descriptor (or on a
 * wait whose host work is not done), and the next access to the register
 * page goes on from there (kvm_vtd_resume_locked()).  A bad tail, a failed
 * fetch or an invalid descriptor sets FSTS.IQE with IQH left at the
 * descriptor that failed, as the architecture requires.
 *
 * Descriptors are 128-bit, or 256-bit with IQA.DW (scalable-mode units);
 * every type this unit knows uses the low 128 bits, the high 128 bits of a
 * 256-bit descriptor are reserved.  In a 256-bit queue IQT and IQH step by
 * 32 bytes: a tail (or restored head) with bit 4 set is a tail error.  In
 * scalable mode the queue must be 256-bit, and the PASID-granular types
 * exist only there: either is an invalid descriptor width (IQEI 5).
 *
 * Context-cache, IOTLB, PASID-cache, PASID-based IOTLB and interrupt entry
 * cache descriptors drop what they name from the unit's caches
 * (kvm_vtd_invalidate()); the first four and
 * the device-TLB descriptors (the unit has no device-TLB of its own) note
 * what assigned devices need; the host is programmed for all of it at the
 * next invalidation wait or at the end of the drain (kvm_vtd_host_flush()),
 * so a batch of descriptors costs one host call per device.
 *
 * Only guest register writes start the queue, so it always runs in a vCPU
 * (which the dirty log/ring needs for the wait descriptors' status writes)
 * under kvm->srcu; a VMM restore never does.
 */
#include <linux/kvm_host.h>
#include <linux/sched.h>

#include "trace.h"
#include "vtd.h"

#define VTD_DESC_SIZE	16
#define VTD_DESC_SIZE_256	32

/* The counter and trace name of each invalidation type. */
static const struct {
	enum kvm_vtd_stat stat;
	const char *name;
} kvm_vtd_qi_inv[] = {
	[VTD_DESC_CC] = { KVM_VTD_STAT_CC_INVALIDATIONS, "qi-context" },
	[VTD_DESC_IOTLB] = { KVM_VTD_STAT_IOTLB_INVALIDATIONS, "qi-iotlb" },
	[VTD_DESC_PIOTLB] = { KVM_VTD_STAT_PIOTLB_INVALIDATIONS, "qi-piotlb" },
	[VTD_DESC_PC] = { KVM_VTD_STAT_PC_INVALIDATIONS, "qi-pasid-cache" },
	[VTD_DESC_DEVTLB] = { KVM_VTD_STAT_DEVTLB_INVALIDATIONS, "qi-devtlb" },
	[VTD_DESC_PDEVTLB] = { KVM_VTD_STAT_PDEVTLB_INVALIDATIONS, "qi-pasid-devtlb" },
	[VTD_DESC_IEC] = { KVM_VTD_STAT_IEC_INVALIDATIONS, "qi-iec" },
};

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

/*
 * Execute one valid descriptor: 0, the IQEI code of its failure, or -EAGAIN
 * for a wait whose host work the exit's budget did not cover.
 */
static int kvm_vtd_qi_exec(struct kvm_vtd *vtd, const struct vtd_desc *d,
			   struct vtd_events *ev)
{
	__le32 data;
	int rc;

	if (d->type != VTD_DESC_WAIT) {
		kvm_vtd_stat_inc(vtd, kvm_vtd_qi_inv[d->type].stat);
		trace_kvm_vtd_inv(vtd->id, kvm_vtd_qi_inv[d->type].name, &d->inv);
		kvm_vtd_invalidate(vtd, d->type, &d->inv);
		return 0;
	}
	/* The host must have done what the guest waits for: else, later. */
	if (!kvm_vtd_host_flush(vtd, ev))
		return -EAGAIN;
	if (d->wait_sw) {
		/*
		 * A status write that no guest memory backs is a queue error
		 * at this descriptor (IQEI 2, the code for the queue's memory
		 * accesses failing): the guest would otherwise wait forever.
		 */
		data = cpu_to_le32(d->wait_data);
		rc = kvm_write_guest(vtd->kvm, d->wait_addr, &data, sizeof(data));
		trace_kvm_vtd_qi_wait(vtd->id, d->wait_addr, d->wait_data, rc);
		if (rc)
			return VTD_IQEI_FETCH;
	}
	if (d->wait_if)
		vtd_rf_inv_event(&vtd->rf, ev);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_QI_WAITS);
	return 0;
}

/**
 * kvm_vtd_qi_process() - process the invalidation queue up to IQT
 * @vtd: the unit; queued invalidation is enabled
 * @ev: the caller's event record; invalidation and fault events are added
 *
 * Context: kvm_vtd.lock and the kvm->srcu read side held; may sleep.
 */
void kvm_vtd_qi_process(struct kvm_vtd *vtd, struct vtd_events *ev)
{
	struct vtd_regfile *rf = &vtd->rf;
	u64 qsize = (u64)PAGE_SIZE << FIELD_GET(VTD_IQA_QS, rf->iqa);
	u64 dsize = rf->iqa & VTD_IQA_DW ? VTD_DESC_SIZE_256 : VTD_DESC_SIZE;
	u64 base = rf->iqa & VTD_IQA_IQA;
	u64 cap = vtd_rf_read64(rf, VTD_CAP_REG), ecap = vtd_rf_read64(rf, VTD_ECAP_REG);
	u64 head = vtd_rf_read64(rf, VTD_IQH_REG);
	u64 tail = vtd_rf_read64(rf, VTD_IQT_REG);
	__le64 *page = vtd->qi_page;
	u64 have = 0, have_end = 0;	/* the queue bytes @page holds */
	unsigned int done = 0;
	int err = 0;

	lockdep_assert_held(&vtd->lock);

	if (vtd_rf_read32(rf, VTD_FSTS_REG) & VTD_FSTS_IQE)
		return;
	/* A tail (or restored head) outside the queue or misaligned. */
	if (tail >= qsize || head >= qsize || ((tail | head) & (dsize - 1))) {
		err = VTD_IQEI_TAIL;
		goto out;
	}

	while (head != tail) {
		u64 start = head & PAGE_MASK;
		struct vtd_desc d;
		u64 lo, hi;

		/*
		 * A dying VMM stops the drain where it is (IQH on the next
		 * descriptor, no error): nothing will wait for it.
		 */
		if (fatal_signal_pending(current))
			break;
		/* Out of budget: the next access goes on from IQH. */
		if (vtd->work <= 0) {
			kvm_vtd_defer(vtd);
			break;
		}
		if (head < have || head >= have_end) {
			/* To the tail or the end of the page (the queue wraps). */
			u64 end = head < tail ? min(tail, start + PAGE_SIZE) : start + PAGE_SIZE;

			if (have_end)
				cond_resched();
			if (kvm_read_guest(vtd->kvm, base + head, (u8 *)page + (head - start),
					   end - head)) {
				err = VTD_IQEI_FETCH;
				break;
			}
			kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_QI_PAGES_READ);
			have = head;
			have_end = end;
		}
		lo = le64_to_cpu(page[(head - start) / 8]);
		hi = le64_to_cpu(page[(head - start) / 8 + 1]);
		err = vtd_desc_check_width(ecap, rf->rta, rf->iqa, lo);
		if (!err)
			err = vtd_desc_decode(cap, ecap, lo, hi, &d);
		if (!err && dsize == VTD_DESC_SIZE_256 &&
		    (page[(head - start) / 8 + 2] || page[(head - start) / 8 + 3]))
			err = VTD_IQEI_RSVD;
		trace_kvm_vtd_qi_desc(vtd->id, head, lo, hi, err);
		if (err)
			break;
		vtd->work--;
		err = kvm_vtd_qi_exec(vtd, &d, ev);
		if (err == -EAGAIN) {
			/* IQH stays on the wait: the next access goes on. */
			kvm_vtd_defer(vtd);
			err = 0;
			break;
		}
		if (err)
			break;
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_QI_DESCRIPTORS);
		/* A wait may have synced every assigned device: yield. */
		if (d.type == VTD_DESC_WAIT)
			cond_resched();
		head = (head + dsize) % qsize;
		done++;
	}
	rf->val[VTD_IQH_REG / 8] = head;
	if (done)
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_QI_DRAINS);
out:
	if (err) {
		kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_QI_ERRORS);
		vtd_rf_queue_error(rf, err, ev);
	}
}
