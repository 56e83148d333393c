/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: reading translation structures from guest memory (legacy and
 * scalable-mode root/context entries, PASID directory and table), and the
 * first- and second-stage page walk.  Pure code over a small guest-memory
 * accessor, so KUnit (kunit/walk_kunit.c, context_kunit.c, xlate_kunit.c)
 * drives it with fake memory.
 */
#ifndef _KVM_VTD_WALK_H
#define _KVM_VTD_WALK_H

#include <linux/types.h>

/*
 * Fault reasons (VT-d spec, "Non-recoverable Fault Reason Encodings"; the
 * scalable-mode codes from 0x30 are the ones Linux's dmar.c decodes).
 */
#define VTD_FR_ROOT_ENTRY_P	0x1	/* root entry not present */
#define VTD_FR_CONTEXT_ENTRY_P	0x2	/* context entry not present */
#define VTD_FR_CONTEXT_ENTRY_INV 0x3	/* context entry invalid (AW, TT) */
#define VTD_FR_ADDR_BEYOND_AW	0x4	/* input address above the AGAW/MGAW */
#define VTD_FR_WRITE		0x5	/* write without W permission */
#define VTD_FR_READ		0x6	/* read without R permission */
#define VTD_FR_PAGING_ENTRY_INV	0x7	/* paging structure not accessible */
#define VTD_FR_ROOT_TABLE_INV	0x8	/* root table not accessible */
#define VTD_FR_CONTEXT_TABLE_INV 0x9	/* context table not accessible */
#define VTD_FR_ROOT_ENTRY_RSVD	0xa	/* reserved bit set in a root entry */
#define VTD_FR_CONTEXT_ENTRY_RSVD 0xb	/* reserved bit set in a context entry */
#define VTD_FR_PAGING_ENTRY_RSVD 0xc	/* reserved bit set in a paging entry */
#define VTD_FR_INTERRUPT_ADDR	0xe	/* output address in the interrupt range */

#define VTD_FR_SM_RTADDR_INV	0x30	/* invalid root table address/TTM */
#define VTD_FR_SM_TTM0_PASID	0x31	/* legacy mode, request with PASID */
#define VTD_FR_SM_ROOT_ACCESS	0x38	/* root entry not accessible */
#define VTD_FR_SM_ROOT_P	0x39	/* LP/UP clear */
#define VTD_FR_SM_ROOT_RSVD	0x3a	/* reserved bit in a root entry */
#define VTD_FR_SM_CTX_ACCESS	0x40	/* context entry not accessible */
#define VTD_FR_SM_CTX_P		0x41	/* context entry not present */
#define VTD_FR_SM_CTX_RSVD	0x42	/* reserved bit in a context entry */
#define VTD_FR_SM_CTX_PASIDE	0x45	/* request with PASID, PASIDE clear */
#define VTD_FR_SM_CTX_PDTS	0x46	/* PASID beyond PDTS */
#define VTD_FR_SM_PDIR_ACCESS	0x50	/* PASID directory not accessible */
#define VTD_FR_SM_PDIR_P	0x51	/* PASID directory entry not present */
#define VTD_FR_SM_PDIR_RSVD	0x52	/* reserved bit, directory entry */
#define VTD_FR_SM_PTE_ACCESS	0x58	/* PASID table not accessible */
#define VTD_FR_SM_PTE_P		0x59	/* PASID table entry not present */
#define VTD_FR_SM_PTE_RSVD	0x5a	/* reserved bit, PASID table entry */
#define VTD_FR_SM_PTE_INV	0x5b	/* PGTT, AW or FLPM not supported */
#define VTD_FR_SM_PTE_SRE	0x5d	/* privileged request, SRE clear */
#define VTD_FR_FS_ACCESS	0x70	/* first-stage entry not accessible */
#define VTD_FR_FS_P		0x71	/* first-stage entry not present */
#define VTD_FR_FS_RSVD		0x72	/* reserved bit, first-stage entry */
#define VTD_FR_FS_PTPTR_INV	0x73	/* FSPTPTR table not accessible */
#define VTD_FR_SS_ACCESS	0x78	/* second-stage entry not accessible */
#define VTD_FR_SS_RSVD		0x7a	/* reserved bit, second-stage entry */
#define VTD_FR_SS_PTPTR_INV	0x7b	/* SSPTPTR table not accessible */
#define VTD_FR_SM_NON_CANONICAL	0x80	/* first-stage input not canonical */
#define VTD_FR_SM_US		0x81	/* user request, supervisor page */
#define VTD_FR_SM_BEYOND_AW	0x83	/* input address above the AGAW/MGAW */
#define VTD_FR_SM_WRITE		0x85	/* write without write permission */
#define VTD_FR_SM_READ		0x86	/* read without read permission */
#define VTD_FR_SM_INTERRUPT_ADDR 0x87	/* output address in the interrupt range */
#define VTD_FR_FS_AD_UPDATE	0x91	/* A/D update failed */

