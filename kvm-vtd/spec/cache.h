/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kvm-vtd: the unit's translation caches.
 *
 * A context cache (what the root, context and PASID structures say for a
 * source-id and PASID) and an IOTLB (leaf translations per domain-id and
 * PASID), both fixed-size and direct-mapped: a new entry replaces whatever
 * occupies its slot (counted as an eviction), so memory is bounded and no
 * allocation happens on the translation path.  Only successful results are
 * cached: not-present and faulting structures never are.  That is the
 * behaviour CAP.CM=0 promises, and it is also correct with CM=1, which only
 * allows a unit to cache them (so software must invalidate after making an
 * entry present).  Each invalidation drops the entries the spec's
 * descriptor names.
 *
 * Pure code; the caller serializes (kvm_vtd.lock).  KUnit drives it with
 * fake guest memory in kunit/cache_kunit.c.
 */
#ifndef _KVM_VTD_CACHE_H
#define _KVM_VTD_CACHE_H

#include "walk.h"

#define VTD_CTX_CACHE_ENTRIES	64
#define VTD_IOTLB_ENTRIES	512

/**
 * struct vtd_ctx_cache_entry - a cached context-stage result
 * @valid: the slot holds an entry
 * @sid: source-id of the request
 * @pasid_present: the request carried a PASID
 * @pasid: that PASID (0 without)
 * @xc: what the structures resolved to
 */
struct vtd_ctx_cache_entry {
	bool valid;
	u16 sid;
	bool pasid_present;
	u32 pasid;
	struct vtd_xlate_ctx xc;
};

/**
 * struct vtd_iotlb_entry - a cached leaf translation
 * @valid: the slot holds an entry
 * @first_stage: a first-stage (PASID-granular) mapping, invalidated by
 *	PASID-based IOTLB descriptors; else second stage, invalidated by IOTLB
 *	descriptors
 * @dirty: first stage: the leaf's D bit was set by a write through it
 * @width: first stage: the canonical width (48 or 57) whose sign bits the
 *	leaf's address is stored without; 64 for second stage
 * @did: domain-id
 * @pasid: the PASID the mapping belongs to (0 in legacy mode)
 * @leaf: the leaf: input and output address, size, permissions, level
 */
struct vtd_iotlb_entry {
	bool valid;
	bool first_stage;
	bool dirty;
	u8 width;
	u16 did;
	u32 pasid;
	struct vtd_leaf leaf;
};

/**
 * struct vtd_cache - the unit's caches and their counters
 * @ctx: the context cache
 * @tlb: the IOTLB
 * @ctx_hits: context-stage lookups answered from @ctx
 * @ctx_misses: context-stage lookups that read guest memory
 * @tlb_hits: leaf lookups answered from @tlb
 * @tlb_misses: leaf lookups that walked
 * @evictions: valid entries replaced by new ones
 * @invalidated: entries dropped by invalidations
 */
struct vtd_cache {
	struct vtd_ctx_cache_entry ctx[VTD_CTX_CACHE_ENTRIES];
	struct vtd_iotlb_entry tlb[VTD_IOTLB_ENTRIES];
	u64 ctx_hits;
	u64 ctx_misses;
	u64 tlb_hits;
	u64 tlb_misses;
	u64 evictions;
	u64 invalidated;
};

bool vtd_cache_ctx_lookup(struct vtd_cache *c, const struct vtd_xlate *x,
			  struct vtd_xlate_ctx *xc);
void vtd_cache_ctx_insert(struct vtd_cache *c, const struct vtd_xlate *x,
			  const struct vtd_xlate_ctx *xc);
bool vtd_cache_tlb_lookup(struct vtd_cache *c, const struct vtd_xlate_ctx *xc, u64 addr,
			  bool write, struct vtd_leaf *leaf);
void vtd_cache_tlb_insert(struct vtd_cache *c, const struct vtd_xlate_ctx *xc,
			  const struct vtd_leaf *leaf, bool write);
void vtd_cache_flush(struct vtd_cache *c);
void vtd_cache_inv_context(struct vtd_cache *c, u8 gran, u16 did, u16 sid, u8 fm);
void vtd_cache_inv_pasid(struct vtd_cache *c, u8 gran, u16 did, u32 pasid);
void vtd_cache_inv_iotlb(struct vtd_cache *c, u8 gran, u16 did, u64 addr, u8 am);
void vtd_cache_inv_piotlb(struct vtd_cache *c, u8 gran, u16 did, u32 pasid, u64 addr, u8 am);
void vtd_translate_cached(struct vtd_gmem *gm, const struct vtd_xlate_cfg *cfg,
			  struct vtd_cache *c, struct vtd_xlate *x,
			  struct vtd_xlate_scratch *s);

#endif /* _KVM_VTD_CACHE_H */
