// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the context cache and the IOTLB (see cache.h), and what each
 * invalidation drops from them (VT-d spec, "Context-cache Invalidate
 * Descriptor", "IOTLB Invalidate Descriptor", "PASID-cache Invalidate
 * Descriptor", "PASID-based-IOTLB Invalidate Descriptor").
 */
#include <linux/bits.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/string.h>

#include "cache.h"
#include "inval.h"
#include "regs.h"

#define CTX_BITS	ilog2(VTD_CTX_CACHE_ENTRIES)
#define TLB_BITS	ilog2(VTD_IOTLB_ENTRIES)

static const unsigned int leaf_shifts[] = { 12, 21, 30 };

static struct vtd_ctx_cache_entry *ctx_slot(struct vtd_cache *c, const struct vtd_xlate *x)
{
	u64 key = x->sid | (u64)x->pasid_present << 16 | (u64)x->pasid << 17;

	return &c->ctx[hash_64(key, CTX_BITS)];
}

static bool ctx_match(const struct vtd_ctx_cache_entry *e, const struct vtd_xlate *x)
{
	return e->valid && e->sid == x->sid && e->pasid_present == x->pasid_present &&
	       e->pasid == (x->pasid_present ? x->pasid : 0);
}

/**
 * vtd_cache_ctx_lookup() - the cached context stage of a request
 * @c: the caches
 * @x: the request (source-id, PASID)
 * @xc: out: the cached result
 *
 * Return: true on a hit.
 */
bool vtd_cache_ctx_lookup(struct vtd_cache *c, const struct vtd_xlate *x,
			  struct vtd_xlate_ctx *xc)
{
	struct vtd_ctx_cache_entry *e = ctx_slot(c, x);

	if (!ctx_match(e, x)) {
		c->ctx_misses++;
		return false;
	}
	c->ctx_hits++;
	*xc = e->xc;
	return true;
}

/**
 * vtd_cache_ctx_insert() - cache a successful context stage
 * @c: the caches
 * @x: the request
 * @xc: what the structures resolved to
 */
void vtd_cache_ctx_insert(struct vtd_cache *c, const struct vtd_xlate *x,
			  const struct vtd_xlate_ctx *xc)
{
	struct vtd_ctx_cache_entry *e = ctx_slot(c, x);

	if (e->valid && !ctx_match(e, x))
		c->evictions++;
	e->valid = true;
	e->sid = x->sid;
	e->pasid_present = x->pasid_present;
	e->pasid = x->pasid_present ? x->pasid : 0;
	e->xc = *xc;
}

static struct vtd_iotlb_entry *tlb_slot(struct vtd_cache *c, const struct vtd_xlate_ctx *xc,
					u64 addr, unsigned int shift)
{
	u64 key = (addr >> shift) ^ (u64)xc->did << 40 ^ (u64)xc->pasid << 20 ^
		  (u64)shift << 58 ^ (u64)xc->first_stage << 63;

	return &c->tlb[hash_64(key, TLB_BITS)];
}

static bool tlb_match(const struct vtd_iotlb_entry *e, const struct vtd_xlate_ctx *xc,
		      u64 addr, unsigned int shift)
{
	return e->valid && e->first_stage == xc->first_stage && e->did == xc->did &&
	       e->pasid == xc->pasid && e->leaf.size == 1ull << shift &&
	       e->leaf.iova == (addr & ~((1ull << shift) - 1));
}

/**
 * vtd_cache_tlb_lookup() - the cached leaf of an address
 * @c: the caches
 * @xc: the request's context stage (domain, PASID, stage)
 * @addr: the address as the walk sees it
 * @write: a write request: a first-stage leaf not yet dirty is a miss (the
 *	walk sets D)
 * @leaf: out: the cached leaf
 *
 * Return: true on a hit.
 */
bool vtd_cache_tlb_lookup(struct vtd_cache *c, const struct vtd_xlate_ctx *xc, u64 addr,
			  bool write, struct vtd_leaf *leaf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(leaf_shifts); i++) {
		struct vtd_iotlb_entry *e = tlb_slot(c, xc, addr, leaf_shifts[i]);

		if (!tlb_match(e, xc, addr, leaf_shifts[i]))
			continue;
		if (write && e->first_stage && !e->dirty)
			break;
		c->tlb_hits++;
		*leaf = e->leaf;
		return true;
	}
	c->tlb_misses++;
	return false;
}

