// SPDX-License-Identifier: GPL-2.0
/*
 * Assigned devices: a guest programs its vIOMMU for a device that the VMM
 * bound in an iommufd (the iommufd test mock, CONFIG_IOMMUFD_TEST), and the
 * host attachment follows in the guest's own exits: a nested HWPT built
 * from a first-stage PASID entry and invalidated in one call per queue
 * drain, the nesting parent for pass-through or translation off, a shadow
 * IOAS that mirrors second-stage tables.  The mock's test ops say what the
 * host IOMMU holds; the only exits are the guest's ucalls.
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/iommufd.h>

#include "iommufd_test.h"
#include "kselftest_harness.h"
#include "processor.h"
#include "lib/vtd_queue.h"
#include "vtd_util.h"

#define R		VTD_GPA
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
#define ADDR_MASK	0x000ffffffffff000ull
#define SZ_1M		0x100000ull
#define SZ_2M		0x200000ull
/* What one exit may do (VTD_EXIT_WORK): a leaf 1, a page or host call 16. */
#define EXIT_WORK	4096

/* Shared with the host. */
static uint64_t next_table, queue;
static struct vtd_gq gq;
static uint64_t fs_a, fs_b;

static uint64_t *tva(uint64_t gpa)
{
	return (uint64_t *)gpa;		/* the pool is identity-mapped */
}

static uint64_t alloc_table(void)
{
	GUEST_ASSERT(next_table < POOL_PAGES);
	return POOL_GPA + 4096 * next_table++;
}

/* A one-page queue of @dsize-byte descriptors and its status word, from the pool. */
static uint64_t queue_setup(uint32_t dsize)
{
	uint64_t ring = alloc_table(), status = alloc_table();

	gq = (struct vtd_gq) {
		.regs = R, .ring = tva(ring), .size = 4096, .dsize = dsize,
		.status = (uint32_t *)status, .status_gpa = status,
	};
	return ring;
}

static void enable(uint64_t rtaddr, uint64_t iqa)
{
	int i;

	wr64(R, RTADDR, rtaddr);
	wr32(R, GCMD, GCMD_SRTP);
	for (i = 0; i < 1000 && !(rd32(R, GSTS) & GSTS_RTPS); i++)
		;
	wr64(R, IQT, 0);
	wr64(R, IQA, iqa);
	wr32(R, GCMD, GCMD_QIE);
	for (i = 0; i < 1000 && !(rd32(R, GSTS) & GSTS_QIES); i++)
		;
	wr32(R, GCMD, GCMD_TE | GCMD_QIE);
	for (i = 0; i < 1000 && !(rd32(R, GSTS) & GSTS_TES); i++)
		;
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_TES | GSTS_QIES);
}

/*
 * Scalable mode: RID_PASID 0 of SID is first stage (domain DID) on table
 * fs_a, translation and the 256-bit queue on.  Returns the PASID entry.
 */
static uint64_t *fs_setup(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), pdir = alloc_table();
	uint64_t ptbl = alloc_table(), *pe = tva(ptbl);
	uint64_t *ce = tva(ctx) + (SID & 0x7f) * 4;

	queue = queue_setup(32);
	fs_a = alloc_table();
	fs_b = alloc_table();
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | BIT_ULL(3) | 1;			/* PASIDE, PDTS 0 */
	ce[1] = 0;					/* RID_PASID 0 */
	tva(pdir)[0] = ptbl | 1;
	pe[0] = (1 << 6) | 1;				/* PGTT first stage */
	pe[1] = DID;
	pe[2] = fs_a;
	enable(root | RTADDR_TTM_SM, queue | IQA_DW);
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

#define DID2			5
#define DID3			6

/* The PASID table entry of @pasid under the directory @pdir. */
static uint64_t *pasid_entry(uint64_t pdir, uint32_t pasid)
{
	uint64_t *de = &tva(pdir)[pasid >> 6];

	if (!(*de & 1))
		*de = alloc_table() | 1;
	return tva(*de & ADDR_MASK) + (pasid & 63) * 8;
}

static void set_pasid(uint64_t pdir, uint32_t pasid, uint64_t q0, uint64_t did, uint64_t q2)
{
	uint64_t *pe = pasid_entry(pdir, pasid);

	pe[2] = q2;
	pe[1] = did;
	pe[0] = q0;
}

/*
 * The device's PASID cache: PASIDs in several directory entries, some
 * beyond the context's PDTS or the device's 14 PASID bits, changed and
 * invalidated with every PASID-cache granularity, right and wrong DIDs.
 */
static void guest_pasid_cache(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), pdir = alloc_table();
	uint64_t *ce = tva(ctx) + (SID & 0x7f) * 4;
	uint64_t ss = alloc_table();

	queue = queue_setup(32);
	fs_a = alloc_table();
	fs_b = alloc_table();
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | BIT_ULL(3) | 1;			/* PASIDE, PDTS 0: 8192 */
	set_pasid(pdir, 0, (1 << 6) | 1, DID, fs_a);	/* RID_PASID: first stage */
	set_pasid(pdir, 5, (1 << 6) | 1, DID, fs_a | 1);	/* SRE */
	set_pasid(pdir, 130, ss | (2 << 6) | (2 << 2) | 1, DID2, 0);
	set_pasid(pdir, 6400, (4 << 6) | 1, DID, 0);	/* pass-through */
	set_pasid(pdir, 8320, (1 << 6) | 1, DID, fs_b);	/* beyond PDTS 0 */
	set_pasid(pdir, 17000, (1 << 6) | 1, DID, fs_b);	/* beyond 2^14 */
	set_pasid(pdir, 7, (1 << 6) | BIT(10) | 1, DID, fs_a);	/* reserved bit */
	enable(root | RTADDR_TTM_SM, queue | IQA_DW);
	GUEST_SYNC(1);

	/* PDTS 2 (32768): 8320 now counts, 17000 is beyond the device. */
	ce[0] = pdir | (2 << 9) | BIT_ULL(3) | 1;
	vtd_gq_push(&gq, CC_DEVICE(0, SID), 0);
	vtd_gq_push(&gq, PC_GLOBAL, 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(2);

	/* Domain-selective: 130 moved to DID3 goes; 5 (DID) stays as cached. */
	pasid_entry(pdir, 130)[1] = DID3;
	pasid_entry(pdir, 5)[2] = fs_b;
	vtd_gq_push(&gq, PC_DOMAIN(DID2), 0);
	vtd_gq_push(&gq, PC_PASID(DID2, 5), 0);		/* wrong domain */
	vtd_gq_wait(&gq);
	GUEST_SYNC(3);

	/* PASID-selective: 5 updated, 6400 cleared goes, 130 back in DID3. */
	pasid_entry(pdir, 6400)[0] = 0;
	vtd_gq_push(&gq, PC_PASID(DID, 5), 0);
	vtd_gq_push(&gq, PC_PASID(DID, 6400), 0);
	vtd_gq_push(&gq, PC_PASID(DID3, 130), 0);
	vtd_gq_wait(&gq);
	GUEST_SYNC(4);

	wr32(R, GCMD, GCMD_QIE);			/* translation off */
	GUEST_SYNC(5);
	wr32(R, GCMD, GCMD_TE | GCMD_QIE);
	GUEST_SYNC(6);
	GUEST_DONE();
}

/* Second stage, 4 levels, table for table: the guest's own map(). */
static void ss_map(uint64_t l4, uint64_t iova, uint64_t gpa)
{
	uint64_t table = l4, *t;
	int level, idx;

	for (level = 4; level > 1; level--) {
		t = tva(table);
		idx = (iova >> (12 + 9 * (level - 1))) & 511;
		if (!(t[idx] & 3))
			t[idx] = alloc_table() | 3;
		table = t[idx] & ADDR_MASK;
	}
	tva(table)[(iova >> 12) & 511] = gpa | 3;
}

