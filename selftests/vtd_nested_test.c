// SPDX-License-Identifier: GPL-2.0
/*
 * Assigned devices, nested: a guest's first-stage PASID entry becomes a
 * nested HWPT on the VMM's nesting parent (the iommufd test mock), and the
 * guest's queue drains become one invalidation call each, in the guest's own
 * exits.  The mock's test ops say what the host IOMMU holds.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/vtd_assigned.h"

/* The guest's first-stage tables; the host reads their addresses. */
static uint64_t fs_a, fs_b;

/*
 * Scalable mode: RID_PASID 0 of SID is first stage (domain DID) on table
 * fs_a, translation and the 256-bit queue on.  Returns the PASID entry.
 */
static uint64_t *fs_setup(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), pdir = alloc_table();
	uint64_t ptbl = alloc_table(), *pe = tva(ptbl);
	uint64_t *ce = tva(ctx) + (SID & 0x7f) * 4;

	queue = pool_queue(32);
	fs_a = alloc_table();
	fs_b = alloc_table();
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | BIT_ULL(3) | 1;			/* PASIDE, PDTS 0 */
	ce[1] = 0;					/* RID_PASID 0 */
	tva(pdir)[0] = ptbl | 1;
	pe[0] = (1 << 6) | 1;				/* PGTT first stage */
	pe[1] = DID;
	pe[2] = fs_a;
	vtd_enable(root | RTADDR_TTM_SM, queue | IQA_DW);
	return pe;
}

/*
 * The guest invalidates, points the entry at fs_b, makes it pass-through,
 * first stage again, and turns translation off and on.
 */
