// SPDX-License-Identifier: GPL-2.0
/*
 * The unit's translation caches as a VMM sees them: a guest maps pages,
 * the host fills the context cache and IOTLB with KVM_DEV_VTD_TRANSLATE,
 * and each invalidation the guest sends (register-free, through the queue;
 * legacy and scalable mode, every granularity, right and wrong domains and
 * PASIDs) drops what it names and only that, counted in table pages read.
 * The shared page's translation generation follows every invalidation.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/vtd_guest_vm.h"
#include "lib/vtd_vmm.h"

#define POOL_PAGES	512
#define POOL_GPA	0x10000000ull	/* own memslot, identity-mapped */
#define POOL_SLOT	1
#define SID_A		0x0010		/* 00:02.0, 4-level (48-bit) */

/* The guest's queue ring. */
static uint64_t ci_queue;

/*
 * Cache invalidation from the guest: SID_A (domain 1) maps IOVA 0x5000 and
 * 0x6000 in a 4-level table; the guest rewrites the 0x5000 PTE, then
 * invalidates through the queue with descriptors that miss it (another
 * domain, another page) before the one that names it; then it clears the
 * context entry and invalidates another device's context before its own.
 */
#define CI_DID		1

static void guest_code_cache(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), l4 = alloc_table();
	uint64_t l3 = alloc_table(), l2 = alloc_table(), l1 = alloc_table();
	uint64_t *ce = tva(ctx) + (SID_A & 0xff) * 2;

	ci_queue = pool_queue(16);
	tva(root)[0] = ctx | 1;
	ce[0] = l4 | 1;
	ce[1] = 2 | (CI_DID << 8);
	tva(l4)[0] = l3 | 3;
	tva(l3)[0] = l2 | 3;
	tva(l2)[0] = l1 | 3;
	tva(l1)[5] = 0x7000 | 3;
	tva(l1)[6] = 0x8000 | 3;
	guest_fault_events();
	vtd_enable(root, ci_queue);
	GUEST_SYNC(1);		/* the host fills its caches */

	tva(l1)[5] = 0x9000 | 3;
	vtd_gq_submit(&gq, IOTLB_PSI(CI_DID + 1), 0x5000);	/* PSI, other domain */
	GUEST_SYNC(2);
	vtd_gq_submit(&gq, IOTLB_PSI(CI_DID), 0x6000);	/* PSI, other page */
	GUEST_SYNC(3);
	vtd_gq_submit(&gq, IOTLB_PSI(CI_DID), 0x5000);	/* PSI, that page */
	GUEST_SYNC(4);

	ce[0] = 0;
	vtd_gq_submit(&gq, CC_DEVICE(CI_DID, SID_A + 8), 0);
	GUEST_SYNC(5);
	vtd_gq_submit(&gq, CC_DEVICE(CI_DID, SID_A), 0);
	GUEST_SYNC(6);
	GUEST_DONE();
}

/*
 * The same in scalable mode, through a 256-bit queue: PASID 1 of SID_A is
 * first stage (domain 2) mapping IOVA 0x5000; the guest remaps it and
 * sends PASID-IOTLB invalidations, then IOTLB ones (which take first-stage
 * entries too: a page-selective one of the domain, at another address,
 * and a global one), then turns the PASID entry into pass-through and
 * sends PASID-cache invalidations, each time first with a descriptor that
 * misses (another PASID, another domain).
 */
