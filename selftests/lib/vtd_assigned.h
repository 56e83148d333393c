/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Assigned-device tests (vtd_nested_test, vtd_pasid_test, vtd_shadow_test,
 * vtd_vmm_test): a VM with a table pool and a data memslot the device's DMA
 * reaches, a unit, and the iommufd test mock's device attached as SID; the
 * guest's legacy-mode setup with a second-stage table, and the standard
 * shadowed guest several tests step through.
 */
#ifndef _SELFTEST_VTD_ASSIGNED_H
#define _SELFTEST_VTD_ASSIGNED_H

#include "lib/vtd_guest_vm.h"
#include "lib/vtd_vmm.h"

#define POOL_GPA	0x10000000ull	/* guest tables and queue */
#define POOL_SLOT	1
#define POOL_PAGES	64
#define DATA_GPA	0x20000000ull	/* what the device's DMA reaches */
#define DATA_SLOT	2
#define DATA_PAGES	1024
#define SID		0x0010		/* 00:02.0 */
#define DID		2
#define IOVA		0x1000000ull	/* the mock's aperture starts at 16 MiB */
#define IOVA2		0x2000000ull
#define IOVA3		0x3000000ull
#define SZ_1M		0x100000ull
#define SZ_2M		0x200000ull
/* What one exit may do (VTD_EXIT_WORK): a leaf 1, a page or host call 16. */
#define EXIT_WORK	4096
#define ECAP_NESTED_GUEST	(ECAP_SMTS | ECAP_FLTS | ECAP_SLTS | ECAP_PASID | ECAP_PSS(19) | \
				 ECAP_PT)

/* The guest's queue ring (pool_queue()). */
static uint64_t queue;

/* Write the PASID table entry of @pasid under directory @pdir. */
static inline void set_pe_at(uint64_t pdir, uint32_t pasid, uint64_t q0, uint64_t did,
			     uint64_t q2)
{
	set_pe(pasid_entry(pdir, pasid), q0, did, q2);
}

/*
 * Legacy mode: a root table for bus 0 whose context entry for SID points at
 * the 4-level second-stage table @l4 in domain DID, a queue and a status
 * page.  Returns the root table and SID's context entry.
 */
static inline uint64_t legacy_setup(uint64_t l4, uint64_t **ce)
{
	uint64_t root = alloc_table(), ctx = alloc_table();

	*ce = tva(ctx) + (SID & 0xff) * 2;
	queue = pool_queue(16);
	tva(root)[0] = ctx | 1;
	(*ce)[0] = l4 | 1;
	(*ce)[1] = 2 | (DID << 8);			/* AW 48-bit */
	return root;
}

/* Legacy mode, @n pages of DATA mapped from IOVA on, translation on. */
static inline uint64_t shadow_start(int n, uint64_t **ce)
{
	uint64_t l4 = alloc_table(), root = legacy_setup(l4, ce);
	int i;

	for (i = 0; i < n; i++)
		ss_map(l4, IOVA + i * 4096ull, DATA_GPA + i * 4096ull);
	vtd_enable(root, queue);
	return l4;
}

/* The guest's unmap(): clear the leaf, invalidate the page, wait. */
static inline void shadow_unmap_page(uint64_t l4, uint64_t iova)
{
	ss_unmap(l4, iova);
	vtd_gq_push(&gq, IOTLB_PSI(DID), iova);
	vtd_gq_wait(&gq);
}

/*
 * Legacy mode: SID's context entry points at a 4-level second-stage table
 * that maps 512 contiguous pages; the guest unmaps one and maps another
 * with page-selective invalidations, rewrites the whole table and
 * invalidates the context, then clears the context entry.
 */
static inline void guest_shadow(void)
{
	uint64_t *ce, l4 = shadow_start(512, &ce);

	GUEST_SYNC(1);
	shadow_unmap_page(l4, IOVA + 5 * 4096);
	GUEST_SYNC(2);

	ss_map(l4, IOVA2, DATA_GPA + 600 * 4096ull);
	vtd_gq_push(&gq, IOTLB_PSI(DID + 1), IOVA2);		/* another domain */
	vtd_gq_wait(&gq);
	GUEST_SYNC(3);
	vtd_gq_push(&gq, IOTLB_PSI(DID), IOVA2);
	vtd_gq_wait(&gq);
	GUEST_SYNC(4);

	/* A new table, without invalidating the old mappings page by page. */
	l4 = alloc_table();
	ss_map(l4, IOVA3, DATA_GPA + 700 * 4096ull);
	ce[0] = l4 | 1;
	vtd_gq_push(&gq, CC_DEVICE(DID, SID), 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(5);

	ce[0] = 0;
	vtd_gq_push(&gq, CC_DEVICE(DID, SID), 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(6);
	GUEST_DONE();
}

/* A VM with the pool, the data memslot, a unit and the mock device attached as SID. */
struct fixture {
	struct vtd_vm t;
	struct host h;
};

/*
 * A VM and a unit with the default ECAP plus @ecap, the device attached
 * with @pasid_bits PASID bits (0: none).
 */
static inline void setup_pasids(struct fixture *f, void *guest, uint64_t ecap, uint8_t pasid_bits)
{
	vtd_vm_new(&f->t, guest);
	vtd_vm_pool(&f->t, POOL_GPA, POOL_SLOT, POOL_PAGES);
	vm_userspace_mem_region_add(f->t.vm, VM_MEM_SRC_ANONYMOUS, DATA_GPA, DATA_SLOT,
				    DATA_PAGES, 0);
	host_setup(&f->h, 0);
	/* Attaching needs an initialized unit. */
	TEST_ASSERT_EQ(EBUSY, dev_attach(f->t.fd, &f->h, SID));
	vtd_vm_init_add(&f->t, 0, ecap);
	TEST_ASSERT_EQ(0, dev_attach_pasids(f->t.fd, &f->h, SID, pasid_bits));
}

static inline void setup(struct fixture *f, void *guest, uint64_t ecap)
{
	setup_pasids(f, guest, ecap, 0);
}

static inline void fixture_free(struct fixture *f)
{
	vtd_vm_free(&f->t);
	if (f->h.iommufd >= 0)
		close(f->h.iommufd);
}

static inline uint64_t stat(struct fixture *f, int idx)
{
	return vtd_stat(f->t.fd, idx);
}

/* Every slot of the nested mock domain @hwpt holds @val. */
static inline void assert_iotlb(struct fixture *f, uint32_t hwpt, uint32_t v0, uint32_t v1,
				uint32_t v2, uint32_t v3)
{
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 0, v0));
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 1, v1));
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 2, v2));
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 3, v3));
}

#endif /* _SELFTEST_VTD_ASSIGNED_H */