#define VTD_PERM_R		BIT(0)
#define VTD_PERM_W		BIT(1)
#define VTD_PERM_U		BIT(2)	/* first stage: user accessible */

#define VTD_TABLE_ENTRIES	512

struct vtd_gmem;
struct vtd_leaf;

/**
 * struct vtd_walk_trace - where a walk tells a tracer what it did
 * @walk: a range walk starts: its root, depth, stage and range
 * @level: a table of @level is read for the range @first..@last
 * @leaf: a present leaf was found
 * @skip: a non-present entry of @level covering @size bytes at @iova was
 *	stepped over
 *
 * The module implements these with tracepoints, the KUnit suites and the
 * fuzz targets with counters.  All four are set when the table is given.
 */
struct vtd_walk_trace {
	void (*walk)(struct vtd_gmem *gm, u64 root, unsigned int levels, bool first_stage,
		     u64 first, u64 last);
	void (*level)(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first, u64 last);
	void (*leaf)(struct vtd_gmem *gm, const struct vtd_leaf *leaf);
	void (*skip)(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size);
};

/**
 * struct vtd_gmem - how the walkers read (and write) guest memory
 * @read_page: copy the 4 KiB guest page at @gpa (page aligned) to @buf;
 *	return 0, or a negative errno when no memory backs it
 * @update: compare-and-exchange the 64-bit little-endian entry at @gpa:
 *	0 when *@old matched and @new was stored, -EAGAIN with *@old set to
 *	the current value when it did not, -EFAULT when it cannot be written;
 *	NULL: the walk must not write guest memory (no A/D updates)
 * @trace: what the walks did, told to the caller's tracer, or NULL
 * @id: unit id, for tracing
 * @pages_read: pages successfully read through this accessor
 * @entries_written: entries successfully updated through this accessor
 * @walks: page walks started through this accessor
 * @leaves: present leaves those walks found
 */
struct vtd_gmem {
	int (*read_page)(struct vtd_gmem *gm, u64 gpa, void *buf);
	int (*update)(struct vtd_gmem *gm, u64 gpa, u64 *old, u64 new);
	const struct vtd_walk_trace *trace;
	u32 id;
	u64 pages_read;
	u64 entries_written;
	u64 walks;
	u64 leaves;
};

/**
 * struct vtd_leaf - one present leaf of a walk, or a hole
 * @iova: first input address the leaf maps (aligned to @size)
 * @gpa: output address of @iova
 * @size: bytes the leaf maps: 4 KiB, 2 MiB or 1 GiB (or a hole's size)
 * @perm: VTD_PERM_* accumulated down the levels; 0 for a hole
 * @level: level of the leaf entry (1 = page table)
 */
struct vtd_leaf {
	u64 iova;
	u64 gpa;
	u64 size;
	u8 perm;
	u8 level;
};

/* A hook returning non-zero stops the walk and makes it return that value. */
typedef int (*vtd_walk_hook)(void *opaque, const struct vtd_leaf *leaf);

/* Why a walk stopped with -EFAULT. */
enum vtd_walk_err {
	VTD_WALK_OK,
	VTD_WALK_RANGE,		/* bad level count or range */
	VTD_WALK_ROOT_ACCESS,	/* the top table cannot be read */
	VTD_WALK_ACCESS,	/* a lower table cannot be read */
	VTD_WALK_RSVD,		/* reserved bit in a present entry */
	VTD_WALK_BUDGET,	/* @max_pages table pages read */
};

/**
 * struct vtd_walk - one page walk
 * @gm: guest memory
 * @root: top table address (SLPTPTR/SSPTPTR or FLPTPTR), 4 KiB aligned
 * @levels: 3, 4 or 5
 * @haw: guest physical address width; entry address bits above it are
 *	reserved
 * @first_stage: first-stage entry format (P/RW/US) instead of second-stage
 *	(R/W)
 * @sp_2m: 2 MiB leaves allowed (CAP.SLLPS bit 0; always for first stage)
 * @sp_1g: 1 GiB leaves allowed (CAP.SLLPS bit 1; CAP.FS1GP)
 * @tm: second-stage TM (bit 62) of a leaf is a field, not reserved
 *	(ECAP.DT); the walk ignores it (it is a hint for device-TLBs)
 * @snp: second-stage SNP (bit 11) of a leaf is a field, not reserved
 *	(ECAP.SC, or any scalable-mode table); the walk ignores it, as all
 *	DMA through the unit snoops
 * @holes: also call @hook for non-present ranges (perm 0), one call per
 *	non-present entry at whatever level it is found
 * @max_pages: stop with %VTD_WALK_BUDGET after reading this many table
 *	pages (0: no limit; single translations need none, they read at most
 *	@levels)
 * @hook: called for every present leaf in the range, in address order
 * @opaque: passed to @hook
 * @err: out: why the walk returned -EFAULT
 * @err_level: out: level at which it did
 * @fault_addr: out: input address being walked at the fault
 * @pages_at_start: internal: @gm->pages_read when the walk began
 * @path: out: per level, the address and value of the last entry looked at
 *	(for a single-address walk: the path to its leaf)
 * @tables: scratch: one table page per level
 */
