// SPDX-License-Identifier: GPL-2.0
/*
 * Assigned devices, the device PASID cache: which of a device's PASIDs the
 * unit keeps (and programs), as the guest changes PASID entries and
 * invalidates them with every PASID-cache granularity, and the page budget
 * of a PASID-cache sync across exits.
 */
#include <errno.h>

#include "kselftest_harness.h"
#include "lib/vtd_assigned.h"

/* The guest's first-stage tables; the host reads their addresses. */
static uint64_t fs_a, fs_b;

#define DID2			5
#define DID3			6

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

	queue = pool_queue(32);
	fs_a = alloc_table();
	fs_b = alloc_table();
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | BIT_ULL(3) | 1;			/* PASIDE, PDTS 0: 8192 */
	set_pe_at(pdir, 0, (1 << 6) | 1, DID, fs_a);	/* RID_PASID: first stage */
	set_pe_at(pdir, 5, (1 << 6) | 1, DID, fs_a | 1);	/* SRE */
	set_pe_at(pdir, 130, ss | (2 << 6) | (2 << 2) | 1, DID2, 0);
	set_pe_at(pdir, 6400, (4 << 6) | 1, DID, 0);	/* pass-through */
	set_pe_at(pdir, 8320, (1 << 6) | 1, DID, fs_b);	/* beyond PDTS 0 */
	set_pe_at(pdir, 17000, (1 << 6) | 1, DID, fs_b);	/* beyond 2^14 */
	set_pe_at(pdir, 7, (1 << 6) | BIT(10) | 1, DID, fs_a);	/* reserved bit */
	vtd_enable(root | RTADDR_TTM_SM, queue | IQA_DW);
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
	queue = pool_queue(32);
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | (5 << 9) | BIT_ULL(3) | 1;	/* PASIDE, PDTS 5 */
	for (i = 0; i < PASID_TABLES; i++)
		tva(pdir)[i] = ptbl | 1;
	tva(ptbl)[8] = (4 << 6) | 1;			/* PASID 1: pass-through */
	tva(ptbl)[9] = DID;
	vtd_enable(root | RTADDR_TTM_SM, queue | IQA_DW);
	GUEST_SYNC(1);
	for (i = 0; i < 100; i++)
		rd32(R, FSTS);
	GUEST_SYNC(2);
	vtd_gq_push(&gq, PC_GLOBAL, 0);
	polls = vtd_gq_wait_poll(&gq, 100000);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/* The cached PASIDs, in order, as a list the assertions compare. */
static int cached(struct fixture *f, struct kvm_vtd_pasid_info *e)
{
	uint32_t total;
	int n = dev_pasids(f->t.fd, SID, 0, e, 16, &total);

	TEST_ASSERT_EQ(n, total);
	TEST_ASSERT_EQ(n, dev_state(f->t.fd, SID).pasids);
	return n;
}

