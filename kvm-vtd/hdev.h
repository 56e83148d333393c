/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: the assigned device (&struct vtd_hdev) and what the host
 * mechanisms share: moving the device (hdev.c), its shadow IOAS (shadow.c),
 * nested HWPTs (nested.c) and its PASID cache (hpasid.c).  host.c decides
 * which mechanism applies; attach.c is the VMM's side.
 *
 * Everything here is protected by kvm_vtd.lock.
 */
#ifndef _KVM_VTD_HDEV_H
#define _KVM_VTD_HDEV_H

#include <linux/rbtree.h>
#include <linux/sizes.h>
#include <linux/xarray.h>

#include "vtd.h"

struct iommufd_ctx;

/* Host invalidation entries one device collects per flush. */
#define VTD_HOST_INV_MAX	128
/* Shadow ranges one device collects per flush before syncing everything. */
#define VTD_HOST_SYNC_MAX	16
/* Widest PASID a device may have (struct kvm_vtd_device.pasid_bits). */
#define VTD_PASID_BITS_MAX	20
/* PASID-cache invalidations one device collects per flush before a global one. */
#define VTD_HOST_PSYNC_MAX	8
/*
 * Shadow runs per device; table pages one shadow re-walk may read in all
 * (across exits) before the rest of the range is left unmapped.
 */
#define VTD_SHADOW_RUNS_MAX	65536
#define VTD_SHADOW_WALK_PAGES	65536
/* A shadow run never crosses a multiple of this IOVA (shadow.c). */
#define VTD_SHADOW_WINDOW	SZ_2M

/* What a guest table page read or a host call costs of VTD_EXIT_WORK. */
#define VTD_WORK_PAGE		16

/* The largest nested-HWPT allocation data of a host driver (nested.c). */
#define VTD_HOST_HWPT_LEN_MAX	32

/**
 * struct vtd_host_driver - what nesting takes on one host IOMMU driver
 * @hw_type: its IOMMU_HW_INFO_TYPE_*
 * @hwpt_type: the nested HWPT's data type (IOMMU_HWPT_DATA_*)
 * @hwpt_len: size of that data, at most %VTD_HOST_HWPT_LEN_MAX
 * @inv_type: the HWPT invalidation's data type (IOMMU_HWPT_INVALIDATE_DATA_*)
 * @inv_len: size of one invalidation entry
 * @inv_ranges: an entry may name more than one page
 * @hwpt: fill the allocation data from the guest's PASID entry
 * @inv_page: fill a zeroed entry for a page-selective invalidation
 * @inv_all: fill a zeroed entry that invalidates everything
 */
struct vtd_host_driver {
	u32 hw_type;
	u32 hwpt_type;
	size_t hwpt_len;
	u32 inv_type;
	size_t inv_len;
	bool inv_ranges;
	void (*hwpt)(const struct vtd_xlate_ctx *xc, void *data);
	void (*inv_page)(void *entry, const struct vtd_inv_req *inv);
	void (*inv_all)(void *entry);
};

/* An IOVA range, both ends included. */
struct vtd_range {
	u64 first;
	u64 last;
};

/* Where the device is attached on the host. */
enum vtd_hdev_at {
	VTD_AT_PARENT,
	VTD_AT_NESTED,
	VTD_AT_IOAS,
};

/**
 * struct vtd_hdev - one assigned device
 * @node: in &kvm_vtd.hdevs
 * @cfg: what the VMM attached
 * @ictx: the iommufd context, referenced
 * @hw_type: the host IOMMU's type (IOMMU_HW_INFO_TYPE_*)
 * @drv: its nested-HWPT format, or NULL: it cannot nest (nested.c)
 * @mode: &enum kvm_vtd_device_mode
 * @at: &enum vtd_hdev_at
 * @hwpt_id: the HWPT the device is attached to
 * @nested_id: the nested HWPT the unit allocated, or 0
 * @nested_obj: that HWPT, held (the VMM cannot destroy it meanwhile)
 * @parent_obj: the VMM's nesting parent, held while attached, so its ID
 *	cannot come to name another object
 * @shadow_obj: the VMM's shadow IOAS, held likewise
 * @ioas_hwpt_id: a HWPT on the shadow IOAS the unit allocated at attach:
 *	moving the device there (shadow or blocked) allocates nothing
 * @ioas_hwpt_obj: that HWPT, held
 * @xc: what the guest's structures said when @mode was decided
 * @host_errors: failed host calls
 * @reeval: pending: re-read the guest's structures
 * @sync_all: pending: shadow: unmap and re-walk everything
 * @nr_sync: pending: shadow: ranges in @sync
 * @sync: pending: shadow: ranges an invalidation named, still mapped
 * @nr_remap: shadow: ranges in @remap
 * @remap: shadow: ranges unmapped and not walked again yet (shadow.c)
 * @remap_pages: shadow: table pages read re-walking @remap since it was
 *	last empty
 * @inv_all: pending: nested: invalidate everything
 * @nr_inv: pending: nested: entries in @inv
 * @inv: pending: nested: host invalidation entries (@drv's format)
 * @runs: shadow: mapped IOVA runs (&struct vtd_shadow_run)
 * @nr_runs: shadow: entries in @runs
 * @shadow_bytes: shadow: bytes mapped
 * @pasids: the PASID cache: &struct vtd_hpasid by PASID (hpasid.c)
 * @nr_pasids: entries in @pasids
 * @pasid_gen: bumped by every PASID-cache sync
 * @psync_all: pending: re-read every PASID entry
 * @psync_busy: a re-read of every entry stopped for the budget at @psync_next
 * @psync_next: where that re-read goes on
 * @nr_psync: pending: PASID-cache invalidations in @psync
 * @psync: pending: PASID-cache invalidations (granularity, DID, PASID)
 */
