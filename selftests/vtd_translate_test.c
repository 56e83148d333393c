// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd translation: a guest builds root, context (legacy and scalable
 * mode), PASID and page tables in its own memory (second stage 4- and
 * 3-level, first stage 4-level, 4 KiB, 2 MiB and 1 GiB leaves, mixed
 * permissions), turns translation on, and the host checks
 * KVM_DEV_VTD_TRANSLATE against the guest's own list of what it mapped,
 * counting the table pages each translation reads.  The guest checks that
 * the VMM's translations left its tables untouched, and a translation
 * fault reaches it as a fault event MSI and a fault record.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lib/vtd_guest_vm.h"
#include "lib/vtd_vmm.h"

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
#define SID_LOOP	0x0130		/* 01:06.0, a table that points to itself */
#define SID_AW57	0x0138		/* 01:07.0, AW 57-bit: not in SAGAW */
#define SID_OUT		0x0140		/* 01:08.0, table outside guest memory */
#define SID_INTR	0x0148		/* 01:09.0, leaves into the interrupt range */
#define INTR_FIRST	0xfee00000ull
#define INTR_LAST	0xfeefffffull
#define NOWHERE		0xf000000000ull	/* no memslot */
#define PTE_SNP		BIT_ULL(11)

struct mapping {
	uint64_t iova;
	uint64_t gpa;
	uint64_t size;
	uint32_t perm;
	uint16_t sid;
	uint8_t levels;
};

/* Shared with the host. */
static struct mapping maps[2][NR_MAP];
static uint64_t fs_root;	/* scalable test: the first-stage table */
static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t random_perm(bool fs)
{
	static const uint64_t ss[] = { PTE_R, PTE_W, PTE_R | PTE_W, PTE_R | PTE_W };
	static const uint64_t fs_[] = {
		FS_P | FS_US, FS_P | FS_RW | FS_US, FS_P | FS_RW | FS_US, FS_P | FS_RW,
	};

	return fs ? fs_[rnd() % 4] : ss[rnd() % 4];
}

/*
 * Fill maps[m] with NR_MAP mappings in the tables at @root: 4 KiB pages in
 * 32 2 MiB chunks scattered over the low quarter of the address space (so
 * the tables fit the pool), 2 MiB pages over the next quarter, 1 GiB above.
 */
static void build(int m, uint64_t root, int levels, uint16_t sid, bool fs)
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
		/* Software must not map anything to the interrupt range. */
		if (mp->gpa <= INTR_LAST && mp->gpa + size - 1 >= INTR_FIRST)
			continue;
		mp->size = size;
		mp->perm = random_perm(fs);
		mp->sid = sid;
		mp->levels = levels;
		if (map(root, levels, mp->iova, mp->gpa, leaf, mp->perm, fs))
			n++;
	}
}

static void guest_code(void)
{
	uint64_t root = alloc_table(), ctx0 = alloc_table(), ctx1 = alloc_table();
	uint64_t ss_a = alloc_table(), ss_b = alloc_table(), loop;
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
	/* Hostile: every entry of one table points back at that table. */
	loop = alloc_table();
	for (i = 0; i < 512; i++)
		tva(loop)[i] = loop | PTE_R | PTE_W;
	ce[(SID_LOOP & 0xff) * 2] = loop | 1;
	ce[(SID_LOOP & 0xff) * 2 + 1] = 2 | (3 << 8);
	ce[(SID_AW57 & 0xff) * 2] = ss_b | 1;
	ce[(SID_AW57 & 0xff) * 2 + 1] = 3 | (4 << 8);
	ce[(SID_OUT & 0xff) * 2] = NOWHERE | 1;
	ce[(SID_OUT & 0xff) * 2 + 1] = 2 | (5 << 8);
	/*
	 * Hostile: 4 KiB pages onto both ends of the interrupt range, a 1 GiB
	 * leaf that covers it, and neighbours that do not.
	 */
	loop = alloc_table();
	ce[(SID_INTR & 0xff) * 2] = loop | 1;
	ce[(SID_INTR & 0xff) * 2 + 1] = 2 | (6 << 8);
	map(loop, 4, 0x1000, INTR_FIRST, 1, PTE_R | PTE_W, false);
	map(loop, 4, 0x2000, INTR_LAST & ~0xfffull, 1, PTE_R | PTE_W, false);
	map(loop, 4, 0x3000, INTR_FIRST - 0x1000, 1, PTE_R | PTE_W, false);
	map(loop, 4, 0x4000, INTR_LAST + 1, 1, PTE_R | PTE_W, false);
	map(loop, 4, 1ull << 30, 3ull << 30, 3, PTE_R | PTE_W, false);
	build(0, ss_a, 4, SID_A, false);
	build(1, ss_b, 3, SID_B, false);

	guest_fault_events();
	vtd_enable(root, 0);
	GUEST_SYNC(1);		/* the host translates */

	/* The host's faulting translation: one MSI and one record. */
	for (i = 0; i < 100000 && !READ_ONCE(fault_irqs); i++)
		asm volatile("nop");
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	GUEST_SYNC(2);
	GUEST_DONE();
}

