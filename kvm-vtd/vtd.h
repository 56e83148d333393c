/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd private definitions.
 *
 * Lock order (outermost first):
 *
 *   kvm->lock            serializes device attribute calls that change the
 *                        unit's configuration (ADDR, INIT) and device release;
 *                        KVM already holds it around create and release.
 *   kvm->slots_lock      taken inside kvm->lock to (un)register the register
 *                        page on the KVM MMIO bus and to register the
 *                        page-track notifier (attach.c).
 *   vcpu->mutex          every vCPU's, trylocked inside kvm->lock by the
 *                        attribute calls that need the vCPUs stopped
 *                        (register restore, reset); see kvm_vtd_lock_vcpus().
 *   kvm->slots_lock      also held by KVM around the page-track notifier
 *                        that tells the unit of a memslot being deleted
 *                        (attach.c), which takes kvm_vtd.lock inside it.
 *   kvm->srcu            read side, around guest memory accesses.
 *   kvm_vtd.lock         the register file, the queue page buffer, the
 *                        translation-state generation, the translation
 *                        caches and the assigned devices (translations hold
 *                        it while they read guest memory).  Interrupt
 *                        messages are sent after it is dropped.
 *                        It nests inside every KVM lock above.
 *   iommufd's locks,     taken under kvm_vtd.lock by the host programming of
 *   the VMM's mmap_lock  assigned devices (host.c and below): iommufd calls, pinning
 *                        guest memory for the shadow IOAS, and guest memory
 *                        reads that fault.  Neither calls back into kvm-vtd.
 *
 * The MMIO callbacks run in vCPU context under kvm->srcu and take only
 * kvm_vtd.lock (they must not take kvm->lock or slots_lock: unregistering
 * the page waits for kvm->srcu readers under kvm->slots_lock).  Once a unit
 * is initialized its configuration (@regs_gpa) is immutable, so they read it
 * without locking; counters are atomic.
 */
#ifndef _KVM_VTD_VTD_H
#define _KVM_VTD_VTD_H

#include <linux/atomic.h>
#include <linux/kvm_host.h>
#include <linux/types.h>
#include <linux/mutex.h>
#include <kvm/iodev.h>
#include <linux/kvm_vtd.h>
#include <asm/kvm_page_track.h>

/* Shadow mappings must follow memslot deletion: kernel/patches/0006. */
#ifndef CONFIG_KVM_EXTERNAL_WRITE_TRACKING
#error "kvm-vtd needs CONFIG_KVM_EXTERNAL_WRITE_TRACKING=y"
#endif

#include "spec/cache.h"
#include "spec/intremap.h"
#include "spec/regfile.h"
#include "spec/walk.h"

/**
 * struct vtd_scratch - walk memory for the work done under kvm_vtd.lock
 * @x: a translation's: the VMM's (translate.c), a device's RID_PASID
 *	(host.c) and shadow walks (shadow.c)
 * @table: a PASID table page (hpasid.c; @x.page holds the directory)
 *
 * One per unit: everything that walks runs under the unit's lock and
 * leaves nothing in here between two holds of it, so a translation that
 * hits the IOTLB allocates and clears nothing.
 */
struct vtd_scratch {
	struct vtd_xlate_scratch x;
	__le64 table[VTD_TABLE_ENTRIES];
};

/*
 * The work one guest exit may do beyond taking access away (which is never
 * deferred): a queue descriptor costs 1, a leaf a host walk finds 1, a
 * guest table page a host walk reads or a host call VTD_WORK_PAGE (hdev.h).
 * What is left goes on at the next access to the register page
 * (kvm_vtd_resume_locked()).
 */
#define VTD_EXIT_WORK		4096

/**
 * struct kvm_vtd - one emulated DMAR unit
 * @dev: the KVM device this unit is the private data of
 * @kvm: the VM; the device holds a reference on it through its fd
 * @id: small number unique among live units, names debugfs and trace output
 * @regs_gpa: GPA of the register page, or KVM_VTD_ADDR_UNSET
 * @initialized: KVM_DEV_VTD_CTRL_INIT succeeded; configuration is frozen
 * @regs_iodev: the register page's device on KVM_MMIO_BUS
 * @debugfs: the unit's directory in the VM's debugfs directory, or NULL
 * @lock: protects @rf, @qi_page, @dmar_gen, @cache, @iec, @ir_eventfd,
 *	@hdevs, @nr_hdevs, @host_pending, @scratch, @work and @deferred
 * @rf: the register file
 * @qi_page: one page of the invalidation queue: the descriptors of it
 *	last read
 * @dmar_gen: bumped on every translation state switch; caches of
 *	translations are valid only for the generation they were filled in
 * @cache: the context cache and IOTLB
 * @iec: the interrupt entry cache
 * @ir_eventfd: signalled when interrupt translations may change, or NULL
 * @hdevs: assigned devices (&struct vtd_hdev, hdev.h)
 * @nr_hdevs: entries in @hdevs
 * @host_pending: some device in @hdevs has host work noted
 * @scratch: walk memory for translations and host programming
 * @work: what the current exit may still do (VTD_EXIT_WORK at its start,
 *	see hdev.h), charged by queue descriptors and host programming
 * @deferred: an exit ran out of @work and left queue descriptors or host
 *	programming for the next access to the register page
 * @shared: the page a VMM maps read-only (struct kvm_vtd_shared); its
 *	@xlate_gen is written under @lock
 * @track: the page-track notifier telling the unit of memslot deletions
 * @track_on: @track is registered (from the first attach to release;
 *	under kvm->lock)
 * @stats: counters, indexed by &enum kvm_vtd_stat
 * @fault_reasons: translation faults by fault reason (debugfs only)
 *
 * @regs_gpa and @initialized are written under kvm->lock before the page is
 * registered and only read afterwards.
 */