/**
 * vtd_cache_tlb_insert() - cache the leaf of a successful translation
 * @c: the caches
 * @xc: the request's context stage
 * @leaf: the leaf
 * @write: the translation was a write (a first-stage leaf is now dirty)
 */
void vtd_cache_tlb_insert(struct vtd_cache *c, const struct vtd_xlate_ctx *xc,
			  const struct vtd_leaf *leaf, bool write)
{
	unsigned int shift = __builtin_ctzll(leaf->size);
	struct vtd_iotlb_entry *e = tlb_slot(c, xc, leaf->iova, shift);

	if (e->valid && !tlb_match(e, xc, leaf->iova, shift))
		c->evictions++;
	e->valid = true;
	e->first_stage = xc->first_stage;
	e->width = xc->first_stage ? xc->width : 64;
	e->dirty = write;
	e->did = xc->did;
	e->pasid = xc->pasid;
	e->leaf = *leaf;
}

/**
 * vtd_cache_flush() - drop everything (translation state switch, reset)
 * @c: the caches
 */
void vtd_cache_flush(struct vtd_cache *c)
{
	memset(c->ctx, 0, sizeof(c->ctx));
	memset(c->tlb, 0, sizeof(c->tlb));
}

static void ctx_drop(struct vtd_cache *c, struct vtd_ctx_cache_entry *e)
{
	e->valid = false;
	c->invalidated++;
}

/* What a cached context stage is tagged with, for the scope rules. */
static struct vtd_inv_key ctx_key(const struct vtd_ctx_cache_entry *e)
{
	return (struct vtd_inv_key) {
		.sid = e->sid, .did = e->xc.did, .pasid = e->xc.pasid,
		.scalable = vtd_xm_scalable(e->xc.mode),
	};
}

/* Drop every cached context stage @names says @inv names. */
static void ctx_inv(struct vtd_cache *c, const struct vtd_inv_req *inv,
		    bool (*names)(const struct vtd_inv_req *inv, const struct vtd_inv_key *k))
{
	unsigned int i;

	for (i = 0; i < VTD_CTX_CACHE_ENTRIES; i++) {
		struct vtd_ctx_cache_entry *e = &c->ctx[i];
		struct vtd_inv_key k;

		if (!e->valid)
			continue;
		k = ctx_key(e);
		if (names(inv, &k))
			ctx_drop(c, e);
	}
}

/**
 * vtd_cache_inv_context() - a context-cache invalidation
 * @c: the caches
 * @gran: VTD_CC_GLOBAL, VTD_CC_DOMAIN or VTD_CC_DEVICE (as performed)
 * @did: domain-id (domain- and device-selective)
 * @sid: source-id (device-selective)
 * @fm: function mask: 1, 2 or 3 ignore bit 2, bits 2:1 or bits 2:0 of the
 *	function number (device-selective)
 *
 * Drops the cached context stages of the named devices; in scalable mode
 * that includes the PASID entries cached with them, which were reached
 * through the context entry being invalidated.  Legacy context entries
 * carry the domain-id the descriptor selects by; scalable-mode ones do not,
 * so there a domain-selective invalidation drops them all and a
 * device-selective one selects by source-id only.
 */
void vtd_cache_inv_context(struct vtd_cache *c, u8 gran, u16 did, u16 sid, u8 fm)
{
	struct vtd_inv_req inv = { .actual = gran, .did = did, .sid = sid, .fm = fm };

	ctx_inv(c, &inv, vtd_inv_names_context);
}