static void ss_unmap(uint64_t l4, uint64_t iova)
{
	uint64_t table = l4;
	int level;

	for (level = 4; level > 1; level--)
		table = tva(table)[(iova >> (12 + 9 * (level - 1))) & 511] & ADDR_MASK;
	tva(table)[(iova >> 12) & 511] = 0;
}

/*
 * Legacy mode: SID's context entry points at a 4-level second-stage table
 * that maps 512 contiguous pages; the guest unmaps one and maps another
 * with page-selective invalidations, rewrites the whole table and
 * invalidates the context, then clears the context entry.
 */
/*
 * Legacy mode: a root table for bus 0 whose context entry for SID points at
 * the 4-level second-stage table @l4 in domain DID, a queue and a status
 * page.  Returns the root table and SID's context entry.
 */
static uint64_t legacy_setup(uint64_t l4, uint64_t **ce)
{
	uint64_t root = alloc_table(), ctx = alloc_table();

	*ce = tva(ctx) + (SID & 0xff) * 2;
	queue = queue_setup(16);
	tva(root)[0] = ctx | 1;
	(*ce)[0] = l4 | 1;
	(*ce)[1] = 2 | (DID << 8);			/* AW 48-bit */
	return root;
}

/* Legacy mode, @n pages of DATA mapped from IOVA on, translation on. */
static uint64_t shadow_start(int n, uint64_t **ce)
{
	uint64_t l4 = alloc_table(), root = legacy_setup(l4, ce);
	int i;

	for (i = 0; i < n; i++)
		ss_map(l4, IOVA + i * 4096ull, DATA_GPA + i * 4096ull);
	enable(root, queue);
	return l4;
}

/* The guest's unmap(): clear the leaf, invalidate the page, wait. */
static void shadow_unmap_page(uint64_t l4, uint64_t iova)
{
	ss_unmap(l4, iova);
	vtd_gq_push(&gq, IOTLB_PSI(DID), iova);
	vtd_gq_wait(&gq);
}

static void guest_shadow(void)
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

/*
 * Hostile: a 4-level table whose top-level entries 1-511 all point at one
 * page of 512 1 GiB leaves aimed where no memslot is (256 TiB of IOVA
 * claimed), and entry 0 at a table with one 1 GiB leaf over guest memory
 * at IOVA 1 GiB.  Translation on makes the unit shadow all of it at once.
 */
#define UNBACKED_GPA	BIT_ULL(45)
#define GIB		BIT_ULL(30)

static void guest_shadow_unbacked(void)
{
	uint64_t l4 = alloc_table(), *ce, root = legacy_setup(l4, &ce);
	uint64_t l3 = alloc_table(), hostile = alloc_table();
	int i;

	tva(l4)[0] = l3 | 3;
	tva(l3)[1] = 0 | BIT_ULL(7) | 3;		/* IOVA 1 GiB -> GPA 0 */
	for (i = 1; i < 512; i++)
		tva(l4)[i] = hostile | 3;
	for (i = 0; i < 512; i++)
		tva(hostile)[i] = (UNBACKED_GPA + i * GIB) | BIT_ULL(7) | 3;
	enable(root, queue);
	GUEST_SYNC(1);
	/* Each access goes on with the shadow where the last one stopped. */
	for (i = 0; i < 200; i++)
		rd32(R, FSTS);
	GUEST_SYNC(2);
	GUEST_DONE();
}

/*
 * 4 MiB of 4 KiB leaves at a 2 MiB-aligned IOVA (two shadow windows), then
 * one page unmapped with a page-selective invalidation.
 */
static void guest_shadow_window(void)
{
	uint64_t *ce, l4 = shadow_start(1024, &ce);

	GUEST_SYNC(1);
	shadow_unmap_page(l4, IOVA + 700 * 4096);
	GUEST_SYNC(2);
	GUEST_DONE();
}

/*
 * 16 pages of DATA at IOVA and 16 of a third memslot at IOVA + 1 MiB, which
 * the VMM deletes after stage 1; then the guest aims the same IOVAs at DATA.
 */
#define EXTRA_GPA	0x30000000ull
#define EXTRA_SLOT	3
#define EXTRA_PAGES	16

static void guest_shadow_memslot(void)
{
	uint64_t l4 = alloc_table(), *ce, root = legacy_setup(l4, &ce);
	int i;

	for (i = 0; i < 16; i++) {
		ss_map(l4, IOVA + i * 4096ull, DATA_GPA + i * 4096ull);
		ss_map(l4, IOVA + SZ_1M + i * 4096ull, EXTRA_GPA + i * 4096ull);
	}
	enable(root, queue);
	GUEST_SYNC(1);
	/* The memslot is gone: an access re-walks what it backed. */
	rd32(R, FSTS);
	GUEST_SYNC(2);
	for (i = 0; i < 16; i++)
		ss_map(l4, IOVA + SZ_1M + i * 4096ull, DATA_GPA + (100 + i) * 4096ull);
	vtd_gq_push(&gq, IOTLB_PSI(DID), (IOVA + SZ_1M) | 4);	/* AM 4: 16 pages */
	vtd_gq_wait(&gq);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/* The polls of the guest's last wait (vtd_gq_wait_poll()); the host reads it. */
static uint32_t polls;

/*
 * A PASID directory of 4096 entries (PDTS 5) all aimed at one table with
 * PASID 1 present: 4096 PASIDs, 4104 pages to read for one sync, more than
 * one exit may read.
 */
#define PASID_TABLES	4096

static void guest_pasid_budget(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), pdir = alloc_table(), ptbl;
	uint64_t *ce = tva(ctx) + (SID & 0x7f) * 4;
	int i;

	for (i = 1; i < PASID_TABLES / 512; i++)
		alloc_table();				/* the directory's other pages */
	ptbl = alloc_table();
	queue = queue_setup(32);
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | (5 << 9) | BIT_ULL(3) | 1;	/* PASIDE, PDTS 5 */
	for (i = 0; i < PASID_TABLES; i++)
		tva(pdir)[i] = ptbl | 1;
	tva(ptbl)[8] = (4 << 6) | 1;			/* PASID 1: pass-through */
	tva(ptbl)[9] = DID;
	enable(root | RTADDR_TTM_SM, queue | IQA_DW);
	GUEST_SYNC(1);
	for (i = 0; i < 100; i++)
		rd32(R, FSTS);
	GUEST_SYNC(2);
	vtd_gq_push(&gq, PC_GLOBAL, 0);
	polls = vtd_gq_wait_poll(&gq, 100000);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/*
 * 64 devices on bus 1 in legacy mode, each shadowing one page, and a queue
 * of 16383 global context-cache or IOTLB invalidations, alternating, each
 * followed by a wait: every wait re-evaluates all 64 devices, or unmaps
 * and re-maps all of them.  The guest polls POLLS times and stops looking.
 */
#define NDEV		64
#define SID_BUS1(i)	(0x100 + (i))
#define QUEUE_GPA	0x40000000ull
#define QUEUE_SLOT	4
#define QUEUE_PAGES	128			/* IQA.QS 7: 32768 descriptors */
#define NWAITS		16383
#define POLLS		200

static void guest_many_waits(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), l4 = alloc_table();
	uint64_t status_gpa = alloc_table(), *q = tva(QUEUE_GPA);
	uint32_t *status = (uint32_t *)status_gpa;
	int i;

	tva(root)[2] = ctx | 1;				/* bus 1 */
	for (i = 0; i < NDEV; i++) {
		tva(ctx)[2 * i] = l4 | 1;
		tva(ctx)[2 * i + 1] = 2 | (DID << 8);
	}
	ss_map(l4, IOVA, DATA_GPA);
	enable(root, QUEUE_GPA | 7);
	GUEST_SYNC(1);

	for (i = 0; i < NWAITS; i++) {
		/* Context cache or IOTLB, global: re-read, or unmap and re-map. */
		q[4 * i] = i & 1 ? IOTLB_GLOBAL : CC_GLOBAL;
		q[4 * i + 1] = 0;
		q[4 * i + 2] = WAIT_SW(i + 1);
		q[4 * i + 3] = status_gpa;
	}
	wr64(R, IQT, NWAITS * 32ull);
	for (polls = 0; polls < POLLS && READ_ONCE(*status) != NWAITS; polls++)
		GUEST_ASSERT(!(rd32(R, FSTS) & FSTS_IQE));
	GUEST_SYNC(2);
	GUEST_DONE();
}

