// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd translation: a guest builds legacy-mode root, context and
 * second-stage tables in its own memory (4- and 3-level, 4 KiB, 2 MiB and
 * 1 GiB leaves, mixed permissions), turns translation on, and the host
 * checks KVM_DEV_VTD_TRANSLATE against the guest's own list of what it
 * mapped, counting the table pages each translation reads.  A translation
 * fault then reaches the guest as a fault event MSI and a fault record.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "apic.h"
#include "ucall_common.h"
#include "vtd_util.h"

#define R		VTD_GPA
#define FAULT_VECTOR	0x41
#define POOL_PAGES	512
#define POOL_GPA	0x10000000ull	/* own memslot, identity-mapped */
#define POOL_SLOT	1
#define NR_4K		256
#define NR_2M		16
#define NR_1G		2
#define NR_MAP		(NR_4K + NR_2M + NR_1G)

#define SID_A		0x0010		/* 00:02.0, 4-level (48-bit) */
#define SID_B		0x0118		/* 01:03.0, 3-level (39-bit) */
#define SID_FPD		0x0120		/* 01:04.0, not present, FPD set */
#define SID_NONE	0x0128		/* 01:05.0, not present */

#define PTE_R		1ull
#define PTE_W		2ull
#define PTE_PS		BIT_ULL(7)
#define ADDR_MASK	0x000ffffffffff000ull

struct mapping {
	uint64_t iova;
	uint64_t gpa;
	uint64_t size;
	uint32_t perm;
	uint16_t sid;
	uint8_t levels;
};

/* Shared with the host. */
static uint64_t pool_gva, pool_gpa;
static struct mapping maps[2][NR_MAP];
static uint32_t fault_irqs;

static uint64_t next_table, rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t *tva(uint64_t gpa)
{
	return (uint64_t *)(pool_gva + (gpa - pool_gpa));
}

static uint64_t alloc_table(void)
{
	GUEST_ASSERT(next_table < POOL_PAGES);
	return pool_gpa + 4096 * next_table++;
}

/* Map one leaf at @leaf_level; false if anything already maps there. */
static bool map(uint64_t root, int levels, uint64_t iova, uint64_t gpa,
		int leaf_level, uint64_t perm)
{
	uint64_t table = root, *t;
	int level, idx;

	for (level = levels; level > leaf_level; level--) {
		t = tva(table);
		idx = (iova >> (12 + 9 * (level - 1))) & 511;
		if (t[idx] & PTE_PS)
			return false;
		if (!(t[idx] & (PTE_R | PTE_W)))
			t[idx] = alloc_table() | PTE_R | PTE_W;
		table = t[idx] & ADDR_MASK;
	}
	t = tva(table);
	idx = (iova >> (12 + 9 * (leaf_level - 1))) & 511;
	if (t[idx] & (PTE_R | PTE_W))
		return false;
	t[idx] = gpa | perm | (leaf_level > 1 ? PTE_PS : 0);
	return true;
}

static uint64_t random_perm(void)
{
	static const uint64_t perms[] = { PTE_R, PTE_W, PTE_R | PTE_W, PTE_R | PTE_W };

	return perms[rnd() % 4];
}

/*
 * Fill maps[m] with NR_MAP mappings in the tables at @root: 4 KiB pages in
 * 32 2 MiB chunks scattered over the low quarter of the address space (so
 * the tables fit the pool), 2 MiB pages over the next quarter, 1 GiB above.
 */