static void guest_code_cache_sm(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), pdir = alloc_table();
	uint64_t ptbl = alloc_table(), l4 = alloc_table(), l3 = alloc_table();
	uint64_t l2 = alloc_table(), l1 = alloc_table();
	uint64_t *ce = tva(ctx) + (SID_A & 0x7f) * 4;

	ci_queue = pool_queue(32);
	tva(root)[0] = ctx | 1;
	ce[0] = pdir | BIT_ULL(3) | 1;
	tva(pdir)[0] = ptbl | 1;
	set_pe(tva(ptbl) + 8, (1 << 6) | 1, 2, l4);
	tva(l4)[0] = l3 | 7;
	tva(l3)[0] = l2 | 7;
	tva(l2)[0] = l1 | 7;
	tva(l1)[5] = 0x7000 | 7 | FS_A | FS_D;
	guest_fault_events();
	vtd_enable(root | RTADDR_TTM_SM, ci_queue | IQA_DW);
	GUEST_SYNC(1);

	tva(l1)[5] = 0x9000 | 7 | FS_A | FS_D;
	vtd_gq_submit(&gq, PIOTLB(2, 2), 0x5000);	/* PIOTLB, PASID 2 */
	vtd_gq_submit(&gq, PIOTLB(3, 1), 0x5000);	/* PIOTLB, domain 3 */
	vtd_gq_submit(&gq, IOTLB_DSI(3), 0);				/* IOTLB, domain 3 */
	GUEST_SYNC(2);
	vtd_gq_submit(&gq, PIOTLB(2, 1), 0x5000);	/* PIOTLB, that page */
	GUEST_SYNC(3);
	tva(l1)[5] = 0xa000 | 7 | FS_A | FS_D;
	vtd_gq_submit(&gq, IOTLB_PSI(2), 0x40000000);		/* IOTLB PSI, domain 2 */
	GUEST_SYNC(4);
	tva(l1)[5] = 0xb000 | 7 | FS_A | FS_D;
	vtd_gq_submit(&gq, IOTLB_GLOBAL, 0);					/* IOTLB global */
	GUEST_SYNC(5);

	set_pe(tva(ptbl) + 8, (4 << 6) | 1, 2, 0);		/* pass-through */
	vtd_gq_submit(&gq, PC_PASID(2, 2), 0);		/* PC, PASID 2 */
	vtd_gq_submit(&gq, PC_PASID(3, 1), 0);		/* PC, domain 3 */
	GUEST_SYNC(6);
	vtd_gq_submit(&gq, PC_PASID(2, 1), 0);		/* PC, that PASID */
	GUEST_SYNC(7);
	GUEST_DONE();
}

/* A VM with the table pool and a legacy or (@scalable) scalable-mode unit, at stage 1. */
static void setup(struct vtd_vm *f, void *guest, bool scalable)
{
	vtd_vm_tables(f, guest, POOL_GPA, POOL_SLOT, POOL_PAGES, scalable);
	run_stage(f, 1);
}

/* Translate SID_A's @iova: the result and the pages it read. */
static void ci_xlate(struct vtd_vm *f, uint64_t iova, uint64_t gpa, uint8_t fault,
		     uint64_t walk_pages, uint64_t ctx_pages)
{
	uint64_t w0 = vtd_stat(f->fd, KVM_VTD_STAT_WALK_PAGES_READ);
	uint64_t c0 = vtd_stat(f->fd, KVM_VTD_STAT_CTX_PAGES_READ);
	struct kvm_vtd_translation t;

	TEST_ASSERT_EQ(0, xlate(f->fd, SID_A, iova, KVM_VTD_TRANSLATE_NO_FAULT, &t));
	TEST_ASSERT_EQ(fault, t.fault_reason);
	TEST_ASSERT_EQ(gpa, t.gpa);
	TEST_ASSERT_EQ(walk_pages, vtd_stat(f->fd, KVM_VTD_STAT_WALK_PAGES_READ) - w0);
	TEST_ASSERT_EQ(ctx_pages, vtd_stat(f->fd, KVM_VTD_STAT_CTX_PAGES_READ) - c0);
}

/* The unit's shared page, mapped as a VMM maps it. */
static const struct kvm_vtd_shared *shared_map(int fd)
{
	void *p = mmap(NULL, KVM_VTD_SHARED_SIZE, PROT_READ, MAP_SHARED, fd, 0);

	TEST_ASSERT(p != MAP_FAILED, "mmap of the shared page");
	return p;
}

