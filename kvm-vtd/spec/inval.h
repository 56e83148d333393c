/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an invalidation names (VT-d 3.x 6.5): the one place each scope rule
 * is written.  The unit's caches (cache.c), the re-evaluation of assigned
 * devices (host.c) and their PASID caches (hpasid.c) all ask here.
 */
#ifndef _KVM_VTD_SPEC_INVAL_H
#define _KVM_VTD_SPEC_INVAL_H

#include <linux/bits.h>
#include <linux/types.h>

#include "regfile.h"

/**
 * struct vtd_inv_key - what a cached context or PASID entry is tagged with
 * @sid: the source-id it was looked up for
 * @did: its domain-id (legacy: the context entry's; scalable mode: the
 *	PASID entry's)
 * @pasid: the PASID whose entry it holds (scalable mode)
 * @scalable: it was reached through a scalable-mode context entry, which
 *	carries no domain-id
 */
struct vtd_inv_key {
	u16 sid;
	u16 did;
	u32 pasid;
	bool scalable;
};

bool vtd_inv_names_context(const struct vtd_inv_req *inv, const struct vtd_inv_key *k);
bool vtd_inv_names_pasid(const struct vtd_inv_req *inv, const struct vtd_inv_key *k);
bool vtd_inv_names_domain(const struct vtd_inv_req *inv, u16 did);

/*
 * The first address of a page-selective invalidation of 2^@am pages named
 * by @addr: the low @am page-number bits are ignored (VT-d 3.x 6.5.1.2,
 * 6.5.2.3, 6.5.2.5).  @am is at most 52, bounded by the decoder.
 */
static inline u64 vtd_inv_base(u64 addr, u8 am)
{
	return addr & ~GENMASK_ULL(11 + am, 0);
}

/* The last address of a page-selective invalidation of 2^@am pages at @addr. */
static inline u64 vtd_inv_last(u64 addr, u8 am)
{
	return addr + ((4096ull << am) - 1);
}

#endif /* _KVM_VTD_SPEC_INVAL_H */