/* The VMM's side: an iommufd with a mock device, a parent and a shadow IOAS. */
struct host {
	int iommufd;
	uint32_t ioas, shadow, stdev, dev, parent;
};

static uint32_t ioas_alloc(int fd)
{
	struct iommu_ioas_alloc cmd = { .size = sizeof(cmd) };

	TEST_ASSERT(!ioctl(fd, IOMMU_IOAS_ALLOC, &cmd), "IOMMU_IOAS_ALLOC");
	return cmd.out_ioas_id;
}

/* @pad IOASes first, so that object IDs differ between iommufds. */
static void host_setup(struct host *h, int pad)
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
static int ioas_map(int fd, uint32_t ioas, uint64_t iova, void *uva, uint64_t len)
{
	struct iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE,
		.ioas_id = ioas, .user_va = (uintptr_t)uva, .length = len, .iova = iova,
	};

	return ioctl(fd, IOMMU_IOAS_MAP, &cmd) ? errno : 0;
}

/* IOMMU_IOAS_UNMAP: the bytes unmapped, or -errno. */
static int64_t ioas_unmap(int fd, uint32_t ioas, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_unmap cmd = {
		.size = sizeof(cmd), .ioas_id = ioas, .iova = iova, .length = len,
	};

	return ioctl(fd, IOMMU_IOAS_UNMAP, &cmd) ? -errno : (int64_t)cmd.length;
}

static int destroy(int fd, uint32_t id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd) ? errno : 0;
}

static int check_iotlb(int fd, uint32_t hwpt, uint32_t slot, uint32_t val)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.id = hwpt,
		.check_iotlb = { .id = slot, .iotlb = val },
	};

	return ioctl(fd, IOMMU_TEST_CMD, &cmd) ? errno : 0;
}

static int check_map(int fd, uint32_t hwpt, uint64_t iova, uint64_t len, void *hva)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = (uintptr_t)hva },
	};

	return ioctl(fd, IOMMU_TEST_CMD, &cmd) ? errno : 0;
}

/* The PASID width the next dev_attach() gives the device. */
static uint8_t dev_pasid_bits;

static int dev_attach(int vfd, const struct host *h, uint16_t sid)
{
	struct kvm_vtd_device d = {
		.size = sizeof(d),
		.sid = sid,
		.pasid_bits = dev_pasid_bits,
		.iommufd = h->iommufd,
		.dev_id = h->dev,
		.parent_hwpt_id = h->parent,
		.shadow_ioas_id = h->shadow,
	};

	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_DEVICE,
				     KVM_DEV_VTD_DEVICE_ATTACH, &d) ? errno : 0;
}

static int dev_detach(int vfd, uint16_t sid)
{
	struct kvm_vtd_device d = { .size = sizeof(d), .sid = sid };

	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_DEVICE,
				     KVM_DEV_VTD_DEVICE_DETACH, &d) ? errno : 0;
}

static struct kvm_vtd_device_state dev_state(int vfd, uint16_t sid)
{
	struct kvm_vtd_device_state st = { .sid = sid };

	kvm_device_attr_get(vfd, KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_STATE, &st);
	return st;
}

struct fixture {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	int fd;
	struct host h;
};

#define ECAP_NESTED_GUEST	(ECAP_SMTS | ECAP_FLTS | ECAP_SLTS | ECAP_PASID | ECAP_PSS(19) | \
				 ECAP_PT)

/* A VM and a unit with the default ECAP plus @ecap, the device attached. */
static void setup(struct fixture *f, void *guest, uint64_t ecap)
{
	f->vm = vm_create_with_one_vcpu(&f->vcpu, guest);
	vm_userspace_mem_region_add(f->vm, VM_MEM_SRC_ANONYMOUS, POOL_GPA, POOL_SLOT,
				    POOL_PAGES, 0);
	vm_userspace_mem_region_add(f->vm, VM_MEM_SRC_ANONYMOUS, DATA_GPA, DATA_SLOT,
				    DATA_PAGES, 0);
	virt_map(f->vm, POOL_GPA, POOL_GPA, POOL_PAGES);
	virt_map(f->vm, VTD_GPA, VTD_GPA, 1);

	f->fd = __kvm_create_device(f->vm, KVM_DEV_TYPE_INTEL_VTD);
	TEST_ASSERT(f->fd >= 0, "create");
	if (ecap)
		TEST_ASSERT(!vtd_reg_set(f->fd, ECAP, vtd_reg_get(f->fd, ECAP) | ecap), "ECAP");
	host_setup(&f->h, 0);
	/* Attaching needs an initialized unit. */
	TEST_ASSERT_EQ(EBUSY, dev_attach(f->fd, &f->h, SID));
	TEST_ASSERT(!vtd_set_addr(f->fd, VTD_GPA) && !vtd_init(f->fd), "init");
	TEST_ASSERT_EQ(0, dev_attach(f->fd, &f->h, SID));
}

