/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMM's side of the unit, as a test drives it: the TRANSLATE and
 * TRANSLATE_MSI attributes, and assigned devices on the iommufd selftest
 * mock (CONFIG_IOMMUFD_TEST): an iommufd with a mock device, its IOAS, a
 * nesting parent and a shadow IOAS; IOAS map/unmap; the mock's checks of
 * what a HWPT holds; and the unit's device attributes.
 *
 * Helpers return 0 or the errno of the ioctl (TEST_ASSERT where a failure
 * is the test's setup failing, not what it tests).
 */
#ifndef _SELFTEST_VTD_VMM_H
#define _SELFTEST_VTD_VMM_H

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <linux/iommufd.h>

#include "iommufd_test.h"
#include "kvm_util.h"
#include "vtd_util.h"

/* KVM_DEV_VTD_TRANSLATE of @sid's @iova (no PASID) into @t. */
static inline int xlate(int fd, uint16_t sid, uint64_t iova, uint32_t flags,
			struct kvm_vtd_translation *t)
{
	memset(t, 0, sizeof(*t));
	t->sid = sid;
	t->iova = iova;
	t->flags = flags;
	return __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE, t);
}

/* KVM_DEV_VTD_TRANSLATE of @sid's @iova with @pasid into @t. */
static inline int xlate_pasid(int fd, uint16_t sid, uint32_t pasid, uint64_t iova,
			      uint32_t flags, struct kvm_vtd_translation *t)
{
	memset(t, 0, sizeof(*t));
	t->sid = sid;
	t->pasid = pasid;
	t->iova = iova;
	t->flags = flags | KVM_VTD_TRANSLATE_PASID;
	return __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE, t);
}

/* KVM_DEV_VTD_TRANSLATE_MSI of @sid's write of @data to @addr into @t. */
static inline int xlate_msi(int fd, uint16_t sid, uint64_t addr, uint32_t data,
			    struct kvm_vtd_msi_translation *t)
{
	memset(t, 0, sizeof(*t));
	t->sid = sid;
	t->address = addr;
	t->data = data;
	return __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE, KVM_DEV_VTD_TRANSLATE_MSI,
				     t);
}

/* A remappable-format interrupt request's address for interrupt index @handle. */
static inline uint64_t msi_rfi(uint32_t handle)
{
	return 0xfee00010 | ((handle & 0x7fff) << 5) | ((handle >> 15) << 2);
}

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline uint64_t now_ms(void)
{
	return now_ns() / 1000000;
}

/* The VMM's iommufd: a mock device, its IOAS, a nesting parent and a shadow IOAS. */
struct host {
	int iommufd;
	uint32_t ioas, shadow, stdev, dev, parent;
};

static inline uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	TEST_ASSERT(!ioctl(fd, IOMMU_IOAS_ALLOC, &cmd), "IOMMU_IOAS_ALLOC");
	return cmd.out_ioas_id;
}

/* Open an iommufd for @h; @pad IOASes first, so that object IDs differ between iommufds. */
static inline void host_setup(struct host *h, int pad)
{
	struct iommu_test_cmd mock = {
		.size = sizeof(mock),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN,
	};
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = IOMMU_HWPT_ALLOC_NEST_PARENT,
	};

	h->iommufd = open("/dev/iommu", O_RDWR);
	TEST_ASSERT(h->iommufd >= 0, "open /dev/iommu");
	while (pad--)
		ioas_alloc(h->iommufd);
	h->ioas = ioas_alloc(h->iommufd);
	h->shadow = ioas_alloc(h->iommufd);
	mock.id = h->ioas;
	TEST_ASSERT(!ioctl(h->iommufd, IOMMU_TEST_CMD, &mock), "mock device");
	h->stdev = mock.mock_domain.out_stdev_id;
	h->dev = mock.mock_domain.out_idev_id;
	hwpt.dev_id = h->dev;
	hwpt.pt_id = h->ioas;
	TEST_ASSERT(!ioctl(h->iommufd, IOMMU_HWPT_ALLOC, &hwpt), "nesting parent");
	h->parent = hwpt.out_hwpt_id;
}

/* IOMMU_IOAS_MAP of @len bytes at @uva to a fixed @iova. */
static inline int ioas_map(int fd, uint32_t ioas, uint64_t iova, void *uva, uint64_t len)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		.ioas_id = ioas, .user_va = (uintptr_t)uva, .length = len, .iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &cmd) ? errno : 0;
}

/* IOMMU_IOAS_UNMAP: the bytes unmapped, or -errno. */
static inline int64_t ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova, .length = len,
	};

	return ioctl(fd, IOMMU_IOAS_UNMAP, &cmd) ? -errno : (int64_t)cmd.length;
}

static inline int destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd) ? errno : 0;
}

/* The mock's check that IOTLB slot @slot of the nested HWPT @hwpt holds @val. */
static inline int check_iotlb(int fd, uint32_t hwpt, uint32_t slot, uint32_t val)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.id = hwpt,
		.check_iotlb = { .id = slot, .iotlb = val },
	};

	return ioctl(fd, IOMMU_TEST_CMD, &cmd) ? errno : 0;
}

/* The mock's check that @hwpt maps [@iova, @iova + @len) to @hva. */
static inline int check_map(int fd, uint32_t hwpt, uint64_t iova, uint64_t len, void *hva)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = (uintptr_t)hva },
	};

	return ioctl(fd, IOMMU_TEST_CMD, &cmd) ? errno : 0;
}

/* KVM_DEV_VTD_DEVICE_ATTACH of @h's device as @sid, with @pasid_bits PASID bits. */
static inline int dev_attach_pasids(int vfd, const struct host *h, uint16_t sid,
				    uint8_t pasid_bits)
{
	struct kvm_vtd_device d = {
		.size = sizeof(d),
		.sid = sid,
		.pasid_bits = pasid_bits,
		.iommufd = h->iommufd,
		.dev_id = h->dev,
		.parent_hwpt_id = h->parent,
		.shadow_ioas_id = h->shadow,
	};

	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_DEVICE,
				     KVM_DEV_VTD_DEVICE_ATTACH, &d) ? errno : 0;
}

static inline int dev_attach(int vfd, const struct host *h, uint16_t sid)
{
	return dev_attach_pasids(vfd, h, sid, 0);
}

static inline int dev_detach(int vfd, uint16_t sid)
{
	struct kvm_vtd_device d = { .size = sizeof(d), .sid = sid };

	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_DEVICE,
				     KVM_DEV_VTD_DEVICE_DETACH, &d) ? errno : 0;
}

static inline struct kvm_vtd_device_state dev_state(int vfd, uint16_t sid)
{
	struct kvm_vtd_device_state st = { .sid = sid };

	kvm_device_attr_get(vfd, KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_STATE, &st);
	return st;
}

/* Up to 16 of @sid's cached PASIDs from @first: how many, or -errno; *total of all. */
static inline int dev_pasids(int vfd, uint16_t sid, uint32_t first,
			     struct kvm_vtd_pasid_info *e, uint32_t nr, uint32_t *total)
{
	struct {
		struct kvm_vtd_device_pasids hdr;
		struct kvm_vtd_pasid_info e[16];
	} a = { .hdr = { .sid = sid, .first = first, .nr = nr } };

	TEST_ASSERT(nr <= 16, "nr");
	*total = 0;
	if (__kvm_device_attr_get(vfd, KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_PASIDS, &a))
		return -errno;
	memcpy(e, a.e, a.hdr.nr * sizeof(*e));
	*total = a.hdr.total;
	return a.hdr.nr;
}

#endif /* _SELFTEST_VTD_VMM_H */