/**
 * vtd_cache_inv_pasid() - a PASID-cache invalidation
 * @c: the caches
 * @gran: VTD_PC_GLOBAL, VTD_PC_DOMAIN or VTD_PC_PASID
 * @did: domain-id (domain- and PASID-selective)
 * @pasid: PASID (PASID-selective)
 *
 * Drops the cached scalable-mode context stages whose PASID entry is named;
 * legacy-mode ones have no PASID entry and stay.
 */
void vtd_cache_inv_pasid(struct vtd_cache *c, u8 gran, u16 did, u32 pasid)
{
	struct vtd_inv_req inv = { .actual = gran, .did = did, .pasid = pasid };

	ctx_inv(c, &inv, vtd_inv_names_pasid);
}

/* Does the leaf overlap 2^@am pages at @addr (aligned; @am below 52)? */
static bool tlb_overlaps(const struct vtd_iotlb_entry *e, u64 addr, u8 am)
{
	return e->leaf.iova <= vtd_inv_last(addr, am) && addr <= e->leaf.iova + e->leaf.size - 1;
}

/**
 * vtd_cache_inv_iotlb() - an IOTLB invalidation
 * @c: the caches
 * @gran: VTD_IOTLB_GLOBAL, VTD_IOTLB_DOMAIN or VTD_IOTLB_PAGE (as performed)
 * @did: domain-id (domain- and page-selective)
 * @addr: first address, aligned to 2^@am pages (page-selective)
 * @am: address mask: 2^@am pages (page-selective); at most MAMV
 *
 * Global and domain-selective invalidations drop every leaf of their scope,
 * first stage included.  A page-selective one drops the domain's
 * second-stage leaves in the range and all its first-stage (PGTT 001b)
 * leaves, whatever their address: the spec's IOTLB descriptor covers
 * first-stage and nested mappings of the domain-id as a whole.
 */
void vtd_cache_inv_iotlb(struct vtd_cache *c, u8 gran, u16 did, u64 addr, u8 am)
{
	struct vtd_inv_req inv = { .actual = gran, .did = did };
	unsigned int i;

	for (i = 0; i < VTD_IOTLB_ENTRIES; i++) {
		struct vtd_iotlb_entry *e = &c->tlb[i];

		if (!e->valid || !vtd_inv_names_domain(&inv, e->did))
			continue;
		if (gran != VTD_IOTLB_PAGE || e->first_stage || tlb_overlaps(e, addr, am)) {
			e->valid = false;
			c->invalidated++;
		}
	}
}

/**
 * vtd_cache_inv_piotlb() - a PASID-based IOTLB invalidation
 * @c: the caches
 * @gran: VTD_PIOTLB_PASID or VTD_PIOTLB_PAGE
 * @did: domain-id
 * @pasid: PASID
 * @addr: first address (page-selective)
 * @am: address mask (page-selective); below %VTD_PIOTLB_AM_ALL, which the
 *	decoder turns into a PASID-selective invalidation
 *
 * Drops the first-stage leaves of that domain and PASID (in the range).
 * The descriptor names canonical addresses; a leaf is cached under its
 * address without the sign bits, so the range is compared the same way.
 */
void vtd_cache_inv_piotlb(struct vtd_cache *c, u8 gran, u16 did, u32 pasid, u64 addr, u8 am)
{
	unsigned int i;

	for (i = 0; i < VTD_IOTLB_ENTRIES; i++) {
		struct vtd_iotlb_entry *e = &c->tlb[i];

		if (!e->valid || !e->first_stage || e->did != did || e->pasid != pasid)
			continue;
		if (gran == VTD_PIOTLB_PASID ||
		    tlb_overlaps(e, addr & GENMASK_ULL(e->width - 1, 0), am)) {
			e->valid = false;
			c->invalidated++;
		}
	}
}
