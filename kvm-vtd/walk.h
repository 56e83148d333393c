/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: reading translation structures from guest memory, and the
 * second-stage page walk.  Pure code over a small guest-memory accessor, so
 * KUnit (kunit/walk_kunit.c) drives it with fake memory.
 */
#ifndef _KVM_VTD_WALK_H
#define _KVM_VTD_WALK_H

#include <linux/types.h>

/* Fault reasons (VT-d spec, "Non-recoverable Fault Reason Encodings"). */
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

#define VTD_PERM_R		BIT(0)
#define VTD_PERM_W		BIT(1)

#define VTD_TABLE_ENTRIES	512

/**
 * struct vtd_gmem - how the walkers read guest memory
 * @read_page: copy the 4 KiB guest page at @gpa (page aligned) to @buf;
 *	return 0, or a negative errno when no memory backs it
 * @pages_read: pages successfully read through this accessor
 */
struct vtd_gmem {
	int (*read_page)(struct vtd_gmem *gm, u64 gpa, void *buf);
	u64 pages_read;
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

/**
 * struct vtd_ss_walk - one second-stage walk
 * @gm: guest memory
 * @root: table address from the context (SLPTPTR), 4 KiB aligned
 * @levels: 3, 4 or 5
 * @haw: guest physical address width; entry address bits above it are
 *	reserved
 * @sp_2m: 2 MiB leaves allowed (CAP.SLLPS bit 0)
 * @sp_1g: 1 GiB leaves allowed (CAP.SLLPS bit 1)
 * @holes: also call @hook for non-present ranges (perm 0), one call per
 *	non-present entry at whatever level it is found
 * @hook: called for every present leaf in the range, in address order
 * @opaque: passed to @hook
 * @fault: out: fault reason when the walk returns -EFAULT
 * @fault_addr: out: input address being walked at the fault
 * @tables: scratch: one table page per level
 */
struct vtd_ss_walk {
	struct vtd_gmem *gm;
	u64 root;
	u8 levels;
	u8 haw;
	bool sp_2m;
	bool sp_1g;
	bool holes;
	vtd_walk_hook hook;
	void *opaque;
	u8 fault;
	u64 fault_addr;
	__le64 tables[5][VTD_TABLE_ENTRIES];
};

int vtd_ss_walk_range(struct vtd_ss_walk *w, u64 first, u64 last);

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

/**
 * struct vtd_xlate - one translation request and its result
 * @sid: in: source-id (bus << 8 | devfn)
 * @iova: in: input address
 * @write: in: the request writes (else reads)
 * @gpa: out: output address of @iova
 * @size: out: bytes the leaf maps around @iova (its alignment)
 * @perm: out: VTD_PERM_* of the leaf
 * @fault: out: fault reason, 0 on success
 * @fpd: out: the context entry disables fault recording
 * @did: out: domain-id of the context entry
 * @ctx_pages: out: root/context table pages read
 * @walk_pages: out: paging structure pages read
 */
struct vtd_xlate {
	u16 sid;
	u64 iova;
	bool write;
	u64 gpa;
	u64 size;
	u8 perm;
	u8 fault;
	bool fpd;
	u16 did;
	u32 ctx_pages;
	u32 walk_pages;
};

/**
 * struct vtd_xlate_cfg - the unit state a translation depends on
 * @cap: CAP
 * @ecap: ECAP
 * @te: GSTS.TES: translation enabled
 * @rta: latched root table address (RTADDR at the last SRTP)
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
 * @walk: the second-stage walk
 * @page: a root or context table page
 */
struct vtd_xlate_scratch {
	struct vtd_ss_walk walk;
	__le64 page[VTD_TABLE_ENTRIES];
};

int vtd_legacy_context(struct vtd_gmem *gm, u64 rta, u16 sid, u8 haw,
		       __le64 *page, struct vtd_ctx_entry *ce);
void vtd_translate(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
		   struct vtd_xlate *x, struct vtd_xlate_scratch *s);

#endif /* _KVM_VTD_WALK_H */