/*
 * Scalable mode: bus 0's lower context table has SID_A with PASIDs enabled;
 * PASID 0 (its RID_PASID) is second stage, PASID 1 first stage with
 * supervisor requests, PASID 2 pass-through, PASID 3 nested (unsupported).
 */
#define PASID_SS	0
#define PASID_FS	1
#define PASID_PT	2
#define PASID_NESTED	3
#define PASID_FPD_NP	5

static void guest_code_sm(void)
{
	uint64_t root = alloc_table(), ctx = alloc_table(), pdir = alloc_table();
	uint64_t ptbl = alloc_table(), ss = alloc_table();
	uint64_t *ce = tva(ctx) + (SID_A & 0x7f) * 4;
	int i, n;

	fs_root = alloc_table();
	tva(root)[0] = ctx | 1;				/* bus 0, devfn 0-127 */
	ce[0] = pdir | BIT_ULL(3) | 1;			/* PASIDE, PDTS 0 */
	/*
	 * RID_PASID names the first-stage PASID, but without ECAP.RPS the
	 * unit ignores the field: requests without PASID use PASID 0.
	 */
	ce[1] = PASID_FS;
	tva(pdir)[0] = ptbl | 1;			/* PASIDs 0-63 */
	set_pe(tva(ptbl) + PASID_SS * 8, ss | (2 << 6) | (2 << 2) | 1, 1, 0);
	set_pe(tva(ptbl) + PASID_FS * 8, (1 << 6) | 1, 2, fs_root | BIT_ULL(0));	/* SRE */
	set_pe(tva(ptbl) + PASID_PT * 8, (4 << 6) | 1, 3, 0);
	set_pe(tva(ptbl) + PASID_NESTED * 8, ss | (3 << 6) | (2 << 2) | 1, 4, fs_root);
	set_pe(tva(ptbl) + PASID_FPD_NP * 8, BIT_ULL(1), 0, 0);	/* FPD, not present */
	build(0, ss, 4, SID_A, false);
	build(1, fs_root, 4, SID_A, true);
	/* Linux sets SNP in scalable-mode second-stage leaves: ignored. */
	for (i = 0; i < NR_MAP; i++) {
		struct mapping *mp = &maps[0][i];

		*leaf_entry(ss, 4, mp->iova, __builtin_ctzll(mp->size >> 12) / 9 + 1) |=
			PTE_SNP;
	}

	guest_fault_events();
	vtd_enable(root | RTADDR_TTM_SM, 0);
	GUEST_ASSERT_EQ(rd64(R, RTADDR), root | RTADDR_TTM_SM);
	GUEST_SYNC(1);		/* the host translates */

	/*
	 * The VMM's translations only read guest memory: no first-stage entry
	 * the host translated through got an accessed or dirty bit.
	 */
	for (n = 0; n < NR_MAP; n++) {
		struct mapping *mp = &maps[1][n];
		int leaf = __builtin_ctzll(mp->size >> 12) / 9 + 1;

		GUEST_ASSERT_EQ(*leaf_entry(fs_root, 4, mp->iova, leaf), mp->gpa | mp->perm |
				(leaf > 1 ? PTE_PS : 0));
		GUEST_ASSERT(!(tva(fs_root)[(mp->iova >> 39) & 511] & (FS_A | FS_D)));
	}
	GUEST_SYNC(2);

	for (i = 0; i < 100000 && !READ_ONCE(fault_irqs); i++)
		asm volatile("nop");
	GUEST_ASSERT_EQ(READ_ONCE(fault_irqs), 1);
	GUEST_SYNC(3);
	GUEST_DONE();
}