static void build(int m, uint64_t root, int levels, uint16_t sid)
{
	uint64_t top = levels == 4 ? 1ull << 40 : 1ull << 38;
	uint64_t chunk[32];
	int n = 0;

	for (n = 0; n < 32; n++)
		chunk[n] = (rnd() % (top / 4)) & ~((1ull << 21) - 1);
	n = 0;
	while (n < NR_MAP) {
		struct mapping *mp = &maps[m][n];
		int leaf = n < NR_4K ? 1 : n < NR_4K + NR_2M ? 2 : 3;
		uint64_t size = 1ull << (12 + 9 * (leaf - 1));

		if (leaf == 1)
			mp->iova = chunk[rnd() % 32] + (rnd() % 512) * 4096;
		else
			mp->iova = ((rnd() % (top / 4)) & ~(size - 1)) +
				   (uint64_t)(leaf - 1) * (top / 4);
		mp->gpa = (rnd() % (1ull << 40)) & ~(size - 1);
		mp->size = size;
		mp->perm = random_perm();
		mp->sid = sid;
		mp->levels = levels;
		if (map(root, levels, mp->iova, mp->gpa, leaf, mp->perm))
			n++;
	}
}

static void guest_code(void)
{
	uint64_t root = alloc_table(), ctx0 = alloc_table(), ctx1 = alloc_table();
	uint64_t ss_a = alloc_table(), ss_b = alloc_table();
	uint64_t *re = tva(root), *ce;
	int i;

	/* Root entries for buses 0 and 1. */
	re[0] = ctx0 | 1;
	re[2] = ctx1 | 1;
	/* A: 4-level (AW 2), domain 1.  B: 3-level (AW 1), domain 2. */
	ce = tva(ctx0);
	ce[(SID_A & 0xff) * 2] = ss_a | 1;
	ce[(SID_A & 0xff) * 2 + 1] = 2 | (1 << 8);
	ce = tva(ctx1);
	ce[(SID_B & 0xff) * 2] = ss_b | 1;
	ce[(SID_B & 0xff) * 2 + 1] = 1 | (2 << 8);
	ce[(SID_FPD & 0xff) * 2] = 2;		/* not present, FPD */
	build(0, ss_a, 4, SID_A);
	build(1, ss_b, 3, SID_B);

	/* Fault events to vector FAULT_VECTOR on this CPU. */
	xapic_enable();
	wr32(R, FEDATA, FAULT_VECTOR);
	wr32(R, FEADDR, 0xfee00000);
	wr32(R, FECTL, 0);
	asm volatile("sti");

	wr64(R, RTADDR, root);
	wr32(R, GCMD, GCMD_SRTP);
	for (i = 0; i < 1000 && !(rd32(R, GSTS) & GSTS_RTPS); i++)
		;
	wr32(R, GCMD, GCMD_TE);
	for (i = 0; i < 1000 && !(rd32(R, GSTS) & GSTS_TES); i++)
		;
	GUEST_ASSERT_EQ(rd32(R, GSTS), GSTS_RTPS | GSTS_TES);
	GUEST_SYNC(1);		/* the host translates */

	/* The host's faulting translation: one MSI and one record. */
	for (i = 0; i < 100000 && !READ_ONCE(fault_irqs); i++)
		asm volatile("nop");
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	GUEST_SYNC(2);
	GUEST_DONE();
}

static void fault_handler(struct ex_regs *regs)
{
	WRITE_ONCE(fault_irqs, fault_irqs + 1);
	xapic_write_reg(APIC_EOI, 0);
}

static int xlate(int fd, uint16_t sid, uint64_t iova, uint32_t flags,
		 struct kvm_vtd_translation *t)
{
	memset(t, 0, sizeof(*t));
	t->sid = sid;
	t->iova = iova;
	t->flags = flags;
	return __kvm_device_attr_get(fd, KVM_DEV_VTD_GRP_TRANSLATE,
				     KVM_DEV_VTD_TRANSLATE, t);
}

struct fixture {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpu;
	int fd;
};