static void stage(struct fixture *f, int n)
{
	struct ucall uc;

	vcpu_run(f->vcpu);
	if (get_ucall(f->vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT(uc.cmd == UCALL_SYNC && uc.args[1] == n, "guest sync %d (exit %s)", n,
		    exit_reason_str(f->vcpu->run->exit_reason));
}

static void done(struct fixture *f)
{
	struct ucall uc;

	vcpu_run(f->vcpu);
	if (get_ucall(f->vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	TEST_ASSERT_EQ(UCALL_DONE, uc.cmd);
}

static uint64_t stat(struct fixture *f, int idx)
{
	return vtd_stat(f->fd, idx);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ull + ts.tv_nsec / 1000000;
}

/* Every slot of the nested mock domain @hwpt holds @val. */
static void assert_iotlb(struct fixture *f, uint32_t hwpt, uint32_t v0, uint32_t v1,
			 uint32_t v2, uint32_t v3)
{
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 0, v0));
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 1, v1));
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 2, v2));
	TEST_ASSERT_EQ(0, check_iotlb(f->h.iommufd, hwpt, 3, v3));
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
	st = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, st.mode);
	ASSERT_EQ(f.h.parent, st.hwpt_id);

	/* Translation on: a nested HWPT from the PASID entry, attached. */
	stage(&f, 1);
	sync_global_from_guest(f.vm, fs_a);
	sync_global_from_guest(f.vm, fs_b);
	a = fs_a >> 12;
	b = fs_b >> 12;
	st = dev_state(f.fd, SID);
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
	stage(&f, 2);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n1, a, 0, a, a);

	/* 64 descriptors, one drain: one host call with 64 entries. */
	stage(&f, 3);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(65, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n1, 0, 0, 0, 0);

	/* A new table pointer: a new HWPT replaces the old, which is gone. */
	stage(&f, 4);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, st.mode);
	n2 = st.hwpt_id;
	ASSERT_NE(n1, n2);
	assert_iotlb(&f, n2, b, b, b, b);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n1));
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_HWPT_DESTROYS));

	/* Unchanged entry, other domain, other PASID: no host call at all. */
	calls = stat(&f, KVM_VTD_STAT_HOST_ATTACHES);
	stage(&f, 5);
	ASSERT_EQ(n2, dev_state(f.fd, SID).hwpt_id);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS));
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(calls, stat(&f, KVM_VTD_STAT_HOST_ATTACHES));
	assert_iotlb(&f, n2, b, b, b, b);

	/*
	 * An IOTLB descriptor of the domain covers its first-stage mappings
	 * whatever the address: the whole nested HWPT, in one call.
	 */
	stage(&f, 6);
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(66, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n2, 0, 0, 0, 0);

	/* Pass-through: the parent, and the nested HWPT destroyed. */
	stage(&f, 7);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, st.mode);
	ASSERT_EQ(f.h.parent, st.hwpt_id);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n2));

	stage(&f, 8);
	n3 = dev_state(f.fd, SID).hwpt_id;
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, dev_state(f.fd, SID).mode);
	assert_iotlb(&f, n3, a, a, a, a);

	/* Translation off: the parent. */
	stage(&f, 9);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.fd, SID).mode);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n3));

	stage(&f, 10);
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, dev_state(f.fd, SID).mode);
	n3 = dev_state(f.fd, SID).hwpt_id;
	done(&f);

	/* Reset: the parent, nothing of the unit's left in the iommufd. */
	ASSERT_EQ(0, __kvm_device_attr_set(f.fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL));
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.fd, SID).mode);
	ASSERT_EQ(ENOENT, destroy(f.h.iommufd, n3));
	ASSERT_EQ(stat(&f, KVM_VTD_STAT_HOST_HWPT_ALLOCS),
		  stat(&f, KVM_VTD_STAT_HOST_HWPT_DESTROYS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	ASSERT_EQ(ENOENT, dev_detach(f.fd, SID));

	/* The VMM moves the device off the parent: the parent is free. */
	rep.id = f.h.stdev;
	rep.mock_domain_replace.pt_id = f.h.ioas;
	ASSERT_EQ(0, ioctl(f.h.iommufd, IOMMU_TEST_CMD, &rep));
	ASSERT_EQ(0, destroy(f.h.iommufd, f.h.parent));
	ASSERT_EQ(0, destroy(f.h.iommufd, f.h.shadow));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

TEST(nested_devtlb)
{
	uint32_t n, a;
	struct fixture f;

	setup(&f, guest_nested_devtlb, ECAP_NESTED_GUEST | ECAP_DT);
	stage(&f, 1);
	sync_global_from_guest(f.vm, fs_a);
	a = fs_a >> 12;
	n = dev_state(f.fd, SID).hwpt_id;
	assert_iotlb(&f, n, a, a, a, a);

	/* The device-TLB range is the PASID-IOTLB one: one entry. */
	stage(&f, 2);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n, a, 0, a, a);

	stage(&f, 3);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_ENTRIES));
	assert_iotlb(&f, n, a, 0, 0, a);

	stage(&f, 4);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	assert_iotlb(&f, n, a, 0, 0, a);

	stage(&f, 5);
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_HOST_INV_CALLS));
	assert_iotlb(&f, n, 0, 0, 0, 0);
	done(&f);

	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_DEVTLB_INVALIDATIONS));
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_PDEVTLB_INVALIDATIONS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	ASSERT_EQ(n, dev_state(f.fd, SID).hwpt_id);
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

static int dev_pasids(int vfd, uint16_t sid, uint32_t first, struct kvm_vtd_pasid_info *e,
		      uint32_t nr, uint32_t *total)
{
	struct {
		struct kvm_vtd_device_pasids hdr;
		struct kvm_vtd_pasid_info e[16];
	} a = { .hdr = { .sid = sid, .first = first, .nr = nr } };

	TEST_ASSERT(nr <= 16, "nr");
	if (__kvm_device_attr_get(vfd, KVM_DEV_VTD_GRP_DEVICE, KVM_DEV_VTD_DEVICE_PASIDS, &a))
		return -errno;
	memcpy(e, a.e, a.hdr.nr * sizeof(*e));
	*total = a.hdr.total;
	return a.hdr.nr;
}

/* The cached PASIDs, in order, as a list the assertions compare. */
static int cached(struct fixture *f, struct kvm_vtd_pasid_info *e)
{
	uint32_t total;
	int n = dev_pasids(f->fd, SID, 0, e, 16, &total);

	TEST_ASSERT_EQ(n, total);
	TEST_ASSERT_EQ(n, dev_state(f->fd, SID).pasids);
	return n;
}

TEST(pasid_cache)
{
	struct kvm_vtd_device_pasids bad = { .sid = SID, .flags = 1 };
	struct kvm_vtd_pasid_info e[16];
	uint64_t pages, upd, drops;
	uint32_t total;
	struct fixture f;

	dev_pasid_bits = 14;
	setup(&f, guest_pasid_cache, ECAP_NESTED_GUEST | ECAP_SRS);
	dev_pasid_bits = 0;
	ASSERT_EQ(0, cached(&f, e));			/* translation off */

	/* Translation on: what PDTS 0 and 14 bits reach, valid entries only. */
	stage(&f, 1);
	sync_global_from_guest(f.vm, fs_a);
	sync_global_from_guest(f.vm, fs_b);
	ASSERT_EQ(4, cached(&f, e));
	ASSERT_EQ(0, e[0].pasid);
	ASSERT_EQ(KVM_VTD_PGTT_FIRST_STAGE, e[0].pgtt);
	ASSERT_EQ(DID, e[0].did);
	ASSERT_EQ(fs_a, e[0].pgtbl);
	ASSERT_EQ(48, e[0].addr_width);
	ASSERT_EQ(5, e[1].pasid);
	ASSERT_EQ(KVM_VTD_PASID_SRE, e[1].flags);
	ASSERT_EQ(130, e[2].pasid);
	ASSERT_EQ(KVM_VTD_PGTT_SECOND_STAGE, e[2].pgtt);
	ASSERT_EQ(DID2, e[2].did);
	ASSERT_EQ(48, e[2].addr_width);
	ASSERT_EQ(6400, e[3].pasid);
	ASSERT_EQ(KVM_VTD_PGTT_PASS_THROUGH, e[3].pgtt);
	ASSERT_EQ(0, e[3].pgtbl);
	/* The host follows RID_PASID only. */
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, dev_state(f.fd, SID).mode);
	ASSERT_EQ(4, stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES));

	/* The listing pages: from PASID 6 on, one at a time. */
	ASSERT_EQ(1, dev_pasids(f.fd, SID, 6, e, 1, &total));
	ASSERT_EQ(130, e[0].pasid);
	ASSERT_EQ(4, total);
	ASSERT_EQ(0, dev_pasids(f.fd, SID, 6401, e, 16, &total));

	/* A larger directory: 8320 joins; 17000 is beyond the device. */
	stage(&f, 2);
	ASSERT_EQ(5, cached(&f, e));
	ASSERT_EQ(8320, e[4].pasid);
	ASSERT_EQ(fs_b, e[4].pgtbl);
	ASSERT_EQ(5, stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_PASID_DROPS));

	/* Domain-selective: only DID2's entry is re-read, and it has gone. */
	stage(&f, 3);
	ASSERT_EQ(4, cached(&f, e));
	ASSERT_EQ(5, e[1].pasid);
	ASSERT_EQ(fs_a, e[1].pgtbl);			/* not in DID2: as cached */
	ASSERT_EQ(6400, e[2].pasid);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_PASID_DROPS));
	ASSERT_EQ(5, stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES));

	/* PASID-selective: one directory page and one table per descriptor. */
	pages = stat(&f, KVM_VTD_STAT_PASID_PAGES_READ);
	upd = stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES);
	drops = stat(&f, KVM_VTD_STAT_HOST_PASID_DROPS);
	stage(&f, 4);
	ASSERT_EQ(4, cached(&f, e));
	ASSERT_EQ(5, e[1].pasid);
	ASSERT_EQ(fs_b, e[1].pgtbl);
	ASSERT_EQ(130, e[2].pasid);
	ASSERT_EQ(DID3, e[2].did);
	ASSERT_EQ(8320, e[3].pasid);
	ASSERT_EQ(upd + 2, stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES));
	ASSERT_EQ(drops + 1, stat(&f, KVM_VTD_STAT_HOST_PASID_DROPS));
	ASSERT_EQ(pages + 3 * 2, stat(&f, KVM_VTD_STAT_PASID_PAGES_READ));

	/* Translation off empties the cache; on fills it again. */
	stage(&f, 5);
	ASSERT_EQ(0, cached(&f, e));
	stage(&f, 6);
	ASSERT_EQ(4, cached(&f, e));
	done(&f);

	/* Bad VMM input. */
	ASSERT_EQ(-ENOENT, dev_pasids(f.fd, SID + 1, 0, e, 16, &total));
	ASSERT_EQ(-1, __kvm_device_attr_get(f.fd, KVM_DEV_VTD_GRP_DEVICE,
					    KVM_DEV_VTD_DEVICE_PASIDS, &bad));
	ASSERT_EQ(EINVAL, errno);
	bad.flags = 0;
	bad.nr = KVM_VTD_PASIDS_MAX + 1;
	ASSERT_EQ(-1, __kvm_device_attr_get(f.fd, KVM_DEV_VTD_GRP_DEVICE,
					    KVM_DEV_VTD_DEVICE_PASIDS, &bad));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

