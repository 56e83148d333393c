// SPDX-License-Identifier: GPL-2.0
/*
 * Assigned devices, shadowed: a guest's second-stage tables mirrored into the
 * VMM's shadow IOAS (the iommufd test mock), page-selective and context
 * invalidations, unbacked and hostile tables with the per-exit work bound,
 * memslots deleted under a mapping, and 64 devices behind 16,383 waits.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "kselftest_harness.h"
#include "lib/vtd_assigned.h"

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
	vtd_enable(root, queue);
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
	vtd_enable(root, queue);
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

/* How often the guest polled the wait it gave up on; the host reads it. */
static uint32_t polls;

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
	vtd_enable(root, QUEUE_GPA | 7);
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

TEST(shadow)
{
	void *data;
	struct kvm_vtd_device_state st;
	struct fixture f;
	uint32_t hwpt;
	int fd;

	setup(&f, guest_shadow, 0);
	fd = f.h.iommufd;
	data = addr_gpa2hva(f.t.vm, DATA_GPA);

	/* 512 contiguous pages: one run, one map call. */
	run_stage(&f.t, 1);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, st.mode);
	hwpt = st.hwpt_id;
	ASSERT_EQ(1, st.shadow_runs);
	ASSERT_EQ(512 * 4096, st.shadow_bytes);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA, 512 * 4096, data));

	/* One page unmapped: exactly that page goes. */
	run_stage(&f.t, 2);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA + 5 * 4096, 4096, data + 5 * 4096));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA, 5 * 4096, data));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA + 6 * 4096, 506 * 4096, data + 6 * 4096));
	ASSERT_EQ(511 * 4096, dev_state(f.t.fd, SID).shadow_bytes);

	/* A new mapping appears only with the invalidation naming its domain. */
	run_stage(&f.t, 3);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA2, 4096, data + 600 * 4096));
	run_stage(&f.t, 4);
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA2, 4096, data + 600 * 4096));

	/* A new table and a context invalidation: replayed, nothing stale. */
	run_stage(&f.t, 5);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA, 4096, data));
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA2, 4096, data + 600 * 4096));
	ASSERT_EQ(0, check_map(fd, hwpt, IOVA3, 4096, data + 700 * 4096));
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(1, st.shadow_runs);
	ASSERT_EQ(4096, st.shadow_bytes);

	/* Not present: blocked, nothing mapped. */
	run_stage(&f.t, 6);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_BLOCKED, st.mode);
	ASSERT_EQ(0, st.shadow_runs);
	ASSERT_EQ(EINVAL, check_map(fd, hwpt, IOVA3, 4096, data + 700 * 4096));
	run_stage(&f.t, -1);
	ASSERT_EQ(stat(&f, KVM_VTD_STAT_SHADOW_MAP_BYTES),
		  stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));

	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	close(f.t.fd);
	kvm_vm_free(f.t.vm);
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
	data = addr_gpa2hva(f.t.vm, DATA_GPA);
	leaves = stat(&f, KVM_VTD_STAT_WALK_LEAVES);
	pages = stat(&f, KVM_VTD_STAT_WALK_PAGES_READ);
	t0 = now_ms();
	run_stage(&f.t, 1);
	ms1 = now_ms() - t0;

	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, st.mode);
	/* Three exits' work so far, the rest deferred. */
	ASSERT_GT(3 * EXIT_WORK, stat(&f, KVM_VTD_STAT_WALK_LEAVES) - leaves);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	ASSERT_EQ(3, stat(&f, KVM_VTD_STAT_WORK_DEFERRED));
	ASSERT_EQ(0, check_map(f.h.iommufd, st.hwpt_id, GIB + DATA_GPA, DATA_PAGES * 4096ull,
			       data));

	t0 = now_ms();
	run_stage(&f.t, 2);
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
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(0, check_map(f.h.iommufd, st.hwpt_id, GIB + DATA_GPA, DATA_PAGES * 4096ull,
			       data));
	ASSERT_EQ(st.shadow_runs, stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	run_stage(&f.t, -1);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	fixture_free(&f);
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
	data = addr_gpa2hva(f.t.vm, DATA_GPA);
	run_stage(&f.t, 1);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(2, st.shadow_runs);
	ASSERT_EQ(4 * SZ_1M, st.shadow_bytes);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, 4 * SZ_1M, data));

	unmapped = stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES);
	mapped = stat(&f, KVM_VTD_STAT_SHADOW_MAP_BYTES);
	calls = stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS);
	run_stage(&f.t, 2);
	ASSERT_EQ(SZ_2M, stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES) - unmapped);
	ASSERT_EQ(SZ_2M - 4096, stat(&f, KVM_VTD_STAT_SHADOW_MAP_BYTES) - mapped);
	ASSERT_EQ(2, stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS) - calls);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(3, st.shadow_runs);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, SZ_2M, data));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + SZ_2M, 188 * 4096, data + SZ_2M));
	ASSERT_EQ(EINVAL, check_map(fd, st.hwpt_id, IOVA + 700 * 4096, 4096, data + 700 * 4096));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + 701 * 4096, 323 * 4096,
			       data + 701 * 4096));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	run_stage(&f.t, -1);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	close(f.t.fd);
	kvm_vm_free(f.t.vm);
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
	vm_userspace_mem_region_add(f.t.vm, VM_MEM_SRC_ANONYMOUS, EXTRA_GPA, EXTRA_SLOT,
				    EXTRA_PAGES, 0);
	fd = f.h.iommufd;
	data = addr_gpa2hva(f.t.vm, DATA_GPA);
	extra = addr_gpa2hva(f.t.vm, EXTRA_GPA);
	run_stage(&f.t, 1);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(2, st.shadow_runs);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, 16 * 4096, data));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + SZ_1M, 16 * 4096, extra));

	unmapped = stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES);
	vm_mem_region_delete(f.t.vm, EXTRA_SLOT);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(1, st.shadow_runs);
	ASSERT_EQ(16 * 4096, st.shadow_bytes);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_SHADOW_SLOT_UNMAPS));
	ASSERT_EQ(16 * 4096, stat(&f, KVM_VTD_STAT_SHADOW_UNMAP_BYTES) - unmapped);
	/* (The memory is unmapped too: ask the IOAS, not the mock's pages.) */
	ASSERT_EQ(-ENOENT, ioas_unmap(fd, f.h.shadow, IOVA + SZ_1M, 16 * 4096));
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA, 16 * 4096, data));

	/* The guest's next access walks the range again: nothing backs it. */
	run_stage(&f.t, 2);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_WORK_RESUMED));
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(1, st.shadow_runs);

	/* Aimed at memory that exists, the IOVAs come back. */
	run_stage(&f.t, 3);
	st = dev_state(f.t.fd, SID);
	ASSERT_EQ(2, st.shadow_runs);
	ASSERT_EQ(0, check_map(fd, st.hwpt_id, IOVA + SZ_1M, 16 * 4096, data + 100 * 4096));
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	run_stage(&f.t, -1);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	close(f.t.fd);
	kvm_vm_free(f.t.vm);
	close(fd);
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
	vm_userspace_mem_region_add(f.t.vm, VM_MEM_SRC_ANONYMOUS, QUEUE_GPA, QUEUE_SLOT,
				    QUEUE_PAGES, 0);
	virt_map(f.t.vm, QUEUE_GPA, QUEUE_GPA, QUEUE_PAGES);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
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
		ASSERT_EQ(0, __kvm_device_attr_set(f.t.fd, KVM_DEV_VTD_GRP_DEVICE,
						   KVM_DEV_VTD_DEVICE_ATTACH, &d));
	}
	t0 = now_ms();
	run_stage(&f.t, 1);
	TH_LOG("64 devices shadowed in %lu ms", now_ms() - t0);
	for (i = 0; i < NDEV; i++)
		ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.t.fd, SID_BUS1(i)).mode);

	waits = stat(&f, KVM_VTD_STAT_QI_WAITS);
	resumed = stat(&f, KVM_VTD_STAT_WORK_RESUMED);
	maps = stat(&f, KVM_VTD_STAT_SHADOW_MAP_CALLS);
	t0 = now_ms();
	run_stage(&f.t, 2);
	ms = now_ms() - t0;
	sync_global_from_guest(f.t.vm, polls);
	waits = stat(&f, KVM_VTD_STAT_QI_WAITS) - waits;
	iqh = vtd_reg_get(f.t.fd, IQH);
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
	run_stage(&f.t, -1);
	fixture_free(&f);
}

TEST_HARNESS_MAIN