struct vtd_walk {
	struct vtd_gmem *gm;
	u64 root;
	u8 levels;
	u8 haw;
	bool first_stage;
	bool sp_2m;
	bool sp_1g;
	bool tm;
	bool snp;
	bool holes;
	u64 max_pages;
	vtd_walk_hook hook;
	void *opaque;
	enum vtd_walk_err err;
	u8 err_level;
	u64 fault_addr;
	u64 pages_at_start;
	struct {
		u64 gpa;
		u64 val;
	} path[5];
	__le64 tables[5][VTD_TABLE_ENTRIES];
};

int vtd_walk_range(struct vtd_walk *w, u64 first, u64 last);
int vtd_walk_set_ad(struct vtd_walk *w, unsigned int leaf_level, bool write);

/**
 * struct vtd_ctx_entry - a decoded legacy-mode context entry
 * @present: P
 * @fpd: fault processing disable
 * @tt: translation type (0 multi-level, 1 device-TLB, 2 pass-through)
 * @aw: address width encoding (1: 39-bit, 2: 48-bit, 3: 57-bit)
 * @did: domain-id
 * @slptptr: second-stage table pointer
 */
struct vtd_ctx_entry {
	bool present;
	bool fpd;
	u8 tt;
	u8 aw;
	u16 did;
	u64 slptptr;
};

/* Legacy context entry translation types. */
#define VTD_TT_MULTI		0
#define VTD_TT_DEV_TLB		1	/* multi-level, device-TLBs allowed */
#define VTD_TT_PT		2

/*
 * The PASID requests without PASID use in scalable mode.  The unit does
 * not advertise ECAP.RPS, so it is always 0 and the context entry's
 * RID_PASID field is ignored.
 */
#define VTD_RID_PASID		0

/**
 * struct vtd_sm_ctx - a decoded scalable-mode context entry (256-bit)
 * @fpd: fault processing disable
 * @paside: PASID enable: requests with PASID are allowed
 * @pdts: PASID directory size: 2^(@pdts + 7) entries
 * @pasid_dir: PASID directory pointer
 */
struct vtd_sm_ctx {
	bool fpd;
	bool paside;
	u8 pdts;
	u64 pasid_dir;
};

/* PASID-granular translation types (PASID table entry PGTT). */
#define VTD_PGTT_FS		1
#define VTD_PGTT_SS		2
#define VTD_PGTT_NESTED		3
#define VTD_PGTT_PT		4

/**
 * struct vtd_pasid_entry - a decoded scalable-mode PASID table entry
 * @fpd: fault processing disable (this entry's or its directory entry's)
 * @pgtt: VTD_PGTT_*
 * @aw: second-stage address width encoding (levels - 2)
 * @did: domain-id
 * @slptptr: second-stage table pointer
 * @flptptr: first-stage table pointer
 * @flpm: first-stage paging mode (0: 4-level, 1: 5-level)
 * @sre: supervisor requests enabled
 * @wpe: write protect enable (supervisor writes honour R/W)
 * @eafe: extended accessed flag enable
 * @val: the entry as the guest wrote it (for the host side's PASID sync)
 */
struct vtd_pasid_entry {
	bool fpd;
	u8 pgtt;
	u8 aw;
	u16 did;
	u64 slptptr;
	u64 flptptr;
	u8 flpm;
	bool sre;
	bool wpe;
	bool eafe;
	u64 val[8];
};

/* Which structures a translation went through. */
enum vtd_xlate_mode {
	VTD_XM_OFF,		/* translation disabled: identity */
	VTD_XM_LEGACY,		/* legacy context, second stage */
	VTD_XM_LEGACY_PT,	/* legacy context, pass-through */
	VTD_XM_SM_FS,		/* scalable mode, first stage */
	VTD_XM_SM_SS,		/* scalable mode, second stage */
	VTD_XM_SM_PT,		/* scalable mode, pass-through */
};

/* Did the translation go through a scalable-mode context (and PASID entry)? */
static inline bool vtd_xm_scalable(u8 mode)
{
	return mode == VTD_XM_SM_FS || mode == VTD_XM_SM_SS || mode == VTD_XM_SM_PT;
}