TEST(shadow)
{
	void *data;
	struct kvm_vtd_device_state st;
	struct fixture f;
	uint32_t hwpt;
	int fd;

	setup(&f, guest_shadow, 0);
	fd = f.h.iommufd;
	data = addr_gpa2hva(f.vm, DATA_GPA);

	/* 512 contiguous pages: one run, one map call. */
	stage(&f, 1);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, st.mode);
	hwpt = st.hwpt_id;
	ASSERT_EQ(1, st.shadow_runs);
	ASSERT_EQ(512 * 4096, st.shadow_bytes);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA, 512 * 4096, data));

	/* One page unmapped: exactly that page goes. */
	stage(&f, 2);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA + 5 * 4096, 4096, data + 5 * 4096));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA, 5 * 4096, data));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA + 6 * 4096, 506 * 4096, data + 6 * 4096));
	ASSERT_EQ(511 * 4096, dev_state(f.fd, SID).shadow_bytes);

	/* A new mapping appears only with the invalidation naming its domain. */
	stage(&f, 3);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA2, 4096, data + 600 * 4096));
	stage(&f, 4);
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA2, 4096, data + 600 * 4096));

	/* A new table and a context invalidation: replayed, nothing stale. */
	stage(&f, 5);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA, 4096, data));
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA2, 4096, data + 600 * 4096));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA3, 4096, data + 700 * 4096));
	st = dev_state(f.fd, SID);
	ASSERT_EQ(1, st.shadow_runs);
	ASSERT_EQ(4096, st.shadow_bytes);

	/* Not present: blocked, nothing mapped. */
	stage(&f, 6);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_BLOCKED, st.mode);
	ASSERT_EQ(0, st.shadow_runs);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA3, 4096, data + 700 * 4096));
	done(&f);
	ASSERT_EQ(stat(&f, KVM_VTD_STAT_SHADOW_MAP_BYTES),
		  stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));

	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(fd);
}

/*
 * The shadow of 261,633 present 1 GiB leaves, all but one without memory:
 * the work is one memslot lookup per leaf, not one per 4 KiB it claims
 * (6.9 * 10^10 before), and no exit does more than its budget of it: the
 * exit that enables translation (and the two reads of GSTS after it) map
 * the leaf over memory, which comes first, and the guest's next accesses
 * go on with the rest.
 */
TEST(shadow_unbacked_leaves)
{
	uint64_t leaves, pages, resumed, t0, ms1, ms2;
	struct kvm_vtd_device_state st;
	struct fixture f;
	void *data;

	setup(&f, guest_shadow_unbacked, 0);
	data = addr_gpa2hva(f.vm, DATA_GPA);
	leaves = stat(&f, KVM_VTD_STAT_WALK_LEAVES);
	pages = stat(&f, KVM_VTD_STAT_WALK_PAGES_READ);
	t0 = now_ms();
	stage(&f, 1);
	ms1 = now_ms() - t0;

	st = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, st.mode);
	/* Three exits' work so far, the rest deferred. */
	ASSERT_GT(3 * EXIT_WORK, stat(&f, KVM_VTD_STAT_WALK_LEAVES) - leaves);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_WORK_DEFERRED));
	ASSERT_EQ(0, check_map(f.h.iommufd, st.hwpt_id, GIB + DATA_GPA, DATA_PAGES * 4096ull,
			       data));

	t0 = now_ms();
	stage(&f, 2);
	ms2 = now_ms() - t0;
	resumed = stat(&f, KVM_VTD_STAT_WORK_RESUMED);
	TH_LOG("shadow of 261633 1 GiB leaves: %lu exits, %lu ms; the first 3: %lu ms",
	       resumed + 1, ms1 + ms2, ms1);
	/* Done: nothing deferred any more; every leaf visited, the last of each exit twice. */
	ASSERT_EQ(resumed, stat(&f, KVM_VTD_STAT_WORK_DEFERRED));
	ASSERT_LE(1 + 511 * 512, stat(&f, KVM_VTD_STAT_WALK_LEAVES) - leaves);
	ASSERT_GE(1 + 511 * 512 + resumed, stat(&f, KVM_VTD_STAT_WALK_LEAVES) - leaves);
	/* Each table page once, and the two above the stop again per resume. */
	ASSERT_LE(1 + 1 + 511, stat(&f, KVM_VTD_STAT_WALK_PAGES_READ) - pages);
	ASSERT_GE(1 + 1 + 511 + 2 * resumed, stat(&f, KVM_VTD_STAT_WALK_PAGES_READ) - pages);
	/* About 270k units of work: at least 60 exits, none over its budget. */
	ASSERT_LE(60, resumed);
	ASSERT_GE(EXIT_WORK + 256, stat(&f, KVM_VTD_STAT_WORK_MAX));
	/* Mapped: the memslots under the one leaf over memory, nothing else. */
	st = dev_state(f.fd, SID);
	ASSERT_EQ(0, check_map(f.h.iommufd, st.hwpt_id, GIB + DATA_GPA, DATA_PAGES * 4096ull,
			       data));
	ASSERT_EQ(st.shadow_runs, stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	done(&f);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

/*
 * A page-selective invalidation of one page costs the 2 MiB window around
 * it on the host, not the whole run of contiguous memory: the other window
 * is neither unmapped nor mapped again.
 */
TEST(shadow_psi_window)
{
	uint64_t unmapped, mapped, calls;
	struct kvm_vtd_device_state st;
	struct fixture f;
	void *data;
	int fd;

	setup(&f, guest_shadow_window, 0);
	fd = f.h.iommufd;
	data = addr_gpa2hva(f.vm, DATA_GPA);
	stage(&f, 1);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(2, st.shadow_runs);
	ASSERT_EQ(4 * SZ_1M, st.shadow_bytes);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, 4 * SZ_1M, data));

	unmapped = stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES);
	mapped = stat(&f, KVM_VTD_STAT_SHADOW_MAP_BYTES);
	calls = stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS);
	stage(&f, 2);
	ASSERT_EQ(SZ_2M, stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES) - unmapped);
	ASSERT_EQ(SZ_2M - 4096, stat(&f, KVM_VTD_STAT_SHADOW_MAP_BYTES) - mapped);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS) - calls);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(3, st.shadow_runs);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, SZ_2M, data));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + SZ_2M, 188 * 4096, data + SZ_2M));
	ASSERT_EQ(EINVAL, check_map(fd, st.hwpt_id, IOVA + 700 * 4096, 4096, data + 700 * 4096));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + 701 * 4096, 323 * 4096,
			       data + 701 * 4096));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	done(&f);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(fd);
}

