// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd: the page walk, second stage ("Second-Stage Translation",
 * "Second-Stage Paging Entries") and first stage ("First-Stage
 * Translation", "First-Stage Paging Entries") of the VT-d spec.
 *
 * One walker serves both a single translation (a range of one address) and
 * range walks: it visits [first, last], reads each table page it descends
 * into once (a whole page per visited table, never an entry at a time),
 * calls the hook for every present leaf, and steps over a non-present entry
 * at whatever level it is found, so empty space costs nothing below it.
 * Depth is bounded by the level count whatever the tables point to, so a
 * table pointing to itself cannot make the walk loop; the number of table
 * pages a range walk may read is bounded by @max_pages, so dense hostile
 * tables cannot make it run long either.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <asm/byteorder.h>

#include "walk.h"

/* Second-stage entries. */
#define SS_R		BIT_ULL(0)
#define SS_W		BIT_ULL(1)
#define SS_PS		BIT_ULL(7)
#define SS_SNP		BIT_ULL(11)	/* snoop: a leaf field with ECAP.SC or SMTS */
#define SS_TM		BIT_ULL(62)	/* transient mapping: reserved without ECAP.DT */

/* First-stage entries (bits 63:52 are ignored, as is XD: no ECAP.ERS). */
#define FS_P		BIT_ULL(0)
#define FS_RW		BIT_ULL(1)
#define FS_US		BIT_ULL(2)
#define FS_A		BIT_ULL(5)
#define FS_D		BIT_ULL(6)
#define FS_PS		BIT_ULL(7)

static unsigned int level_shift(unsigned int level)
{
	return 12 + 9 * (level - 1);
}

/* Reserved bits of a present entry at @level; @leaf says it maps a page. */
static u64 entry_rsvd(const struct vtd_walk *w, unsigned int level, bool leaf)
{
	u64 rsvd = GENMASK_ULL(51, w->haw);

	if (!w->first_stage)
		rsvd |= (w->snp && leaf ? 0 : SS_SNP) | (w->tm && leaf ? 0 : SS_TM);
	/*
	 * A large leaf's address is aligned to its size; a first-stage one
	 * keeps bit 12 for PAT.
	 */
	if (leaf && level > 1)
		rsvd |= GENMASK_ULL(level_shift(level) - 1, w->first_stage ? 13 : 12);
	return rsvd;
}

static int walk_err(struct vtd_walk *w, enum vtd_walk_err err, unsigned int level,
		    u64 addr)
{
	w->err = err;
	w->err_level = level;
	w->fault_addr = addr;
	return -EFAULT;
}

static bool entry_present(const struct vtd_walk *w, u64 e)
{
	return w->first_stage ? e & FS_P : e & (SS_R | SS_W);
}

static u8 entry_perm(const struct vtd_walk *w, u64 e)
{
	if (!w->first_stage)
		return e & (SS_R | SS_W);
	return VTD_PERM_R | (e & FS_RW ? VTD_PERM_W : 0) | (e & FS_US ? VTD_PERM_U : 0);
}

static int walk_level(struct vtd_walk *w, u64 table, unsigned int level,
		      u64 first, u64 last, u8 perm)
{
	unsigned int shift = level_shift(level);
	__le64 *t = w->tables[level - 1];
	unsigned int i, from, to;
	u64 span = 1ull << shift;
	int rc;

	if (w->max_pages && w->gm->pages_read - w->pages_at_start >= w->max_pages)
		return walk_err(w, VTD_WALK_BUDGET, level, first);
	if (w->gm->trace)
		w->gm->trace->level(w->gm, level, table, first, last);
	if (w->gm->read_page(w->gm, table, t))
		return walk_err(w, level == w->levels ? VTD_WALK_ROOT_ACCESS :
				VTD_WALK_ACCESS, level, first);
	w->gm->pages_read++;

	from = (first >> shift) % VTD_TABLE_ENTRIES;
	to = (last >> shift) % VTD_TABLE_ENTRIES;
	for (i = from; i <= to; i++) {
		u64 e = le64_to_cpu(t[i]);
		u64 base = (first & ~(span - 1)) + (u64)(i - from) * span;
		u64 lo = max(first, base), hi = min(last, base + span - 1);
		struct vtd_leaf leaf = { .iova = base, .size = span, .level = level };
		bool ps = e & (w->first_stage ? FS_PS : SS_PS);
		bool is_leaf;

		w->path[level - 1].gpa = table + i * sizeof(u64);
		w->path[level - 1].val = e;
		if (!entry_present(w, e)) {
			if (w->gm->trace)
				w->gm->trace->skip(w->gm, level, base, span);
			rc = w->holes ? w->hook(w->opaque, &leaf) : 0;
			if (rc)
				return rc;
			continue;
		}
		/* PS makes a leaf where the unit supports that page size. */
		is_leaf = level == 1 ||
			  (ps && ((level == 2 && w->sp_2m) || (level == 3 && w->sp_1g)));
		if (ps && !is_leaf)
			return walk_err(w, VTD_WALK_RSVD, level, lo);
		if (e & entry_rsvd(w, level, is_leaf))
			return walk_err(w, VTD_WALK_RSVD, level, lo);

		leaf.perm = perm & entry_perm(w, e);
		if (is_leaf) {
			leaf.gpa = e & GENMASK_ULL(w->haw - 1, shift);
			w->gm->leaves++;
			if (w->gm->trace)
				w->gm->trace->leaf(w->gm, &leaf);
			rc = w->hook(w->opaque, &leaf);
		} else {
			rc = walk_level(w, e & GENMASK_ULL(w->haw - 1, 12), level - 1,
					lo, hi, leaf.perm);
		}
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * vtd_walk_range() - walk a second- or first-stage table over [first, last]
 * @w: the walk; @w->gm, @w->root, @w->levels, @w->haw, @w->hook set
 * @first: first input address
 * @last: last input address (inclusive), below 2^(12 + 9 * levels); a
 *	first-stage caller passes canonical addresses with the sign bits
 *	cleared
 *
 * Return: 0 when the range was walked, the hook's non-zero value if it
 * stopped the walk, or -EFAULT with @w->err, @w->err_level and
 * @w->fault_addr set when a table cannot be read, a paging entry has
 * reserved bits set or the page budget ran out.  An address that is not
 * mapped is not an error: the hook is simply not called for it.
 */
int vtd_walk_range(struct vtd_walk *w, u64 first, u64 last)
{
	w->err = VTD_WALK_OK;
	w->pages_at_start = w->gm->pages_read;
	if (w->levels < 3 || w->levels > 5 || first > last ||
	    last >> level_shift(w->levels + 1))
		return walk_err(w, VTD_WALK_RANGE, w->levels, first);
	w->gm->walks++;
	if (w->gm->trace)
		w->gm->trace->walk(w->gm, w->root, w->levels, w->first_stage, first, last);
	return walk_level(w, w->root, w->levels, first, last,
			  VTD_PERM_R | VTD_PERM_W | VTD_PERM_U);
}

/**
 * vtd_walk_set_ad() - set first-stage accessed and dirty bits on a path
 * @w: a single-address first-stage walk that just found its leaf
 * @leaf_level: level of the leaf
 * @write: the request writes: the leaf also gets D
 *
 * Sets A in every entry from the top down to the leaf that lacks it (and D
 * in the leaf for a write) with an atomic compare-and-exchange, as the
 * hardware does, re-reading when the guest changed the entry meanwhile and
 * giving up on an entry that stopped being present.
 *
 * Nothing is written when the accessor has no @update (a translation that
 * must not write guest memory).
 *
 * Return: 0, or -EFAULT when an entry could not be written (e.g. read-only
 * guest memory).
 */
int vtd_walk_set_ad(struct vtd_walk *w, unsigned int leaf_level, bool write)
{
	unsigned int level;

	if (!w->gm->update)
		return 0;

	for (level = w->levels; level >= leaf_level; level--) {
		u64 set = FS_A | (write && level == leaf_level ? FS_D : 0);
		u64 old = w->path[level - 1].val;
		int tries, rc = -EAGAIN;

		for (tries = 0; tries < 4 && rc == -EAGAIN; tries++) {
			if ((old & set) == set || !(old & FS_P))
				break;
			rc = w->gm->update(w->gm, w->path[level - 1].gpa, &old, old | set);
			if (!rc)
				w->gm->entries_written++;
		}
		if (rc == -EFAULT)
			return rc;
	}
	return 0;
}