struct kvm_vtd {
	struct kvm_device *dev;
	struct kvm *kvm;
	int id;
	u64 regs_gpa;
	bool initialized;
	struct kvm_io_device regs_iodev;
	struct dentry *debugfs;
	struct mutex lock;	/* register file state, see kernel-doc above */
	struct vtd_regfile rf;
	void *qi_page;
	u64 dmar_gen;
	struct vtd_cache cache;
	struct vtd_iec iec;
	struct eventfd_ctx *ir_eventfd;
	struct list_head hdevs;
	unsigned int nr_hdevs;
	bool host_pending;
	struct vtd_scratch scratch;
	s64 work;
	bool deferred;
	struct kvm_vtd_shared *shared;
	struct kvm_page_track_notifier_node track;
	bool track_on;
	atomic64_t stats[KVM_VTD_STAT_NR];
	atomic64_t fault_reasons[256];
};

static inline void kvm_vtd_stat_inc(struct kvm_vtd *vtd, enum kvm_vtd_stat s)
{
	atomic64_inc(&vtd->stats[s]);
}

/*
 * Translations a VMM kept may be stale from now on: a new generation
 * (struct kvm_vtd_shared).  The barrier orders it before every later
 * store, above all the wait status write after which the guest reuses
 * what it invalidated: a VMM that sees the effects of that sees the new
 * generation (it reads it with acquire semantics).
 */
static inline void kvm_vtd_xlate_gen_bump(struct kvm_vtd *vtd)
{
	lockdep_assert_held(&vtd->lock);
	WRITE_ONCE(vtd->shared->xlate_gen, vtd->shared->xlate_gen + 1);
	smp_wmb();	/* the generation before the status write: see above */
}

/* unit.c: services for every layer */
struct kvm_vtd_gmem {
	struct vtd_gmem gm;
	struct kvm *kvm;
};

void kvm_vtd_gmem_init(struct kvm_vtd *vtd, struct kvm_vtd_gmem *g);
void kvm_vtd_xlate_cfg(struct kvm_vtd *vtd, struct vtd_xlate_cfg *cfg);
int kvm_vtd_fault_locked(struct kvm_vtd *vtd, const struct vtd_fault *f, struct vtd_events *ev);
int kvm_vtd_record_fault(struct kvm_vtd *vtd, const struct vtd_fault *f);
void kvm_vtd_cache_stats(struct kvm_vtd *vtd);
void kvm_vtd_ir_changed(struct kvm_vtd *vtd, const char *why);
void kvm_vtd_defer(struct kvm_vtd *vtd);
void kvm_vtd_events_add_irqs(struct vtd_events *to, const struct vtd_events *from);
void kvm_vtd_unlock_deliver(struct kvm_vtd *vtd, struct vtd_events *ev);

/* host.c: programming assigned devices (hdev.h has the mechanisms) */
void kvm_vtd_host_note(struct kvm_vtd *vtd, u8 type, const struct vtd_inv_req *inv);
void kvm_vtd_host_note_switch(struct kvm_vtd *vtd);
bool kvm_vtd_host_flush(struct kvm_vtd *vtd, struct vtd_events *ev);
void kvm_vtd_host_finish(struct kvm_vtd *vtd, struct vtd_events *ev);

/* attach.c: the assigned-device attributes */
int kvm_vtd_device_attach(struct kvm_vtd *vtd, void __user *uarg);
int kvm_vtd_device_detach(struct kvm_vtd *vtd, void __user *uarg);
int kvm_vtd_device_state(struct kvm_vtd *vtd, void __user *uarg);
int kvm_vtd_device_pasids(struct kvm_vtd *vtd, void __user *uarg);
void kvm_vtd_host_release(struct kvm_vtd *vtd);

/* qi.c: invalidations, the queue and what each one drops */
void kvm_vtd_invalidate(struct kvm_vtd *vtd, u8 type, const struct vtd_inv_req *inv);
void kvm_vtd_qi_process(struct kvm_vtd *vtd, struct vtd_events *ev);

/* events.c: carrying out a register access's events */
void kvm_vtd_apply_locked(struct kvm_vtd *vtd, struct vtd_events *ev);
void kvm_vtd_exit_flush(struct kvm_vtd *vtd, struct vtd_events *ev);
void kvm_vtd_resume_locked(struct kvm_vtd *vtd, struct vtd_events *ev);

/* translate.c, msi.c: the VMM's translations */
int kvm_vtd_translate_attr(struct kvm_vtd *vtd, void __user *uarg);
int kvm_vtd_msi_translate_attr(struct kvm_vtd *vtd, void __user *uarg);
int kvm_vtd_ir_eventfd_set(struct kvm_vtd *vtd, int __user *ufd);
void kvm_vtd_msi_release(struct kvm_vtd *vtd);

/* state.c */
int kvm_vtd_regs_get(struct kvm_vtd *vtd, u64 attr, u64 __user *uval);
int kvm_vtd_regs_set(struct kvm_vtd *vtd, u64 attr, u64 __user *uval);
int kvm_vtd_state_restore(struct kvm_vtd *vtd, void __user *uarg);
int kvm_vtd_reset(struct kvm_vtd *vtd);

/* mmio.c */
int kvm_vtd_mmio_register(struct kvm_vtd *vtd);
void kvm_vtd_mmio_unregister(struct kvm_vtd *vtd);

/* stats.c */
int kvm_vtd_stats_get(struct kvm_vtd *vtd, void __user *uarg);
void kvm_vtd_debugfs_init(struct kvm_vtd *vtd);
void kvm_vtd_debugfs_exit(struct kvm_vtd *vtd);

#endif /* _KVM_VTD_VTD_H */
