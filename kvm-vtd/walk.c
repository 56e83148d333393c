// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the second-stage page walk (VT-d spec, "Second-Stage
 * Translation" and "Second-Stage Paging Entries").
 *
 * One walker serves both a single translation (a range of one address) and
 * range walks: it visits [first, last], reads each table page it descends
 * into once (a whole page per visited table, never an entry at a time),
 * calls the hook for every present leaf, and steps over a non-present entry
 * at whatever level it is found, so empty space costs nothing below it.
 * Depth is bounded by the level count whatever the tables point to, so a
 * table pointing to itself cannot make the walk loop.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <asm/byteorder.h>

#include "walk.h"

#define SS_R		BIT_ULL(0)
#define SS_W		BIT_ULL(1)
#define SS_PS		BIT_ULL(7)
#define SS_SNP		BIT_ULL(11)	/* reserved: ECAP.SC is not advertised */
#define SS_TM		BIT_ULL(62)	/* reserved: ECAP.DT is not advertised */

static unsigned int level_shift(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

/* Reserved bits of a present entry at @level; @leaf says it maps a page. */
static u64 ss_rsvd(const struct vtd_ss_walk *w, unsigned int level, bool leaf)
{
	u64 rsvd = GENMASK_ULL(51, w->haw) | SS_SNP | SS_TM;

	/* A large leaf's address is aligned to its size. */
	if (leaf && level > 1)
		rsvd |= GENMASK_ULL(level_shift(level) - 1, 12);
	return rsvd;
}

static int ss_fault(struct vtd_ss_walk *w, u8 reason, u64 addr)
{
	w->fault = reason;
	w->fault_addr = addr;
	return -EFAULT;
}

static int ss_level(struct vtd_ss_walk *w, u64 table, unsigned int level,
		    u64 first, u64 last, u8 perm)
{
	unsigned int shift = level_shift(level);
	__le64 *t = w->tables[level - 1];
	unsigned int i, from, to;
	u64 span = 1ull << shift;
	int rc;

	if (w->gm->read_page(w->gm, table, t))
		return ss_fault(w, VTD_FR_PAGING_ENTRY_INV, first);
	w->gm->pages_read++;

	from = (first >> shift) % VTD_TABLE_ENTRIES;
	to = (last >> shift) % VTD_TABLE_ENTRIES;
	for (i = from; i <= to; i++) {
		u64 e = le64_to_cpu(t[i]);
		u64 base = (first & ~(span - 1)) + (u64)(i - from) * span;
		u64 lo = max(first, base), hi = min(last, base + span - 1);
		struct vtd_leaf leaf = { .iova = base, .size = span, .level = level };
		bool is_leaf;

		if (!(e & (SS_R | SS_W))) {
			rc = w->holes ? w->hook(w->opaque, &leaf) : 0;
			if (rc)
				return rc;
			continue;
		}
		/* PS makes a leaf where the unit supports that page size. */
		is_leaf = level == 1 ||
			  ((e & SS_PS) && ((level == 2 && w->sp_2m) || (level == 3 && w->sp_1g)));
		if (level > 1 && (e & SS_PS) && !is_leaf)
			return ss_fault(w, VTD_FR_PAGING_ENTRY_RSVD, lo);
		if (e & ss_rsvd(w, level, is_leaf))
			return ss_fault(w, VTD_FR_PAGING_ENTRY_RSVD, lo);

		leaf.perm = perm & e & (SS_R | SS_W);
		if (is_leaf) {
			leaf.gpa = e & GENMASK_ULL(w->haw - 1, shift);
			rc = w->hook(w->opaque, &leaf);
		} else {
			rc = ss_level(w, e & GENMASK_ULL(w->haw - 1, 12), level - 1,
				      lo, hi, leaf.perm);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * vtd_ss_walk_range() - walk the second-stage tables over [first, last]
 * @w: the walk; @w->gm, @w->root, @w->levels, @w->haw, @w->hook set
 * @first: first input address
 * @last: last input address (inclusive), below 2^(12 + 9 * levels)
 *
 * Return: 0 when the range was walked, the hook's non-zero value if it
 * stopped the walk, or -EFAULT with @w->fault and @w->fault_addr set when a
 * paging entry has reserved bits set or a table cannot be read.
 */
int vtd_ss_walk_range(struct vtd_ss_walk *w, u64 first, u64 last)
{
	if (w->levels < 3 || w->levels > 5 || first > last ||
	    last >> level_shift(w->levels + 1))
		return ss_fault(w, VTD_FR_ADDR_BEYOND_AW, first);
	return ss_level(w, w->root, w->levels, first, last, VTD_PERM_R | VTD_PERM_W);
}