static void guest_nested(void)
{
	uint64_t *pe = fs_setup();
	int i;

	GUEST_SYNC(1);

	vtd_gq_push(&gq, PIOTLB(DID, 0), 0x1000);		/* PSI, page 1 */
	vtd_gq_wait(&gq);
	GUEST_SYNC(2);

	for (i = 0; i < 64; i++)
		vtd_gq_push(&gq, PIOTLB(DID, 0), (uint64_t)i << 12);
	vtd_gq_wait(&gq);
	GUEST_SYNC(3);

	pe[2] = fs_b;
	vtd_gq_push(&gq, PC_PASID(DID, 0), 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(4);

	vtd_gq_push(&gq, PC_PASID(DID, 0), 0);		/* nothing changed */
	vtd_gq_push(&gq, PIOTLB(DID + 1, 0), 0);		/* another domain */
	vtd_gq_push(&gq, PIOTLB(DID, 1), 0);			/* another PASID */
	vtd_gq_push(&gq, IOTLB_DSI(DID + 1), 0);		/* IOTLB, another domain */
	vtd_gq_wait(&gq);
	GUEST_SYNC(5);

	/* An IOTLB (not PASID-IOTLB) page-selective one of the domain. */
	vtd_gq_push(&gq, IOTLB_PSI(DID), 1ull << 30);
	vtd_gq_wait(&gq);
	GUEST_SYNC(6);

	pe[0] = (4 << 6) | 1;				/* pass-through */
	vtd_gq_push(&gq, PC_PASID(DID, 0), 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(7);

	pe[0] = (1 << 6) | 1;
	pe[2] = fs_a;
	vtd_gq_push(&gq, PC_PASID(DID, 0), 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(8);

	wr32(R, GCMD, GCMD_QIE);			/* translation off */
	GUEST_ASSERT(!(rd32(R, GSTS) & GSTS_TES));
	GUEST_SYNC(9);

	wr32(R, GCMD, GCMD_TE | GCMD_QIE);
	GUEST_SYNC(10);
	GUEST_DONE();
}

/*
 * Device-TLB invalidations (ECAP.DT) for a device on a nested HWPT, as a
 * driver with ATS queues them: they join the drain's host invalidation.
 */
static void guest_nested_devtlb(void)
{
	fs_setup();
	GUEST_SYNC(1);

	/* PASID-IOTLB and PASID device-TLB of the same page. */
	vtd_gq_push(&gq, PIOTLB(DID, 0), 0x1000);
	vtd_gq_push(&gq, PDEVTLB(SID, 0), 0x1000);
	vtd_gq_wait(&gq);
	GUEST_SYNC(2);

	/* A device-TLB invalidation alone, without PASID (RID_PASID). */
	vtd_gq_push(&gq, DEVTLB(SID), 0x2000);
	vtd_gq_wait(&gq);
	GUEST_SYNC(3);

	/* Another device, another PASID: not this device's host domain. */
	vtd_gq_push(&gq, DEVTLB(SID + 1), 0x3000);
	vtd_gq_push(&gq, PDEVTLB(SID, 1), 0x3000);
	vtd_gq_wait(&gq);
	GUEST_SYNC(4);

	/* Every PASID, every address. */
	vtd_gq_push(&gq, PDEVTLB(SID, 1), DEVTLB_S_ALL | BIT_ULL(11) | PDEVTLB_G);
	vtd_gq_wait(&gq);
	GUEST_SYNC(5);
	GUEST_DONE();
}

TEST(nested)
{
	struct iommu_test_cmd rep = {
		.size = sizeof(rep),
		.op = IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE,
	};
	struct kvm_vtd_device_state st;
	uint32_t n1, n2, n3, a, b;
	struct fixture f;
	uint64_t calls;

	setup(&f, guest_nested, ECAP_NESTED_GUEST);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, st.mode);
	ASSERT_EQ(f.h.parent, st.hwpt_id);

	/* Translation on: a nested HWPT from the PASID entry, attached. */
	run_stage(&f.t, 1);
	sync_global_from_guest(f.t.vm, fs_a);
	sync_global_from_guest(f.t.vm, fs_b);
	a = fs_a >> 12;
	b = fs_b >> 12;
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, st.mode);
	n1 = st.hwpt_id;
	ASSERT_NE(f.h.parent, n1);
	assert_iotlb(&f, n1, a, a, a, a);
	ASSERT_EQ(EBUSY, destroy(f.h.iommufd, n1));	/* the device is on it */
	ASSERT_EQ(EBUSY, destroy(f.h.iommufd, f.h.parent));
	/*
	 * The unit holds the shadow IOAS too, unused as it is now: its ID
	 * cannot be destroyed and come to name another IOAS meanwhile.
	 */
	ASSERT_EQ(EBUSY, destroy(f.h.iommufd, f.h.shadow));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS));

	/* One page: one entry, one slot. */
	run_stage(&f.t, 2);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n1, a, 0, a, a);

	/* 64 descriptors, one drain: one host call with 64 entries. */
	run_stage(&f.t, 3);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(65, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n1, 0, 0, 0, 0);

	/* A new table pointer: a new HWPT replaces the old, which is gone. */
	run_stage(&f.t, 4);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, st.mode);
	n2 = st.hwpt_id;
	ASSERT_NE(n1, n2);
	assert_iotlb(&f, n2, b, b, b, b);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n1));
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_HWPT_DESTROYS));

	/* Unchanged entry, other domain, other PASID: no host call at all. */
	calls = stat(&f, KVM_VTD_STAT_HOST_ATTACHES);
	run_stage(&f.t, 5);
	ASSERT_EQ(n2, dev_state(f.t.fd, SID).hwpt_id);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS));
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(calls, stat(&f, KVM_VTD_STAT_HOST_ATTACHES));
	assert_iotlb(&f, n2, b, b, b, b);

	/*
	 * An IOTLB descriptor of the domain covers its first-stage mappings
	 * whatever the address: the whole nested HWPT, in one call.
	 */
	run_stage(&f.t, 6);
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(66, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n2, 0, 0, 0, 0);

	/* Pass-through: the parent, and the nested HWPT destroyed. */
	run_stage(&f.t, 7);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, st.mode);
	ASSERT_EQ(f.h.parent, st.hwpt_id);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n2));

	run_stage(&f.t, 8);
	n3 = dev_state(f.t.fd, SID).hwpt_id;
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, dev_state(f.t.fd, SID).mode);
	assert_iotlb(&f, n3, a, a, a, a);

	/* Translation off: the parent. */
	run_stage(&f.t, 9);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.t.fd, SID).mode);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n3));

	run_stage(&f.t, 10);
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, dev_state(f.t.fd, SID).mode);
	n3 = dev_state(f.t.fd, SID).hwpt_id;
	run_stage(&f.t, -1);

	/* Reset: the parent, nothing of the unit's left in the iommufd. */
	ASSERT_EQ(0, __kvm_device_attr_set(f.t.fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL));
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.t.fd, SID).mode);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n3));
	ASSERT_EQ(stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS),
		  stat(&f, KVM_VTD_STAT_HOST_HWPT_DESTROYS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	ASSERT_EQ(ENOENT, dev_detach(f.t.fd, SID));

	/* The VMM moves the device off the parent: the parent is free. */
	rep.id = f.h.stdev;
	rep.mock_domain_replace.pt_id = f.h.ioas;
	ASSERT_EQ(0, ioctl(f.h.iommufd, IOMMU_TEST_CMD, &rep));
	ASSERT_EQ(0, destroy(f.h.iommufd, f.h.parent));
	ASSERT_EQ(0, destroy(f.h.iommufd, f.h.shadow));
	fixture_free(&f);
}

TEST(nested_devtlb)
{
	uint32_t n, a;
	struct fixture f;

	setup(&f, guest_nested_devtlb, ECAP_NESTED_GUEST | ECAP_DT);
	run_stage(&f.t, 1);
	sync_global_from_guest(f.t.vm, fs_a);
	a = fs_a >> 12;
	n = dev_state(f.t.fd, SID).hwpt_id;
	assert_iotlb(&f, n, a, a, a, a);

	/* The device-TLB range is the PASID-IOTLB one: one entry. */
	run_stage(&f.t, 2);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n, a, 0, a, a);

	run_stage(&f.t, 3);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n, a, 0, 0, a);

	run_stage(&f.t, 4);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	assert_iotlb(&f, n, a, 0, 0, a);

	run_stage(&f.t, 5);
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	assert_iotlb(&f, n, 0, 0, 0, 0);
	run_stage(&f.t, -1);

	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_DEVTLB_INVALIDATIONS));
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_PDEVTLB_INVALIDATIONS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	ASSERT_EQ(n, dev_state(f.t.fd, SID).hwpt_id);
	fixture_free(&f);
}

TEST_HARNESS_MAIN