/*
 * The VMM deletes a memslot under a shadowed device: its runs are unmapped
 * before the deletion returns (the VMM may unmap the memory next), the
 * others stay, and nothing comes back for the GPAs it backed.
 */
TEST(shadow_memslot_delete)
{
	struct kvm_vtd_device_state st;
	uint64_t unmapped;
	struct fixture f;
	void *data, *extra;
	int fd;

	setup(&f, guest_shadow_memslot, 0);
	vm_userspace_mem_region_add(f.vm, VM_MEM_SRC_ANONYMOUS, EXTRA_GPA, EXTRA_SLOT,
				    EXTRA_PAGES, 0);
	fd = f.h.iommufd;
	data = addr_gpa2hva(f.vm, DATA_GPA);
	extra = addr_gpa2hva(f.vm, EXTRA_GPA);
	stage(&f, 1);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(2, st.shadow_runs);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, 16 * 4096, data));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + SZ_1M, 16 * 4096, extra));

	unmapped = stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES);
	vm_mem_region_delete(f.vm, EXTRA_SLOT);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(1, st.shadow_runs);
	ASSERT_EQ(16 * 4096, st.shadow_bytes);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_SHADOW_SLOT_UNMAPS));
	ASSERT_EQ(16 * 4096, stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES) - unmapped);
	/* (The memory is unmapped too: ask the IOAS, not the mock's pages.) */
	ASSERT_EQ(-ENOENT, ioas_unmap(fd, f.h.shadow, IOVA + SZ_1M, 16 * 4096));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, 16 * 4096, data));

	/* The guest's next access walks the range again: nothing backs it. */
	stage(&f, 2);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	st = dev_state(f.fd, SID);
	ASSERT_EQ(1, st.shadow_runs);

	/* Aimed at memory that exists, the IOVAs come back. */
	stage(&f, 3);
	st = dev_state(f.fd, SID);
	ASSERT_EQ(2, st.shadow_runs);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + SZ_1M, 16 * 4096, data + 100 * 4096));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	done(&f);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(fd);
}

/*
 * A PASID-cache sync bigger than one exit's budget goes on over the guest's
 * accesses and ends with every entry: after translation is enabled, and for
 * a global invalidation whose wait the guest polls as Linux does.
 */
TEST(pasid_cache_budget)
{
	struct kvm_vtd_pasid_info e[16];
	uint64_t syncs, pages;
	uint32_t total;
	struct fixture f;

	dev_pasid_bits = 20;
	setup(&f, guest_pasid_budget, ECAP_NESTED_GUEST | ECAP_SRS);
	dev_pasid_bits = 0;
	stage(&f, 1);
	syncs = stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS);
	ASSERT_LT(0, stat(&f, KVM_VTD_STAT_WORK_DEFERRED) - stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	ASSERT_GT(PASID_TABLES, dev_state(f.fd, SID).pasids);

	/* The same sync goes on in the next accesses, not a new one each. */
	stage(&f, 2);
	ASSERT_EQ(syncs, stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS));
	ASSERT_EQ(stat(&f, KVM_VTD_STAT_WORK_DEFERRED), stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	ASSERT_EQ(16, dev_pasids(f.fd, SID, 0, e, 16, &total));
	ASSERT_EQ(PASID_TABLES, total);
	ASSERT_EQ(1, e[0].pasid);
	ASSERT_EQ(65, e[1].pasid);
	ASSERT_EQ(KVM_VTD_PGTT_PASS_THROUGH, e[15].pgtt);
	ASSERT_EQ(4, dev_pasids(f.fd, SID, 4092 * 64, e, 16, &total));
	ASSERT_EQ(4095 * 64 + 1, e[3].pasid);

	/* One sync however many exits it takes; the wait completes after it. */
	syncs = stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS);
	pages = stat(&f, KVM_VTD_STAT_PASID_PAGES_READ);
	stage(&f, 3);
	sync_global_from_guest(f.vm, polls);
	TH_LOG("PASID-cache sync of %u tables: the wait took %u polls", PASID_TABLES, polls);
	ASSERT_LE(10, polls);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS) - syncs);
	ASSERT_LE(PASID_TABLES + PASID_TABLES / 512,
		  stat(&f, KVM_VTD_STAT_PASID_PAGES_READ) - pages);
	ASSERT_EQ(PASID_TABLES, dev_state(f.fd, SID).pasids);
	ASSERT_GE(EXIT_WORK + 256, stat(&f, KVM_VTD_STAT_WORK_MAX));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	done(&f);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

/*
 * 16383 waits, each after a global context-cache or IOTLB invalidation,
 * with 64 shadowed devices: about 5 * 10^5 re-evaluations and 10^6 host
 * calls in all, which used to be one exit.  Each exit now does one wait's
 * worth of taking away at most and its budget of the rest; the queue goes
 * on from IQH at the next access, and the VM can be torn down with work
 * left.
 */
static int state_restore(int vfd, struct kvm_vtd_state *st)
{
	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_STATE, KVM_DEV_VTD_STATE_RESTORE,
				     st) ? errno : 0;
}

/*
 * KVM_DEV_VTD_STATE_RESTORE: a saved state comes back as a whole, with one
 * translation state switch and one re-evaluation of the assigned device
 * (one per register with KVM_DEV_VTD_GRP_REGS sets); a bad pair changes
 * nothing; the guest goes on with its shadowed device.
 */