static uint64_t xlate_gen(const struct kvm_vtd_shared *sh)
{
	return __atomic_load_n(&sh->xlate_gen, __ATOMIC_ACQUIRE);
}

/*
 * The IOTLB and context cache, and with them the translation generation a
 * VMM's cache of translations follows: each invalidation bumps it (even one
 * that drops nothing of the unit's), translations never do.
 */
TEST(cache_invalidation)
{
	const struct kvm_vtd_shared *sh;
	struct vtd_vm f;
	uint64_t gen;

	setup(&f, guest_code_cache, false);
	sh = shared_map(f.fd);
	gen = xlate_gen(sh);
	ASSERT_LT(0, gen);				/* SRTP, TE */
	ci_xlate(&f, 0x5000, 0x7000, 0, 4, 2);		/* miss: 2 + 4 pages */
	ci_xlate(&f, 0x6000, 0x8000, 0, 4, 0);
	ci_xlate(&f, 0x5000, 0x7000, 0, 0, 0);		/* hit */
	ASSERT_EQ(gen, xlate_gen(sh));

	run_stage(&f, 2);	/* PTE changed, PSI of another domain */
	ASSERT_EQ(++gen, xlate_gen(sh));
	ci_xlate(&f, 0x5000, 0x7000, 0, 0, 0);
	run_stage(&f, 3);	/* PSI of another page: that one re-walks */
	ASSERT_EQ(++gen, xlate_gen(sh));
	ci_xlate(&f, 0x5000, 0x7000, 0, 0, 0);
	ci_xlate(&f, 0x6000, 0x8000, 0, 4, 0);
	run_stage(&f, 4);	/* PSI of the page: exactly one path re-walked */
	ASSERT_EQ(++gen, xlate_gen(sh));
	ci_xlate(&f, 0x5000, 0x9000, 0, 4, 0);
	ci_xlate(&f, 0x6000, 0x8000, 0, 0, 0);

	run_stage(&f, 5);	/* context cleared, another device invalidated */
	ASSERT_EQ(++gen, xlate_gen(sh));
	ci_xlate(&f, 0x5000, 0x9000, 0, 0, 0);
	run_stage(&f, 6);	/* its own context invalidated */
	ASSERT_EQ(++gen, xlate_gen(sh));
	ci_xlate(&f, 0x5000, 0, 0x2, 0, 2);
	ASSERT_EQ(gen, xlate_gen(sh));
	/* Reset is a switch; the mapping outlives the device fd. */
	ASSERT_EQ(0, __kvm_device_attr_set(f.fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL) ? errno : 0);
	ASSERT_EQ(++gen, xlate_gen(sh));
	ASSERT_EQ(3, vtd_stat(f.fd, KVM_VTD_STAT_IOTLB_INVALIDATIONS));
	ASSERT_EQ(2, vtd_stat(f.fd, KVM_VTD_STAT_CC_INVALIDATIONS));
	/* Dropped: the 0x6000 leaf, the 0x5000 leaf, SID_A's context. */
	ASSERT_EQ(3, vtd_stat(f.fd, KVM_VTD_STAT_CACHE_INVALIDATED));

	run_stage(&f, -1);
	vtd_vm_free(&f);
	ASSERT_EQ(gen, xlate_gen(sh));
	ASSERT_EQ(0, munmap((void *)sh, KVM_VTD_SHARED_SIZE));
}