struct vtd_hdev {
	struct list_head node;
	struct kvm_vtd_device cfg;
	struct iommufd_ctx *ictx;
	u32 hw_type;
	const struct vtd_host_driver *drv;
	u16 mode;
	u8 at;
	u32 hwpt_id;
	u32 nested_id;
	struct iommufd_object *nested_obj;
	struct iommufd_object *parent_obj;
	struct iommufd_object *shadow_obj;
	u32 ioas_hwpt_id;
	struct iommufd_object *ioas_hwpt_obj;
	struct vtd_xlate_ctx xc;
	u32 host_errors;
	bool reeval;
	bool sync_all;
	u32 nr_sync;
	struct vtd_range sync[VTD_HOST_SYNC_MAX];
	u32 nr_remap;
	struct vtd_range remap[VTD_HOST_SYNC_MAX];
	u64 remap_pages;
	bool inv_all;
	u32 nr_inv;
	void *inv;
	struct rb_root_cached runs;
	u32 nr_runs;
	u64 shadow_bytes;
	struct xarray pasids;
	u32 nr_pasids;
	u32 pasid_gen;
	bool psync_all;
	bool psync_busy;
	u32 psync_next;
	u32 nr_psync;
	struct vtd_inv_req psync[VTD_HOST_PSYNC_MAX];
};

/**
 * struct vtd_host_ctx - everything a flush needs besides the device
 * @vtd: the unit
 * @g: guest memory, counting what the flush read
 * @cfg: the unit's translation state
 * @ev: the caller's events (faults of failed host calls)
 * @ctx_pages: of @g's pages, root/context/PASID structure pages
 * @calls: host calls the flush made
 * @budget: work the flush may do, from &kvm_vtd.work
 */
struct vtd_host_ctx {
	struct kvm_vtd *vtd;
	struct kvm_vtd_gmem g;
	struct vtd_xlate_cfg cfg;
	struct vtd_events *ev;
	u64 ctx_pages;
	u64 calls;
	s64 budget;
};

/* The flush's work so far, in VTD_EXIT_WORK units. */
static inline s64 vtd_host_work(const struct vtd_host_ctx *hc)
{
	return (hc->g.gm.pages_read + hc->calls) * VTD_WORK_PAGE + hc->g.gm.leaves;
}

/* Work the flush may still do: giving access back stops at 0. */
static inline s64 vtd_host_work_left(const struct vtd_host_ctx *hc)
{
	return hc->budget - vtd_host_work(hc);
}

static inline void vtd_host_error(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	hd->host_errors++;
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_ERRORS);
}

/* hdev.c */
void vtd_host_fault(struct vtd_host_ctx *hc, struct vtd_hdev *hd, u8 reason, u64 addr);
int vtd_hdev_replace(struct kvm_vtd *vtd, struct vtd_hdev *hd, u32 pt_id, u8 at);

/* nested.c */
const struct vtd_host_driver *vtd_host_driver_find(u32 hw_type);
int vtd_hdev_nested(struct vtd_host_ctx *hc, struct vtd_hdev *hd, const struct vtd_xlate_ctx *xc);
void vtd_hdev_destroy_nested(struct kvm_vtd *vtd, struct vtd_hdev *hd);
void vtd_nested_invalidate(struct vtd_host_ctx *hc, struct vtd_hdev *hd);
void vtd_nested_note_piotlb(struct vtd_hdev *hd, const struct vtd_inv_req *inv);
void vtd_nested_note_devtlb(struct vtd_hdev *hd, const struct vtd_inv_req *inv);

/* shadow.c */
void vtd_shadow_clear(struct kvm_vtd *vtd, struct vtd_hdev *hd);
void vtd_shadow_take(struct vtd_host_ctx *hc, struct vtd_hdev *hd);
bool vtd_shadow_give(struct vtd_host_ctx *hc, struct vtd_hdev *hd);
void vtd_shadow_slot_gone(struct kvm_vtd *vtd, struct vtd_hdev *hd, u64 gpa, u64 len);

/* hpasid.c */
void vtd_hpasid_note(struct kvm_vtd *vtd, struct vtd_hdev *hd, const struct vtd_inv_req *inv);
void vtd_hpasid_note_all(struct kvm_vtd *vtd, struct vtd_hdev *hd);
bool vtd_hpasid_sync(struct vtd_host_ctx *hc, struct vtd_hdev *hd);
void vtd_hpasid_clear(struct kvm_vtd *vtd, struct vtd_hdev *hd);
int vtd_hpasid_list(struct kvm_vtd *vtd, struct vtd_hdev *hd, u32 first,
		    struct kvm_vtd_pasid_info *out, u32 nr);

#endif /* _KVM_VTD_HDEV_H */