TEST(state_restore_batch)
{
	struct kvm_vtd_state *st = calloc(1, sizeof(*st) + (KVM_VTD_STATE_REGS_MAX + 1) *
					  sizeof(struct kvm_vtd_reg));
	uint64_t sw, evals, off, nr = 0, deferred, resumed;
	struct kvm_vtd_device_state ds;
	struct fixture f;
	void *data;
	int i, fd2;

	setup(&f, guest_shadow, 0);
	data = addr_gpa2hva(f.vm, DATA_GPA);
	ASSERT_EQ(0, __kvm_has_device_attr(f.fd, KVM_DEV_VTD_GRP_STATE,
					   KVM_DEV_VTD_STATE_RESTORE));
	ASSERT_EQ(ENXIO, __kvm_has_device_attr(f.fd, KVM_DEV_VTD_GRP_STATE, 1) ? errno : 0);
	stage(&f, 1);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.fd, SID).mode);

	/* Save what the VMM would: every register the unit has. */
	for (off = 0; off < KVM_VTD_REG_LATCHED_IRTA + 8; off += 4) {
		if (__kvm_has_device_attr(f.fd, KVM_DEV_VTD_GRP_REGS, off))
			continue;
		st->regs[nr].offset = off;
		st->regs[nr++].value = vtd_reg_get(f.fd, off);
	}
	ASSERT_LT(30, nr);

	/* Bad input: nothing changes. */
	sw = stat(&f, KVM_VTD_STAT_DMAR_SWITCHES);
	st->nr = nr;
	st->flags = 1;
	ASSERT_EQ(EINVAL, state_restore(f.fd, st));
	st->flags = 0;
	st->nr = 0;
	ASSERT_EQ(EINVAL, state_restore(f.fd, st));
	st->nr = KVM_VTD_STATE_REGS_MAX + 1;
	ASSERT_EQ(EINVAL, state_restore(f.fd, st));
	st->nr = nr + 1;
	st->regs[nr] = (struct kvm_vtd_reg){ .offset = GCMD, .value = GCMD_TE };
	ASSERT_EQ(EINVAL, state_restore(f.fd, st));
	st->regs[nr] = (struct kvm_vtd_reg){ .offset = 0xff0, .value = 0 };
	ASSERT_EQ(ENXIO, state_restore(f.fd, st));
	st->regs[nr] = (struct kvm_vtd_reg){ .offset = IQT, .value = 1 };
	ASSERT_EQ(EINVAL, state_restore(f.fd, st));
	ASSERT_EQ(sw, stat(&f, KVM_VTD_STAT_DMAR_SWITCHES));
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.fd, SID).mode);
	fd2 = __kvm_create_device(f.vm, KVM_DEV_TYPE_INTEL_VTD);
	st->nr = 1;
	st->regs[0] = (struct kvm_vtd_reg){ .offset = FSTS, .value = 0 };
	ASSERT_EQ(EBUSY, state_restore(fd2, st));
	close(fd2);

	/* Reset: translation off, the device on the parent. */
	deferred = stat(&f, KVM_VTD_STAT_WORK_DEFERRED);
	resumed = stat(&f, KVM_VTD_STAT_WORK_RESUMED);
	ASSERT_EQ(0, __kvm_device_attr_set(f.fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL) ? errno : 0);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.fd, SID).mode);

	/* The saved state, at once: one switch, one re-evaluation. */
	st->nr = nr;
	sw = stat(&f, KVM_VTD_STAT_DMAR_SWITCHES);
	evals = stat(&f, KVM_VTD_STAT_HOST_EVALS);
	ASSERT_EQ(0, state_restore(f.fd, st));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_DMAR_SWITCHES) - sw);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_EVALS) - evals);
	ds = dev_state(f.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, ds.mode);
	ASSERT_EQ(1, ds.shadow_runs);
	ASSERT_EQ(0, check_map(f.h.iommufd, ds.hwpt_id, IOVA, 512 * 4096, data));
	for (i = 0; i < nr; i++)
		ASSERT_EQ(st->regs[i].value, vtd_reg_get(f.fd, st->regs[i].offset));

	/* Register by register: a switch and a re-evaluation each. */
	sw = stat(&f, KVM_VTD_STAT_DMAR_SWITCHES);
	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, vtd_reg_set(f.fd, st->regs[i].offset, st->regs[i].value));
	ASSERT_EQ(nr, stat(&f, KVM_VTD_STAT_DMAR_SWITCHES) - sw);
	/* Attribute calls run to the end: nothing deferred, nothing resumed. */
	ASSERT_EQ(deferred, stat(&f, KVM_VTD_STAT_WORK_DEFERRED));
	ASSERT_EQ(resumed, stat(&f, KVM_VTD_STAT_WORK_RESUMED));

	/* The guest goes on: a page unmapped, and the rest of its stages. */
	stage(&f, 2);
	ASSERT_EQ(511 * 4096, dev_state(f.fd, SID).shadow_bytes);
	for (i = 3; i <= 6; i++)
		stage(&f, i);
	done(&f);
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	free(st);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

/* Long-running hostile cases get more than the harness's 30 s. */
FIXTURE(hostile) {};
FIXTURE_SETUP(hostile) {}
FIXTURE_TEARDOWN(hostile) {}

TEST_F_TIMEOUT(hostile, qi_waits_64_devices, 600)
{
	struct kvm_vtd_device d = { .size = sizeof(d) };
	uint64_t t0, ms, waits, iqh, resumed, maps;
	struct fixture f;
	uint32_t id, i;

	setup(&f, guest_many_waits, 0);
	vm_userspace_mem_region_add(f.vm, VM_MEM_SRC_ANONYMOUS, QUEUE_GPA, QUEUE_SLOT,
				    QUEUE_PAGES, 0);
	virt_map(f.vm, QUEUE_GPA, QUEUE_GPA, QUEUE_PAGES);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	d.iommufd = f.h.iommufd;
	d.parent_hwpt_id = f.h.parent;
	for (i = 0; i < NDEV; i++) {
		struct iommu_test_cmd mock = {
			.size = sizeof(mock),
			.op = IOMMU_TEST_OP_MOCK_DOMAIN,
			.id = f.h.ioas,
		};

		ASSERT_EQ(0, ioctl(f.h.iommufd, IOMMU_TEST_CMD, &mock));
		id = ioas_alloc(f.h.iommufd);
		d.sid = SID_BUS1(i);
		d.dev_id = mock.mock_domain.out_idev_id;
		d.shadow_ioas_id = id;
		ASSERT_EQ(0, __kvm_device_attr_set(f.fd, KVM_DEV_VTD_GRP_DEVICE,
						   KVM_DEV_VTD_DEVICE_ATTACH, &d));
	}
	t0 = now_ms();
	stage(&f, 1);
	TH_LOG("64 devices shadowed in %lu ms", now_ms() - t0);
	for (i = 0; i < NDEV; i++)
		ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.fd, SID_BUS1(i)).mode);

	waits = stat(&f, KVM_VTD_STAT_QI_WAITS);
	resumed = stat(&f, KVM_VTD_STAT_WORK_RESUMED);
	maps = stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS);
	t0 = now_ms();
	stage(&f, 2);
	ms = now_ms() - t0;
	sync_global_from_guest(f.vm, polls);
	waits = stat(&f, KVM_VTD_STAT_QI_WAITS) - waits;
	iqh = vtd_reg_get(f.fd, IQH);
	TH_LOG("%u polls: %lu waits done, %lu ms, %lu ms per exit, most work %lu",
	       polls, waits, ms, ms / (polls + 1), stat(&f, KVM_VTD_STAT_WORK_MAX));
	/* The guest gave up waiting: every poll went on with the queue. */
	ASSERT_EQ(POLLS, polls);
	ASSERT_EQ(POLLS, stat(&f, KVM_VTD_STAT_WORK_RESUMED) - resumed);
	ASSERT_LT(0, waits);
	ASSERT_GT(NWAITS, waits);
	ASSERT_EQ(waits * 32, iqh - iqh % 32);
	/* Only the IOTLB half re-maps: an unchanged context keeps its runs. */
	ASSERT_GE(NDEV * (waits / 2 + 1), stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS) - maps);
	ASSERT_LE(NDEV * (waits / 2 - 1), stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS) - maps);
	/* Taking away once for 64 devices at most, past the budget. */
	ASSERT_GE(EXIT_WORK + NDEV * 128, stat(&f, KVM_VTD_STAT_WORK_MAX));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	done(&f);
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

static int attach_raw(int vfd, struct kvm_vtd_device *d)
{
	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_DEVICE,
				     KVM_DEV_VTD_DEVICE_ATTACH, d) ? errno : 0;
}