/* The shared page: whole, shared and read-only, or refused. */
TEST(shared_page_abi)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	const struct kvm_vtd_shared *sh;
	void *p;

	ASSERT_LE(0, fd);
	p = mmap(NULL, KVM_VTD_SHARED_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = mmap(NULL, KVM_VTD_SHARED_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = mmap(NULL, 2 * KVM_VTD_SHARED_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = mmap(NULL, KVM_VTD_SHARED_SIZE, PROT_READ, MAP_SHARED, fd, KVM_VTD_SHARED_SIZE);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);
	p = mmap(NULL, KVM_VTD_SHARED_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EINVAL, errno);

	sh = shared_map(fd);
	ASSERT_EQ(-1, mprotect((void *)sh, KVM_VTD_SHARED_SIZE, PROT_READ | PROT_WRITE));
	ASSERT_EQ(EACCES, errno);
	/* Nothing switched yet; the rest is zero. */
	ASSERT_EQ(0, xlate_gen(sh));
	ASSERT_EQ(0, sh->reserved[0]);
	ASSERT_EQ(0, sh->reserved[510]);
	close(fd);
	kvm_vm_free(vm);
	ASSERT_EQ(0, xlate_gen(sh));
	ASSERT_EQ(0, munmap((void *)sh, KVM_VTD_SHARED_SIZE));
}

/* Translate SID_A PASID 1's @iova: the result, and whether it walked. */
static void ci_xlate_p1(struct vtd_vm *f, uint64_t iova, uint64_t gpa, uint64_t walk_pages,
			uint64_t pasid_pages)
{
	uint64_t w0 = vtd_stat(f->fd, KVM_VTD_STAT_WALK_PAGES_READ);
	uint64_t p0 = vtd_stat(f->fd, KVM_VTD_STAT_PASID_PAGES_READ);
	struct kvm_vtd_translation t;

	TEST_ASSERT_EQ(0, xlate_pasid(f->fd, SID_A, 1, iova, KVM_VTD_TRANSLATE_NO_FAULT, &t));
	TEST_ASSERT_EQ(0, t.fault_reason);
	TEST_ASSERT_EQ(gpa, t.gpa);
	TEST_ASSERT_EQ(walk_pages, vtd_stat(f->fd, KVM_VTD_STAT_WALK_PAGES_READ) - w0);
	TEST_ASSERT_EQ(pasid_pages, vtd_stat(f->fd, KVM_VTD_STAT_PASID_PAGES_READ) - p0);
}

TEST(cache_invalidation_scalable)
{
	struct vtd_vm f;

	setup(&f, guest_code_cache_sm, true);
	ci_xlate_p1(&f, 0x5000, 0x7000, 4, 2);
	ci_xlate_p1(&f, 0x5000, 0x7000, 0, 0);
	run_stage(&f, 2);	/* remapped; PIOTLB of other PASID/domain, IOTLB */
	ci_xlate_p1(&f, 0x5000, 0x7000, 0, 0);
	run_stage(&f, 3);	/* PIOTLB of the page: one path re-walked */
	ci_xlate_p1(&f, 0x5000, 0x9000, 4, 0);
	run_stage(&f, 4);	/* IOTLB PSI of the domain, elsewhere: re-walked */
	ci_xlate_p1(&f, 0x5000, 0xa000, 4, 0);
	run_stage(&f, 5);	/* IOTLB global: re-walked */
	ci_xlate_p1(&f, 0x5000, 0xb000, 4, 0);
	run_stage(&f, 6);	/* pass-through now; PC of other PASID/domain */
	ci_xlate_p1(&f, 0x5000, 0xb000, 0, 0);
	run_stage(&f, 7);	/* PC of the PASID: the new entry is read */
	ci_xlate_p1(&f, 0x5000, 0x5000, 0, 2);
	ASSERT_EQ(3, vtd_stat(f.fd, KVM_VTD_STAT_PIOTLB_INVALIDATIONS));
	ASSERT_EQ(3, vtd_stat(f.fd, KVM_VTD_STAT_IOTLB_INVALIDATIONS));
	ASSERT_EQ(3, vtd_stat(f.fd, KVM_VTD_STAT_PC_INVALIDATIONS));
	/* Dropped: the leaf three times, then the PASID entry. */
	ASSERT_EQ(4, vtd_stat(f.fd, KVM_VTD_STAT_CACHE_INVALIDATED));

	run_stage(&f, -1);
	vtd_vm_free(&f);
}

TEST_HARNESS_MAIN