static void setup(struct fixture *f)
{
	struct ucall uc;

	/*
	 * The 6.12 library only accounts extra pages for page tables, it
	 * does not add them to memslot 0: the table pool gets its own slot.
	 */
	f->vm = vm_create_with_one_vcpu(&f->vcpu, guest_code);
	vm_userspace_mem_region_add(f->vm, VM_MEM_SRC_ANONYMOUS, POOL_GPA, POOL_SLOT,
				    POOL_PAGES, 0);
	virt_map(f->vm, POOL_GPA, POOL_GPA, POOL_PAGES);
	virt_map(f->vm, VTD_GPA, VTD_GPA, 1);
	virt_pg_map(f->vm, APIC_DEFAULT_GPA, APIC_DEFAULT_GPA);
	vm_install_exception_handler(f->vm, FAULT_VECTOR, fault_handler);
	pool_gva = POOL_GPA;
	pool_gpa = POOL_GPA;
	sync_global_to_guest(f->vm, pool_gva);
	sync_global_to_guest(f->vm, pool_gpa);

	f->fd = __kvm_create_device(f->vm, KVM_DEV_TYPE_INTEL_VTD);
	TEST_ASSERT(f->fd >= 0, "create");
	TEST_ASSERT(!vtd_set_addr(f->fd, VTD_GPA) && !vtd_init(f->fd), "init");

	vcpu_run(f->vcpu);
	TEST_ASSERT(get_ucall(f->vcpu, &uc) == UCALL_SYNC && uc.args[1] == 1,
		    "guest did not reach stage 1 (exit %s)",
		    exit_reason_str(f->vcpu->run->exit_reason));
	sync_global_from_guest(f->vm, maps);
}