/**
 * struct vtd_xlate_ctx - what the root/context/PASID structures resolve to
 * @mode: &enum vtd_xlate_mode
 * @did: domain-id (context entry in legacy mode, PASID entry in scalable)
 * @pasid: the PASID whose entry applies (%VTD_RID_PASID for requests
 *	without one); 0 in legacy mode
 * @fpd: fault processing disabled by one of the structures
 * @first_stage: the walk is first stage
 * @sre: supervisor requests enabled
 * @wpe: write protect enable
 * @eafe: extended access flag enable (first stage)
 * @levels: paging levels of the walk
 * @width: input address width: min(AGAW, MGAW) for the second stage, the
 *	canonical width for the first stage, the guest physical width for
 *	pass-through
 * @root: top table of the walk
 */
struct vtd_xlate_ctx {
	u8 mode;
	u16 did;
	u32 pasid;
	bool fpd;
	bool first_stage;
	bool sre;
	bool wpe;
	bool eafe;
	u8 levels;
	u8 width;
	u64 root;
};

/**
 * struct vtd_xlate - one translation request and its result
 * @sid: in: source-id (bus << 8 | devfn)
 * @pasid_present: in: a request with PASID
 * @pasid: in: its PASID (ignored without @pasid_present)
 * @iova: in: input address
 * @write: in: the request writes (else reads)
 * @priv: in: privileged (supervisor) request; only with a PASID
 * @gpa: out: output address of @iova
 * @size: out: bytes the leaf maps around @iova (its alignment)
 * @perm: out: VTD_PERM_R/W this requester has on the leaf
 * @fault: out: fault reason, 0 on success
 * @fpd: out: fault processing disabled by the context, PASID directory or
 *	PASID table entry
 * @mode: out: &enum vtd_xlate_mode
 * @did: out: domain-id of the context or PASID entry
 * @ctx_pages: out: root/context table pages read
 * @pasid_pages: out: PASID directory and table pages read
 * @walk_pages: out: paging structure pages read
 * @ad_writes: out: first-stage entries whose A/D bits were set
 * @ctx_cached: out: the context stage was answered by the context cache
 * @leaf_cached: out: the leaf was answered by the IOTLB
 */
struct vtd_xlate {
	u16 sid;
	bool pasid_present;
	u32 pasid;
	u64 iova;
	bool write;
	bool priv;
	u64 gpa;
	u64 size;
	u8 perm;
	u8 fault;
	bool fpd;
	u8 mode;
	u16 did;
	u32 ctx_pages;
	u32 pasid_pages;
	u32 walk_pages;
	u32 ad_writes;
	bool ctx_cached;
	bool leaf_cached;
};

/**
 * struct vtd_xlate_cfg - the unit state a translation depends on
 * @cap: CAP
 * @ecap: ECAP
 * @te: GSTS.TES: translation enabled
 * @rta: latched root table address register (RTADDR at the last SRTP,
 *	with TTM)
 * @haw: guest physical address width
 */
struct vtd_xlate_cfg {
	u64 cap;
	u64 ecap;
	bool te;
	u64 rta;
	u8 haw;
};

/**
 * struct vtd_xlate_scratch - memory one translation needs
 * @walk: the page walk
 * @page: a root, context, PASID directory or PASID table page
 */
struct vtd_xlate_scratch {
	struct vtd_walk walk;
	__le64 page[VTD_TABLE_ENTRIES];
};

int vtd_legacy_context(struct vtd_gmem *gm, u64 rta, u16 sid, u8 haw,
		       __le64 *page, struct vtd_ctx_entry *ce);
int vtd_sm_context(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg, u16 sid,
		   __le64 *page, struct vtd_sm_ctx *ce);
int vtd_pasid_entry(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		    const struct vtd_sm_ctx *ce, u32 pasid, __le64 *page,
		    struct vtd_pasid_entry *pe);
/* Called for each usable PASID entry of a range walk; non-zero stops it. */
typedef int (*vtd_pasid_hook)(void *opaque, u32 pasid, const struct vtd_pasid_entry *pe);

int vtd_pasid_range_walk(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			 const struct vtd_sm_ctx *ce, u32 first, u32 last, __le64 *dir,
			 __le64 *table, vtd_pasid_hook fn, void *opaque, u64 max_pages,
			 u32 *next);
u8 vtd_resolve(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg, struct vtd_xlate *x,
	       struct vtd_xlate_scratch *s, struct vtd_xlate_ctx *xc);
int vtd_range_walk(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   const struct vtd_xlate_ctx *xc, struct vtd_walk *w, u64 first, u64 last,
		   vtd_walk_hook hook, void *opaque, u64 max_pages);
void vtd_translate(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   struct vtd_xlate *x, struct vtd_xlate_scratch *s);

#endif /* _KVM_VTD_WALK_H */