TEST(pasid_cache)
{
	struct kvm_vtd_device_pasids bad = { .sid = SID, .flags = 1 };
	struct kvm_vtd_pasid_info e[16];
	uint64_t pages, upd, drops;
	uint32_t total;
	struct fixture f;

	setup_pasids(&f, guest_pasid_cache, ECAP_NESTED_GUEST | ECAP_SRS, 14);
	ASSERT_EQ(0, cached(&f, e));			/* translation off */

	/* Translation on: what PDTS 0 and 14 bits reach, valid entries only. */
	run_stage(&f.t, 1);
	sync_global_from_guest(f.t.vm, fs_a);
	sync_global_from_guest(f.t.vm, fs_b);
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
	ASSERT_EQ(KVM_VTD_DEVICE_NESTED, dev_state(f.t.fd, SID).mode);
	ASSERT_EQ(4, stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES));

	/* The listing pages: from PASID 6 on, one at a time. */
	ASSERT_EQ(1, dev_pasids(f.t.fd, SID, 6, e, 1, &total));
	ASSERT_EQ(130, e[0].pasid);
	ASSERT_EQ(4, total);
	ASSERT_EQ(0, dev_pasids(f.t.fd, SID, 6401, e, 16, &total));

	/* A larger directory: 8320 joins; 17000 is beyond the device. */
	run_stage(&f.t, 2);
	ASSERT_EQ(5, cached(&f, e));
	ASSERT_EQ(8320, e[4].pasid);
	ASSERT_EQ(fs_b, e[4].pgtbl);
	ASSERT_EQ(5, stat(&f, KVM_VTD_STAT_HOST_PASID_UPDATES));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_PASID_DROPS));

	/* Domain-selective: only DID2's entry is re-read, and it has gone. */
	run_stage(&f.t, 3);
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
	run_stage(&f.t, 4);
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
	run_stage(&f.t, 5);
	ASSERT_EQ(0, cached(&f, e));
	run_stage(&f.t, 6);
	ASSERT_EQ(4, cached(&f, e));
	run_stage(&f.t, -1);

	/* Bad VMM input. */
	ASSERT_EQ(-ENOENT, dev_pasids(f.t.fd, SID + 1, 0, e, 16, &total));
	ASSERT_EQ(-1, __kvm_device_attr_get(f.t.fd, KVM_DEV_VTD_GRP_DEVICE,
					    KVM_DEV_VTD_DEVICE_PASIDS, &bad));
	ASSERT_EQ(EINVAL, errno);
	bad.flags = 0;
	bad.nr = KVM_VTD_PASIDS_MAX + 1;
	ASSERT_EQ(-1, __kvm_device_attr_get(f.t.fd, KVM_DEV_VTD_GRP_DEVICE,
					    KVM_DEV_VTD_DEVICE_PASIDS, &bad));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	fixture_free(&f);
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

	setup_pasids(&f, guest_pasid_budget, ECAP_NESTED_GUEST | ECAP_SRS, 20);
	run_stage(&f.t, 1);
	syncs = stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS);
	ASSERT_LT(0, stat(&f, KVM_VTD_STAT_WORK_DEFERRED) - stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	ASSERT_GT(PASID_TABLES, dev_state(f.t.fd, SID).pasids);

	/* The same sync goes on in the next accesses, not a new one each. */
	run_stage(&f.t, 2);
	ASSERT_EQ(syncs, stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS));
	ASSERT_EQ(stat(&f, KVM_VTD_STAT_WORK_DEFERRED), stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	ASSERT_EQ(16, dev_pasids(f.t.fd, SID, 0, e, 16, &total));
	ASSERT_EQ(PASID_TABLES, total);
	ASSERT_EQ(1, e[0].pasid);
	ASSERT_EQ(65, e[1].pasid);
	ASSERT_EQ(KVM_VTD_PGTT_PASS_THROUGH, e[15].pgtt);
	ASSERT_EQ(4, dev_pasids(f.t.fd, SID, 4092 * 64, e, 16, &total));
	ASSERT_EQ(4095 * 64 + 1, e[3].pasid);

	/* One sync however many exits it takes; the wait completes after it. */
	syncs = stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS);
	pages = stat(&f, KVM_VTD_STAT_PASID_PAGES_READ);
	run_stage(&f.t, 3);
	sync_global_from_guest(f.t.vm, polls);
	TH_LOG("PASID-cache sync of %u tables: the wait took %u polls", PASID_TABLES, polls);
	ASSERT_LE(10, polls);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_PASID_SYNCS) - syncs);
	ASSERT_LE(PASID_TABLES + PASID_TABLES / 512,
		  stat(&f, KVM_VTD_STAT_PASID_PAGES_READ) - pages);
	ASSERT_EQ(PASID_TABLES, dev_state(f.t.fd, SID).pasids);
	ASSERT_GE(EXIT_WORK + 256, stat(&f, KVM_VTD_STAT_WORK_MAX));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	run_stage(&f.t, -1);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	fixture_free(&f);
}

TEST_HARNESS_MAIN
