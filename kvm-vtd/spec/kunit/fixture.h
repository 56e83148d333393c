/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KUnit suites' shared fixture: fake guest memory holding a root table,
 * a context table and page tables at fixed addresses, environments for one
 * source-id in legacy and scalable mode, translate wrappers, and a register
 * file.  One definition here, used by each source's suite.
 */
#ifndef _KVM_VTD_KUNIT_FIXTURE_H
#define _KVM_VTD_KUNIT_FIXTURE_H

#include <kunit/test.h>

#include "../cache.h"
#include "../regfile.h"
#include "../walk.h"

#define MEM_BASE	0x100000ull
#define MEM_PAGES	600
#define ROOT		(MEM_BASE + 0x0000)
#define CTXT		(MEM_BASE + 0x1000)
#define T(n)		(MEM_BASE + 0x2000 + (u64)(n) * 0x1000)
#define SID		0x0308		/* bus 3, devfn 1 */
#define RW		(VTD_PERM_R | VTD_PERM_W)
#define PS		BIT_ULL(7)
#define KT_FRCD_HI(i)	(VTD_FRCD_REG + (i) * VTD_FRCD_SIZE + 8)

/* Scalable mode: PASID directory, PASID table, first-stage tables. */
#define PDIR		T(518)	/* and T(519): directory pages can be two */
#define PTBL		T(521)
#define FS(n)		T(530 + (n))
#define SM_ECAP		(VTD_ECAP_SMTS | VTD_ECAP_SLTS | VTD_ECAP_FLTS | VTD_ECAP_PASID | \
			 VTD_ECAP_SRS | VTD_ECAP_PT)
#define SM_CE		((SID & 0x7f) * 4)	/* qword of SID's 256-bit entry */
#define PE_SS(aw)	(T(0) | (VTD_PGTT_SS << 6) | ((aw) << 2) | 1)
#define PE_FS		((VTD_PGTT_FS << 6) | 1)
#define FS_PWU		(BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2))
#define FS_A		BIT_ULL(5)
#define FS_D		BIT_ULL(6)
#define PE_SRE		BIT_ULL(0)
#define PE_WPE		BIT_ULL(4)

struct fake_mem {
	struct vtd_gmem gm;
	u8 *pages;
	bool read_only;
};

/* What the walker reported to its trace points (kt_env() installs them). */
struct kt_traced {
	u64 walks, levels, leaves, skips;
};

extern struct kt_traced kt_traced;

struct env {
	struct fake_mem mem;
	struct vtd_xlate_cfg cfg;
	struct vtd_xlate_scratch *s;
};

void kt_set_entry(struct fake_mem *m, u64 table, unsigned int i, u64 v);
u64 kt_get_entry(struct fake_mem *m, u64 table, unsigned int i);
struct env *kt_env(struct kunit *test, unsigned int aw, unsigned int tt);

static inline struct vtd_xlate kt_xl(struct env *e, u64 iova, bool write)
{
	struct vtd_xlate x = { .sid = SID, .iova = iova, .write = write };	/* no PASID */

	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	return x;
}

void kt_map4(struct env *e, u64 iova, u64 gpa, u64 leaf_perm);
void kt_set_pe(struct env *e, u32 pasid, u64 q0, u64 q1, u64 q2);
struct env *kt_sm_env(struct kunit *test);

static inline struct vtd_xlate kt_xp(struct env *e, u32 pasid, u64 iova, bool write, bool priv)
{
	struct vtd_xlate x = {
		.sid = SID, .pasid_present = true, .pasid = pasid,
		.iova = iova, .write = write, .priv = priv,
	};

	vtd_translate(&e->mem.gm, &e->cfg, &x, e->s);
	return x;
}

void kt_fsmap4(struct env *e, u64 iova, u64 gpa, u64 leaf);

/* Cached translations: what each invalidation drops, and only that. */
static inline struct vtd_xlate kt_xc(struct env *e, struct vtd_cache *c, bool pasid, u32 p,
				     u64 iova, bool write)
{
	struct vtd_xlate x = {
		.sid = SID, .pasid_present = pasid, .pasid = p, .iova = iova, .write = write,
	};

	e->mem.gm.pages_read = 0;
	vtd_translate_cached(&e->mem.gm, &e->cfg, c, &x, e->s);
	return x;
}

struct vtd_cache *kt_cache(struct kunit *test);
struct vtd_regfile *kt_rf(struct kunit *test, u64 cap, u64 ecap);
struct vtd_regfile *kt_default_rf(struct kunit *test);
void kt_wr(struct vtd_regfile *rf, u32 off, int len, u64 v, struct vtd_events *ev);
u64 kt_rd(struct vtd_regfile *rf, u32 off, int len);
int kt_fault(struct vtd_regfile *rf, u16 sid, struct vtd_events *ev);

#endif /* _KVM_VTD_KUNIT_FIXTURE_H */