/* The same, and the guest's list of what it mapped. */
static void setup(struct vtd_vm *f, void *guest, bool scalable)
{
	vtd_vm_tables(f, guest, POOL_GPA, POOL_SLOT, POOL_PAGES, scalable);
	run_stage(f, 1);
	sync_global_from_guest(f->vm, maps);
}

TEST(guest_tables)
{
	uint64_t walk0, ctx0, walks, nwalks, leaves, ok = 0, neg = 0, fro, hi;
	struct kvm_vtd_translation t;
	struct vtd_vm f;
	struct ucall uc;
	int m, i;

	setup(&f, guest_code, false);
	for (m = 0; m < 2; m++) {
		for (i = 0; i < NR_MAP; i++) {
			struct mapping *mp = &maps[m][i];
			uint64_t off = rand() % mp->size;
			int levels_read;

			walk0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
			ctx0 = vtd_stat(f.fd, KVM_VTD_STAT_CTX_PAGES_READ);
			nwalks = vtd_stat(f.fd, KVM_VTD_STAT_WALKS);
			leaves = vtd_stat(f.fd, KVM_VTD_STAT_WALK_LEAVES);
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
			/* The context entry is read once per device, then cached. */
			ASSERT_EQ(i ? 0 : 2, vtd_stat(f.fd, KVM_VTD_STAT_CTX_PAGES_READ) - ctx0);
			/* One walk, one leaf. */
			ASSERT_EQ(1, vtd_stat(f.fd, KVM_VTD_STAT_WALKS) - nwalks);
			ASSERT_EQ(1, vtd_stat(f.fd, KVM_VTD_STAT_WALK_LEAVES) - leaves);
			/* Again: the IOTLB answers, no guest memory is read. */
			walk0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
			ASSERT_EQ(0, xlate(f.fd, mp->sid, mp->iova + off,
					   (mp->perm & PTE_R) ? 0 : KVM_VTD_TRANSLATE_WRITE, &t));
			ASSERT_EQ(mp->gpa + off, t.gpa);
			ASSERT_EQ(walk0, vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ));
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
	/*
	 * Hostile tables: a self-referencing table is walked exactly 4 levels
	 * deep (to a leaf that maps the table itself); an AW the unit does not
	 * support and a table outside guest memory fault.
	 */
	for (i = 0; i < 64; i++) {
		uint64_t iova = ((uint64_t)rand() << 16 ^ rand()) & ((1ull << 48) - 1);

		walk0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
		ASSERT_EQ(0, xlate(f.fd, SID_LOOP, iova, KVM_VTD_TRANSLATE_WRITE, &t));
		ASSERT_EQ(0, t.fault_reason);
		ASSERT_EQ(4, vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ) - walk0);
		ASSERT_EQ(iova & 0xfff, t.gpa & 0xfff);
		ASSERT_EQ(0, xlate(f.fd, SID_AW57, iova, KVM_VTD_TRANSLATE_NO_FAULT, &t));
		ASSERT_EQ(0x3, t.fault_reason);
		walk0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
		ASSERT_EQ(0, xlate(f.fd, SID_OUT, iova, KVM_VTD_TRANSLATE_NO_FAULT, &t));
		ASSERT_EQ(0x7, t.fault_reason);
		ASSERT_EQ(0, vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ) - walk0);
		neg += 2;
	}
	/*
	 * The interrupt range: no output in 0xfee00000-0xfeefffff, not by a
	 * page there, not by a large leaf around it, whichever page of the
	 * leaf is asked for (LGN.4, fault reason 0xe); neighbours translate.
	 */
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, xlate(f.fd, SID_INTR, 0x1000 * (i + 1), KVM_VTD_TRANSLATE_NO_FAULT |
				   KVM_VTD_TRANSLATE_WRITE, &t));
		ASSERT_EQ(0xe, t.fault_reason);
		ASSERT_EQ(0, t.gpa);
		ASSERT_EQ(0, xlate(f.fd, SID_INTR, 0x3000 + 0x1000 * i, 0, &t));
		ASSERT_EQ(0, t.fault_reason);
		ASSERT_EQ(i ? INTR_LAST + 1 : INTR_FIRST - 0x1000, t.gpa);
		ASSERT_EQ(0, xlate(f.fd, SID_INTR, (1ull << 30) + (i ? 0x12345000 : 0x3ee00000),
				   KVM_VTD_TRANSLATE_NO_FAULT, &t));
		ASSERT_EQ(0xe, t.fault_reason);
		neg += 2;
	}

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

	/*
	 * A fault at an address beyond 2^52 is recorded as it came, and what
	 * the unit recorded, a VMM restores: the guest cannot make its VM
	 * unmigratable.
	 */
	ASSERT_EQ(0, xlate(f.fd, SID_A, 0xfedc000000005000ull, 0, &t));
	ASSERT_EQ(0x4, t.fault_reason);
	ASSERT_EQ(1, t.fault_recorded);
	ASSERT_EQ(0xfedc000000005000ull, vtd_reg_get(f.fd, fro + 16));
	for (i = 0; i < 4; i++) {
		uint64_t v = vtd_reg_get(f.fd, fro + 8 * i);

		ASSERT_EQ(0, vtd_reg_set(f.fd, fro + 8 * i, v)) TH_LOG("FRCD qword %d", i);
	}

	/*
	 * Translation off: identity, in the aligned block of up to 1 GiB
	 * around the address that stays clear of the interrupt range (2 MiB
	 * just below it, 4 KiB inside it).
	 */
	ASSERT_EQ(0, vtd_reg_set(f.fd, GSTS, GSTS_RTPS));
	ASSERT_EQ(0, xlate(f.fd, SID_NONE, 0x123456789ull, KVM_VTD_TRANSLATE_WRITE, &t));
	ASSERT_EQ(0, t.fault_reason);
	ASSERT_EQ(0x123456789ull, t.gpa);
	ASSERT_EQ(1ull << 30, t.size);
	ASSERT_EQ(0, xlate(f.fd, SID_NONE, 0xfed01000ull, 0, &t));
	ASSERT_EQ(0xfed01000ull, t.gpa);
	ASSERT_EQ(1ull << 21, t.size);
	ASSERT_EQ(0, xlate(f.fd, SID_NONE, 0xfee00000ull, 0, &t));
	ASSERT_EQ(0, t.fault_reason);
	ASSERT_EQ(4096, t.size);

	vtd_vm_free(&f);
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