TEST(guest_tables)
{
	uint64_t walk0, ctx0, walks, ok = 0, neg = 0, fro, hi;
	struct kvm_vtd_translation t;
	struct fixture f;
	struct ucall uc;
	int m, i;

	setup(&f);
	for (m = 0; m < 2; m++) {
		for (i = 0; i < NR_MAP; i++) {
			struct mapping *mp = &maps[m][i];
			uint64_t off = rand() % mp->size;
			int levels_read;

			walk0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
			ctx0 = vtd_stat(f.fd, KVM_VTD_STAT_CTX_PAGES_READ);
			ASSERT_EQ(0, xlate(f.fd, mp->sid, mp->iova + off,
					   (mp->perm & PTE_R) ? 0 : KVM_VTD_TRANSLATE_WRITE, &t));
			ASSERT_EQ(0, t.fault_reason)
				TH_LOG("sid %x iova 0x%lx: fault 0x%x", mp->sid, mp->iova + off,
				       t.fault_reason);
			ASSERT_EQ(mp->gpa + off, t.gpa) TH_LOG("iova 0x%lx", mp->iova + off);
			ASSERT_EQ(mp->size, t.size);
			ASSERT_EQ(mp->perm, t.perm);
			/* One table page per level down to the leaf, 2 for context. */
			levels_read = mp->levels - __builtin_ctzll(mp->size >> 12) / 9;
			walks = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ) - walk0;
			ASSERT_EQ(levels_read, walks);
			ASSERT_EQ(2, vtd_stat(f.fd, KVM_VTD_STAT_CTX_PAGES_READ) - ctx0);
			ok++;

			/* The access the mapping does not allow faults. */
			if (mp->perm != (PTE_R | PTE_W)) {
				bool w = !(mp->perm & PTE_W);

				ASSERT_EQ(0, xlate(f.fd, mp->sid, mp->iova + off,
						   KVM_VTD_TRANSLATE_NO_FAULT |
						   (w ? KVM_VTD_TRANSLATE_WRITE : 0), &t));
				ASSERT_EQ(w ? 0x5 : 0x6, t.fault_reason);
				ASSERT_EQ(0, t.fault_recorded);
				neg++;
			}
		}
	}
	/* Unmapped space, addresses beyond the AGAW, absent contexts. */
	for (i = 0; i < 64; i++) {
		uint64_t hole = (3ull << 38) + ((uint64_t)i << 30) + (rand() & 0xfff);
		uint32_t nf = KVM_VTD_TRANSLATE_NO_FAULT;

		ASSERT_EQ(0, xlate(f.fd, SID_A, (1ull << 47) + hole, nf, &t));
		ASSERT_EQ(0x6, t.fault_reason);
		ASSERT_EQ(0, xlate(f.fd, SID_B, (1ull << 39) + hole, nf, &t));
		ASSERT_EQ(0x4, t.fault_reason);
		neg += 2;
	}
	ASSERT_EQ(0, xlate(f.fd, SID_A, 1ull << 48, KVM_VTD_TRANSLATE_NO_FAULT, &t));
	ASSERT_EQ(0x4, t.fault_reason);
	ASSERT_EQ(0, xlate(f.fd, SID_NONE, 0x1000, KVM_VTD_TRANSLATE_NO_FAULT, &t));
	ASSERT_EQ(0x2, t.fault_reason);
	ASSERT_EQ(0, xlate(f.fd, 0x0500, 0x1000, KVM_VTD_TRANSLATE_NO_FAULT, &t));
	ASSERT_EQ(0x1, t.fault_reason);		/* bus 5 has no root entry */
	/* FPD: the fault is not recorded even when asked to. */
	ASSERT_EQ(0, xlate(f.fd, SID_FPD, 0x1000, 0, &t));
	ASSERT_EQ(0x2, t.fault_reason);
	ASSERT_EQ(0, t.fault_recorded);
	ASSERT_EQ(0, vtd_stat(f.fd, KVM_VTD_STAT_FAULTS_RECORDED));
	TH_LOG("%lu translations checked, %lu faulting ones", ok, neg);
	ASSERT_LE(400, ok);

	/* Bad requests. */
	t.flags = 1u << 7;
	ASSERT_EQ(-1, __kvm_device_attr_get(f.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					    KVM_DEV_VTD_TRANSLATE, &t));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, __kvm_device_attr_get(f.fd, KVM_DEV_VTD_GRP_TRANSLATE,
					    KVM_DEV_VTD_TRANSLATE, (void *)8));
	ASSERT_EQ(EFAULT, errno);

	/* A recorded fault reaches the guest: one MSI, one record. */
	ASSERT_EQ(0, xlate(f.fd, SID_A, (1ull << 47) + 0x3456, 0, &t));
	ASSERT_EQ(0x6, t.fault_reason);
	ASSERT_EQ(1, t.fault_recorded);
	vcpu_run(f.vcpu);
	if (get_ucall(f.vcpu, &uc) == UCALL_ABORT)
		REPORT_GUEST_ASSERT(uc);
	ASSERT_EQ(2, uc.args[1]);
	fro = CAP_FRO(vtd_reg_get(f.fd, CAP));
	hi = vtd_reg_get(f.fd, fro + 8);
	ASSERT_EQ(FRCD_F, hi & FRCD_F);
	ASSERT_EQ(SID_A, hi & 0xffff);
	ASSERT_EQ(0x6, (hi >> 32) & 0xff);
	ASSERT_EQ(1, (hi >> 62) & 1);		/* T1: a read */
	ASSERT_EQ((1ull << 47) + 0x3000, vtd_reg_get(f.fd, fro));
	ASSERT_EQ(1, vtd_stat(f.fd, KVM_VTD_STAT_FAULT_IRQS));

	/* Translation off: identity. */
	ASSERT_EQ(0, vtd_reg_set(f.fd, GSTS, GSTS_RTPS));
	ASSERT_EQ(0, xlate(f.fd, SID_NONE, 0x123456789ull, KVM_VTD_TRANSLATE_WRITE, &t));
	ASSERT_EQ(0, t.fault_reason);
	ASSERT_EQ(0x123456789ull, t.gpa);

	close(f.fd);
	kvm_vm_free(f.vm);
}

TEST(translate_before_init)
{
	struct kvm_vm *vm = vm_create_barebones();
	int fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	struct kvm_vtd_translation t;

	ASSERT_EQ(-1, xlate(fd, 0, 0, 0, &t));
	ASSERT_EQ(EBUSY, errno);
	close(fd);
	kvm_vm_free(vm);
}

TEST_HARNESS_MAIN
