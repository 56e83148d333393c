// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: nested HWPTs.  A device whose guest PASID entry selects the
 * first stage (PGTT 001b) is attached to a nested HWPT the unit allocates
 * under the VMM's nesting parent, from that entry; the guest's PASID-based
 * IOTLB and device-TLB invalidations become invalidations of that HWPT.
 *
 * What the allocation and the invalidations carry depends on the host
 * IOMMU driver: each one the unit knows has an entry in vtd_host_drivers[],
 * so a second driver is an addition there, not a branch in the code.
 *
 * Context: everything here runs under kvm_vtd.lock.
 */
#include <linux/iommufd.h>
#include <linux/kvm_host.h>
#include <linux/string.h>
#include <uapi/linux/iommufd.h>

#include "hdev.h"
#include "trace.h"

/*
 * The iommufd test mock's driver data (drivers/iommu/iommufd/iommufd_test.h,
 * CONFIG_IOMMUFD_TEST): a nested mock domain has 4 IOTLB slots, set to the
 * allocation's value and cleared by invalidations.  The unit stores the
 * first-stage table's frame number there and clears slot (address >> 12) & 3
 * for a one-page invalidation, all slots for anything larger.
 */
#define VTD_MOCK_HW_INFO_TYPE		0xfeedbeef
#define VTD_MOCK_HWPT_DATA		0xdead
#define VTD_MOCK_INV_DATA		0xdeadbeef
#define VTD_MOCK_INV_ALL		BIT(0)
#define VTD_MOCK_IOTLB_SLOTS		4

struct vtd_mock_hwpt {
	u32 iotlb;
};

struct vtd_mock_inv {
	u32 flags;
	u32 iotlb_id;
};

/* VT-d stage 1 (IOMMU_HWPT_DATA_VTD_S1): the guest's PASID entry as it is. */
static void vtd_s1_hwpt(const struct vtd_xlate_ctx *xc, void *data)
{
	struct iommu_hwpt_vtd_s1 *s1 = data;

	s1->flags = (xc->sre ? IOMMU_VTD_S1_SRE : 0) |
		    (xc->eafe ? IOMMU_VTD_S1_EAFE : 0) |
		    (xc->wpe ? IOMMU_VTD_S1_WPE : 0);
	s1->pgtbl_addr = xc->root;
	s1->addr_width = xc->width;
}

static void vtd_s1_inv_page(void *entry, const struct vtd_inv_req *inv)
{
	struct iommu_hwpt_vtd_s1_invalidate *v = entry;

	v->addr = inv->addr;
	v->npages = 1ull << inv->am;
	v->flags = inv->ih ? IOMMU_VTD_INV_FLAGS_LEAF : 0;
}

static void vtd_s1_inv_all(void *entry)
{
	struct iommu_hwpt_vtd_s1_invalidate *v = entry;

	v->npages = U64_MAX;
}

static void vtd_mock_hwpt(const struct vtd_xlate_ctx *xc, void *data)
{
	struct vtd_mock_hwpt *mock = data;

	mock->iotlb = lower_32_bits(xc->root >> PAGE_SHIFT);
}

static void vtd_mock_inv_page(void *entry, const struct vtd_inv_req *inv)
{
	struct vtd_mock_inv *m = entry;

	m->iotlb_id = (inv->addr >> PAGE_SHIFT) % VTD_MOCK_IOTLB_SLOTS;
}

static void vtd_mock_inv_all(void *entry)
{
	struct vtd_mock_inv *m = entry;

	m->flags = VTD_MOCK_INV_ALL;
}

static_assert(sizeof(struct iommu_hwpt_vtd_s1) <= VTD_HOST_HWPT_LEN_MAX);
static_assert(sizeof(struct vtd_mock_hwpt) <= VTD_HOST_HWPT_LEN_MAX);