TEST(scalable_tables)
{
	uint32_t nf = KVM_VTD_TRANSLATE_NO_FAULT, w = KVM_VTD_TRANSLATE_WRITE;
	uint32_t priv = KVM_VTD_TRANSLATE_PRIV;
	uint64_t ok_ss = 0, ok_fs = 0, ok_pt = 0, neg = 0, c0, p0, w0, fro, hi, base;
	struct kvm_vtd_translation t;
	struct vtd_vm f;
	int i, rc;

	setup(&f, guest_code_sm, true);

	/* Second stage: requests without PASID (RID_PASID) and with PASID 0. */
	for (i = 0; i < NR_MAP; i++) {
		struct mapping *mp = &maps[0][i];
		uint64_t off = rand() % mp->size;
		uint32_t fl = (mp->perm & PTE_R) ? 0 : w;
		int levels_read = 4 - __builtin_ctzll(mp->size >> 12) / 9;

		c0 = vtd_stat(f.fd, KVM_VTD_STAT_CTX_PAGES_READ);
		p0 = vtd_stat(f.fd, KVM_VTD_STAT_PASID_PAGES_READ);
		w0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
		rc = i & 1 ? xlate_pasid(f.fd, SID_A, PASID_SS, mp->iova + off, fl, &t) :
			     xlate(f.fd, SID_A, mp->iova + off, fl, &t);
		ASSERT_EQ(0, rc);
		ASSERT_EQ(0, t.fault_reason) TH_LOG("iova 0x%lx", mp->iova + off);
		ASSERT_EQ(mp->gpa + off, t.gpa);
		ASSERT_EQ(mp->size, t.size);
		ASSERT_EQ(mp->perm, t.perm);
		/*
		 * Root + context, PASID directory + table the first time for
		 * each (source-id, PASID) key, then cached; one page per level.
		 */
		ASSERT_EQ(i < 2 ? 2 : 0, vtd_stat(f.fd, KVM_VTD_STAT_CTX_PAGES_READ) - c0);
		ASSERT_EQ(i < 2 ? 2 : 0, vtd_stat(f.fd, KVM_VTD_STAT_PASID_PAGES_READ) - p0);
		ASSERT_EQ(levels_read, vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ) - w0);
		ok_ss++;
		if (mp->perm != (PTE_R | PTE_W)) {
			ASSERT_EQ(0, xlate(f.fd, SID_A, mp->iova + off, nf | (fl ^ w), &t));
			ASSERT_EQ(fl ? 0x86 : 0x85, t.fault_reason);
			neg++;
		}
	}

	/*
	 * First stage (PASID 1): user requests where the page is user
	 * accessible (writes too where writable), supervisor requests where it
	 * is not; every other access faults with its reason.
	 */
	for (i = 0; i < NR_MAP; i++) {
		struct mapping *mp = &maps[1][i];
		uint64_t off = rand() % mp->size, iova = mp->iova + off;
		bool user = mp->perm & FS_US, rw = mp->perm & FS_RW;
		int levels_read = 4 - __builtin_ctzll(mp->size >> 12) / 9;

		w0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
		if (!user) {
			ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FS, iova, nf, &t));
			ASSERT_EQ(0x81, t.fault_reason);
			neg++;
			w0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
		}
		ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FS, iova, user ? 0 : priv, &t));
		ASSERT_EQ(0, t.fault_reason) TH_LOG("iova 0x%lx perm %x", iova, mp->perm);
		ASSERT_EQ(mp->gpa + off, t.gpa);
		ASSERT_EQ(mp->size, t.size);
		/* A supervisor may write a read-only page: WPE is clear. */
		ASSERT_EQ(rw || !user ? KVM_VTD_PERM_READ | KVM_VTD_PERM_WRITE :
			  KVM_VTD_PERM_READ, t.perm);
		ASSERT_EQ(levels_read, vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ) - w0);
		ok_fs++;
		if (user) {
			ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FS, iova, w | (rw ? 0 : nf),
						 &t));
			ASSERT_EQ(rw ? 0 : 0x85, t.fault_reason);
			neg += !rw;
		}
	}
	/* Pass-through (PASID 2): identity, no page walk. */
	w0 = vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ);
	for (i = 0; i < 256; i++) {
		uint64_t iova = ((uint64_t)rand() << 16 ^ rand()) & ((1ull << 40) - 1);

		if (iova >= INTR_FIRST && iova <= INTR_LAST)	/* checked below */
			iova += 1ull << 32;
		ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_PT, iova, i & 1 ? w : 0, &t));
		ASSERT_EQ(0, t.fault_reason);
		ASSERT_EQ(iova, t.gpa);
		/* A power-of-two block of 4 KiB to 1 GiB, clear of the interrupt range. */
		ASSERT_TRUE(t.size >= 4096 && t.size <= 1ull << 30 && !(t.size & (t.size - 1)));
		base = iova & ~(t.size - 1);
		ASSERT_TRUE(base > INTR_LAST || base + (t.size - 1) < INTR_FIRST);
		ok_pt++;
	}
	ASSERT_EQ(w0, vtd_stat(f.fd, KVM_VTD_STAT_WALK_PAGES_READ));

	/* Structure faults, each with its scalable-mode reason. */
	for (i = 0; i < 16; i++) {
		uint64_t hole = (uint64_t)i << 41;

		ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FS, (1ull << 47) + hole, nf, &t));
		ASSERT_EQ(0x80, t.fault_reason);		/* not canonical */
		ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FS, (3ull << 45) + hole, nf, &t));
		ASSERT_EQ(0x71, t.fault_reason);		/* not present */
		ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_SS, (1ull << 48) + hole, nf, &t));
		ASSERT_EQ(0x83, t.fault_reason);		/* beyond the AGAW */
		neg += 3;
	}
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_NESTED, 0x1000, nf, &t));
	ASSERT_EQ(0x5b, t.fault_reason);			/* nested: no ECAP.NEST */
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, 4, 0x1000, nf, &t));
	ASSERT_EQ(0x59, t.fault_reason);			/* PASID entry not present */
	/* Not present with FPD: not recorded, even when asked to be. */
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FPD_NP, 0x1000, 0, &t));
	ASSERT_EQ(0x59, t.fault_reason);
	ASSERT_EQ(0, t.fault_recorded);
	/* Pass-through output in the interrupt range: SGN.8, 0x87. */
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_PT, 0xfee12345, nf | w, &t));
	ASSERT_EQ(0x87, t.fault_reason);
	neg += 2;
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, 64, 0x1000, nf, &t));
	ASSERT_EQ(0x51, t.fault_reason);			/* directory entry not present */
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, 128 * 64, 0x1000, nf, &t));
	ASSERT_EQ(0x46, t.fault_reason);			/* beyond PDTS */
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_SS, 0x1000, nf | priv, &t));
	ASSERT_EQ(0x5d, t.fault_reason);			/* supervisor, SRE clear */
	ASSERT_EQ(0, xlate(f.fd, SID_B, 0x1000, nf, &t));
	ASSERT_EQ(0x39, t.fault_reason);			/* no root entry for bus 1 */
	ASSERT_EQ(0, xlate(f.fd, SID_A + 1, 0x1000, nf, &t));
	ASSERT_EQ(0x41, t.fault_reason);			/* no context entry */
	neg += 7;
	TH_LOG("second stage %lu, first stage %lu, pass-through %lu, faulting %lu",
	       ok_ss, ok_fs, ok_pt, neg);
	ASSERT_LE(200, ok_ss);
	ASSERT_LE(200, ok_fs);
	ASSERT_LE(200, ok_pt);
	ASSERT_EQ(0, vtd_stat(f.fd, KVM_VTD_STAT_FAULTS_RECORDED));

	/* Bad requests: a privilege without PASID, a PASID beyond 20 bits. */
	ASSERT_EQ(-1, xlate(f.fd, SID_A, 0x1000, priv, &t));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, xlate_pasid(f.fd, SID_A, 1u << 20, 0x1000, 0, &t));
	ASSERT_EQ(EINVAL, errno);

	/* The guest finds its first-stage entries untouched. */
	run_stage(&f, 2);

	/* A recorded fault with PASID: the MSI, and PP/PV in the record. */
	ASSERT_EQ(0, xlate_pasid(f.fd, SID_A, PASID_FS, (3ull << 45) + 0x1234, w, &t));
	ASSERT_EQ(0x71, t.fault_reason);
	ASSERT_EQ(1, t.fault_recorded);
	run_stage(&f, 3);
	fro = CAP_FRO(vtd_reg_get(f.fd, CAP));
	hi = vtd_reg_get(f.fd, fro + 8);
	ASSERT_EQ(FRCD_F, hi & FRCD_F);
	ASSERT_EQ(SID_A, hi & 0xffff);
	ASSERT_EQ(0x71, (hi >> 32) & 0xff);
	ASSERT_EQ(1, (hi >> 31) & 1);			/* PP */
	ASSERT_EQ(PASID_FS, (hi >> 40) & 0xfffff);	/* PV */
	ASSERT_EQ(0, (hi >> 62) & 1);			/* T1: a write */
	ASSERT_EQ((3ull << 45) + 0x1000, vtd_reg_get(f.fd, fro));

	vtd_vm_free(&f);
}

TEST_HARNESS_MAIN