/* Bad VMM input: each a clear error, nothing attached, no host splat. */
TEST(vmm_input)
{
	struct kvm_vtd_device d;
	struct fixture f;
	struct host h2;
	void *page;
	int efd;

	setup(&f, guest_shadow, 0);
	ASSERT_EQ(EEXIST, dev_attach(f.fd, &f.h, SID));
	/* The same device under a second source-id: both would move it. */
	ASSERT_EQ(EBUSY, dev_attach(f.fd, &f.h, SID + 16));
	ASSERT_EQ(ENOENT, dev_detach(f.fd, SID + 16));

	/* A second iommufd whose object IDs are not the first one's. */
	host_setup(&h2, 10);
	ASSERT_GT(h2.dev, f.h.parent);

	d = (struct kvm_vtd_device){
		.size = sizeof(d), .sid = SID + 8, .iommufd = h2.iommufd, .dev_id = h2.dev,
		.parent_hwpt_id = h2.parent, .shadow_ioas_id = h2.shadow,
	};
	d.flags = 1;
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	d.flags = 0;
	d.reserved1 = 1;
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	d.reserved1 = 0;
	d.pasid_bits = 21;				/* PASIDs are 20 bits */
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	d.pasid_bits = 20;
	d.reserved0 = 1;
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	d.reserved0 = 0;
	d.size = 8;
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	d.size = sizeof(d);
	d.iommufd = -1;
	ASSERT_EQ(EBADF, attach_raw(f.fd, &d));
	efd = eventfd(0, 0);
	d.iommufd = efd;
	ASSERT_EQ(EBADF, attach_raw(f.fd, &d));
	close(efd);
	d.iommufd = f.h.iommufd;			/* h2's device in f's iommufd */
	ASSERT_EQ(ENODEV, attach_raw(f.fd, &d));
	d.iommufd = h2.iommufd;
	d.shadow_ioas_id = h2.parent;			/* not an IOAS */
	ASSERT_EQ(ENOENT, attach_raw(f.fd, &d));
	d.shadow_ioas_id = h2.shadow;
	d.parent_hwpt_id = ioas_alloc(h2.iommufd);	/* not a HWPT */
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	/* Refused before the device moved: nothing is attached to that IOAS. */
	ASSERT_EQ(0, destroy(h2.iommufd, d.parent_hwpt_id));
	d.parent_hwpt_id = 0x7fffffff;			/* no such object */
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	d.parent_hwpt_id = h2.parent;
	ASSERT_EQ(ENOENT, dev_detach(f.fd, SID + 8));
	/*
	 * Attaching looks at the VMM's objects without side effects.  The
	 * shadow IOAS gets a HWPT for the device, so a mapping the device
	 * cannot reach (the last IOVA page: beyond the mock's aperture) makes
	 * the attach fail, and the mapping is still there (the old probe
	 * unmapped that page and went on).
	 */
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, ioas_map(h2.iommufd, h2.shadow, -4096ull, page, 4096));
	ASSERT_EQ(EADDRINUSE, attach_raw(f.fd, &d));
	ASSERT_EQ(4096, ioas_unmap(h2.iommufd, h2.shadow, -4096ull, 4096));
	munmap(page, 4096);
	ASSERT_EQ(0, attach_raw(f.fd, &d));
	ASSERT_EQ(0, dev_detach(f.fd, SID + 8));
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	ASSERT_EQ(ENOENT, dev_detach(f.fd, SID));
	close(f.fd);
	kvm_vm_free(f.vm);

	/*
	 * A unit without caching mode: the guest would never invalidate what
	 * it maps, so a shadowed device would never see its mappings.
	 */
	f.vm = vm_create_barebones();
	f.fd = __kvm_create_device(f.vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_GE(f.fd, 0);
	ASSERT_EQ(0, vtd_reg_set(f.fd, CAP, vtd_reg_get(f.fd, CAP) & ~CAP_CM));
	ASSERT_EQ(0, vtd_set_addr(f.fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(f.fd));
	ASSERT_EQ(EINVAL, attach_raw(f.fd, &d));
	ASSERT_EQ(0, vtd_stat(f.fd, KVM_VTD_STAT_HOST_ATTACHES));
	close(f.fd);
	kvm_vm_free(f.vm);
	f.vm = NULL;

	close(f.h.iommufd);
	close(h2.iommufd);
}

/*
 * The VMM closes its iommufd while the device is attached and the guest
 * runs: the unit's reference keeps the context, the guest's programming
 * still reaches the host, and closing the unit frees everything.
 */
TEST(vmm_closes_iommufd)
{
	struct fixture f;

	setup(&f, guest_shadow, 0);
	close(f.h.iommufd);
	stage(&f, 1);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.fd, SID).mode);
	ASSERT_EQ(1, dev_state(f.fd, SID).shadow_runs);
	stage(&f, 2);
	ASSERT_EQ(2, dev_state(f.fd, SID).shadow_runs);
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	close(f.fd);
	kvm_vm_free(f.vm);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	TEST_ASSERT(fd >= 0, "open %s", path);
	TEST_ASSERT(write(fd, val, strlen(val)) == (ssize_t)strlen(val), "write %s", path);
	close(fd);
}

#define FAILSLAB	"/sys/kernel/debug/failslab/"

/*
 * failslab armed for fail-nth only: probability 100 but for tasks with
 * make-it-fail set (none), GFP_KERNEL allocations included, silent.
 */
static void failslab(bool on)
{
	if (!on) {
		/* Disarmed first: unfiltered, probability 100 fails everyone. */
		write_file(FAILSLAB "probability", "0");
		write_file(FAILSLAB "ignore-gfp-wait", "Y");
		write_file(FAILSLAB "task-filter", "N");
		return;
	}
	write_file(FAILSLAB "verbose", "0");
	write_file(FAILSLAB "times", "-1");
	write_file(FAILSLAB "task-filter", "Y");
	write_file(FAILSLAB "ignore-gfp-wait", "N");
	write_file(FAILSLAB "probability", "100");
}

/*
 * Every slab allocation of an attach fails in turn (fault injection's
 * fail-nth): each attempt either attaches or returns an error with nothing
 * attached, and the runner's kmemleak scan finds nothing left behind.
 */
TEST(attach_failslab)
{
	int nth, rc, nfd, errors = 0;
	struct fixture f;
	char buf[16];

	if (access("/proc/thread-self/fail-nth", W_OK) ||
	    access(FAILSLAB "probability", W_OK))
		SKIP(return, "no failslab");
	setup(&f, guest_shadow, 0);
	ASSERT_EQ(0, dev_detach(f.fd, SID));
	/* Opened once: closing it would count as allocations too. */
	nfd = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_GE(nfd, 0);
	failslab(true);
	for (nth = 1; nth < 200; nth++) {
		snprintf(buf, sizeof(buf), "%d", nth);
		ASSERT_EQ(strlen(buf), pwrite(nfd, buf, strlen(buf), 0));
		rc = dev_attach(f.fd, &f.h, SID);
		ASSERT_EQ(1, pwrite(nfd, "0", 1, 0));
		if (!rc)
			break;
		errors++;
		ASSERT_EQ(ENOENT, dev_detach(f.fd, SID));
	}
	failslab(false);
	close(nfd);
	ASSERT_EQ(0, rc);
	ASSERT_GT(errors, 0);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.fd, SID).mode);
	stage(&f, 1);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.fd, SID).mode);
	close(f.fd);
	kvm_vm_free(f.vm);
	close(f.h.iommufd);
}

TEST_HARNESS_MAIN