static const struct vtd_host_driver vtd_host_drivers[] = {
	{
		.hw_type = IOMMU_HW_INFO_TYPE_INTEL_VTD,
		.hwpt_type = IOMMU_HWPT_DATA_VTD_S1,
		.hwpt_len = sizeof(struct iommu_hwpt_vtd_s1),
		.inv_type = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
		.inv_len = sizeof(struct iommu_hwpt_vtd_s1_invalidate),
		.inv_ranges = true,
		.hwpt = vtd_s1_hwpt,
		.inv_page = vtd_s1_inv_page,
		.inv_all = vtd_s1_inv_all,
	},
	{
		.hw_type = VTD_MOCK_HW_INFO_TYPE,
		.hwpt_type = VTD_MOCK_HWPT_DATA,
		.hwpt_len = sizeof(struct vtd_mock_hwpt),
		.inv_type = VTD_MOCK_INV_DATA,
		.inv_len = sizeof(struct vtd_mock_inv),
		.hwpt = vtd_mock_hwpt,
		.inv_page = vtd_mock_inv_page,
		.inv_all = vtd_mock_inv_all,
	},
};

/**
 * vtd_host_driver_find() - the nested-HWPT data format of a host IOMMU
 * @hw_type: its IOMMU_HW_INFO_TYPE_*
 *
 * Return: the driver's entry, or NULL: its devices can be shadowed but not
 * nested (a first-stage PASID entry blocks them, with a fault).
 */
const struct vtd_host_driver *vtd_host_driver_find(u32 hw_type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vtd_host_drivers); i++)
		if (vtd_host_drivers[i].hw_type == hw_type)
			return &vtd_host_drivers[i];
	return NULL;
}

/**
 * vtd_hdev_destroy_nested() - destroy the nested HWPT the device has left
 * @vtd: the unit
 * @hd: the device
 */
void vtd_hdev_destroy_nested(struct kvm_vtd *vtd, struct vtd_hdev *hd)
{
	int rc;

	if (!hd->nested_id)
		return;
	rc = iommufd_ctx_hwpt_destroy(hd->ictx, hd->nested_obj);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_HWPT_DESTROYS);
	trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-destroy", hd->nested_id, 0, rc);
	/* On failure the object stays the context's, freed when it closes. */
	if (rc)
		vtd_host_error(vtd, hd);
	hd->nested_id = 0;
	hd->nested_obj = NULL;
}

/* The HWPT data the host IOMMU takes for the guest's PASID entry. */
static int vtd_hdev_alloc_nested(struct kvm_vtd *vtd, struct vtd_hdev *hd,
				 const struct vtd_xlate_ctx *xc, u32 *id,
				 struct iommufd_object **obj)
{
	const struct vtd_host_driver *drv = hd->drv;
	u64 data[VTD_HOST_HWPT_LEN_MAX / sizeof(u64)] = {};
	int rc;

	if (!drv)
		return -EOPNOTSUPP;
	drv->hwpt(xc, data);
	rc = iommufd_ctx_hwpt_nested_alloc(hd->ictx, hd->cfg.dev_id, hd->cfg.parent_hwpt_id,
					   drv->hwpt_type, data, drv->hwpt_len, id, obj);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_HWPT_ALLOCS);
	trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-alloc", rc ? 0 : *id, xc->root, rc);
	return rc;
}

/**
 * vtd_hdev_nested() - attach the device to a new nested HWPT for @xc
 * @hc: the flush
 * @hd: the device
 * @xc: what the guest's PASID entry says
 *
 * On failure the device stays where it was, and the guest sees a fault.
 *
 * Return: 0 or the host's errno.
 */
int vtd_hdev_nested(struct vtd_host_ctx *hc, struct vtd_hdev *hd, const struct vtd_xlate_ctx *xc)
{
	struct kvm_vtd *vtd = hc->vtd;
	struct iommufd_object *obj;
	u32 id;
	int rc;

	rc = vtd_hdev_alloc_nested(vtd, hd, xc, &id, &obj);
	if (!rc) {
		rc = vtd_hdev_replace(vtd, hd, id, VTD_AT_NESTED);
		if (rc) {
			iommufd_ctx_hwpt_destroy(hd->ictx, obj);
			kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_HWPT_DESTROYS);
		}
	} else {
		vtd_host_error(vtd, hd);
	}
	if (rc) {
		/* e.g. the host driver refused the first-stage table pointer */
		vtd_host_fault(hc, hd, VTD_FR_FS_PTPTR_INV, 0);
		return rc;
	}
	/* The old nested HWPT goes only once the device has left it. */
	if (hd->nested_id)
		vtd_hdev_destroy_nested(vtd, hd);
	hd->nested_id = id;
	hd->nested_obj = obj;
	return 0;
}

/**
 * vtd_nested_invalidate() - send the device's collected invalidations
 * @hc: the flush
 * @hd: the device, attached to its nested HWPT
 *
 * One host call for everything noted since the last one; a failure
 * reports a fault (the host invalidated less than the guest asked).
 */
void vtd_nested_invalidate(struct vtd_host_ctx *hc, struct vtd_hdev *hd)
{
	const struct vtd_host_driver *drv = hd->drv;
	struct kvm_vtd *vtd = hc->vtd;
	u32 n = hd->nr_inv, done;
	int rc;

	if (hd->inv_all) {
		memset(hd->inv, 0, drv->inv_len);
		drv->inv_all(hd->inv);
		n = 1;
	}
	done = n;
	rc = iommufd_ctx_hwpt_invalidate(hd->ictx, hd->nested_id, drv->inv_type, hd->inv,
					 drv->inv_len, &done);
	kvm_vtd_stat_inc(vtd, KVM_VTD_STAT_HOST_INV_CALLS);
	atomic64_add(done, &vtd->stats[KVM_VTD_STAT_HOST_INV_ENTRIES]);
	trace_kvm_vtd_host_call(vtd->id, hd->cfg.sid, "hwpt-invalidate", hd->nested_id, n, rc);
	if (rc || done != n) {
		vtd_host_error(vtd, hd);
		vtd_host_fault(hc, hd, VTD_FR_FS_PTPTR_INV, 0);
	}
}

/**
 * vtd_nested_note_piotlb() - note a PASID-based IOTLB invalidation
 * @hd: the device, nested, in the invalidation's domain and PASID
 * @inv: the invalidation
 *
 * A page-selective one becomes one host entry (while they fit and the
 * driver takes ranges); anything else invalidates the whole HWPT.
 */
void vtd_nested_note_piotlb(struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	const struct vtd_host_driver *drv = hd->drv;
	void *e = hd->inv + hd->nr_inv * drv->inv_len;

	if (hd->inv_all)
		return;
	if (inv->actual != VTD_PIOTLB_PAGE || hd->nr_inv == VTD_HOST_INV_MAX ||
	    (!drv->inv_ranges && inv->am)) {
		hd->inv_all = true;
		return;
	}
	hd->nr_inv++;
	memset(e, 0, drv->inv_len);
	drv->inv_page(e, inv);
}

/**
 * vtd_nested_note_devtlb() - note a device-TLB invalidation
 * @hd: the device, nested, named by the invalidation
 * @inv: the invalidation
 *
 * The host driver flushes the device's ATC with every invalidation of its
 * HWPT (for VT-d: "the device TLB will be invalidated automatically if ATS
 * is enabled"), so the range joins the HWPT invalidation; a range the drain
 * already invalidates, as when the guest follows a PASID-IOTLB invalidation
 * with the device-TLB one for the same pages, adds nothing.  Shadowed
 * devices need nothing: the host flushes the ATC when it unmaps.
 */
void vtd_nested_note_devtlb(struct vtd_hdev *hd, const struct vtd_inv_req *inv)
{
	size_t len = hd->drv->inv_len;
	struct vtd_inv_req r = {
		.actual = inv->am >= VTD_DEVTLB_AM_ALL ? VTD_PIOTLB_PASID : VTD_PIOTLB_PAGE,
		.addr = inv->addr,
		.am = inv->am,
	};
	u32 n = hd->nr_inv;

	vtd_nested_note_piotlb(hd, &r);
	if (n && hd->nr_inv == n + 1 &&
	    !memcmp(hd->inv + (n - 1) * len, hd->inv + n * len, len))
		hd->nr_inv = n;
}
