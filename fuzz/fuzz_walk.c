// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target: translation from guest memory, legacy and scalable mode
 * (root, context, PASID directory and table, first- and second-stage
 * walks), the caches and their invalidations, range walks and PASID range
 * walks.  The input builds a unit configuration and a small guest memory
 * (FUZZ_PAGES table pages) whose entries are mostly pointers to its own
 * pages with random flags, so deep and hostile structures (loops, shared
 * tables, huge leaves, reserved bits) are reached without a corpus; then a
 * sequence of requests, invalidations and memory changes.  Checked:
 *
 * - a translation reads at most 2 + 2 context/PASID pages and one page
 *   per level, and a hit reads none;
 * - a successful one has a leaf size of 4 KiB, 2 MiB or 1 GiB (an
 *   identity one, translation off or pass-through, a power of two from
 *   4 KiB to 1 GiB), keeps the offset within it, has a permission, and its
 *   leaf or block does not overlap the interrupt range (with translation
 *   off: unless it is the 4 KiB page asked for inside it);
 * - the cached translation equals the uncached one while memory is
 *   unchanged since the last global flush, whatever invalidations came
 *   between (an invalidation may drop more, never keep a wrong entry);
 * - a range walk calls its hook in address order on non-overlapping
 *   leaves inside the range, and reads no more than its budget;
 * - a PASID range walk reports PASIDs in order, inside the range.
 */
#include "input.h"
#include "../kvm-vtd/spec/cache.h"
#include "../kvm-vtd/spec/regs.h"

#define FUZZ_PAGES	32
#define MEM_BASE	0x100000ull
#define PAGE(i)		(MEM_BASE + 4096ull * (i))

struct fake_mem {
	struct vtd_gmem gm;
	u64 q[FUZZ_PAGES][512];
};

/*
 * The walker's trace table (struct vtd_walk_trace): counted, so a range walk
 * can be held to telling its tracer of exactly the leaves it counts.
 */
static u64 traced_leaves;

static void trace_walk(struct vtd_gmem *gm, u64 root, unsigned int levels, bool first_stage,
		       u64 first, u64 last)
{
}

static void trace_level(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first, u64 last)
{
}

static void trace_leaf(struct vtd_gmem *gm, const struct vtd_leaf *leaf)
{
	traced_leaves++;
}

static void trace_skip(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size)
{
}

static const struct vtd_walk_trace fuzz_trace = {
	.walk = trace_walk,
	.level = trace_level,
	.leaf = trace_leaf,
	.skip = trace_skip,
};

static int fake_read(struct vtd_gmem *gm, u64 gpa, void *buf)
{
	struct fake_mem *m = container_of(gm, struct fake_mem, gm);

	CHECK(!(gpa & 0xfff), "unaligned page read 0x%llx", (unsigned long long)gpa);
	if (gpa < MEM_BASE || gpa >= PAGE(FUZZ_PAGES))
		return -EFAULT;
	memcpy(buf, m->q[(gpa - MEM_BASE) >> 12], 4096);
	return 0;
}

static int fake_update(struct vtd_gmem *gm, u64 gpa, u64 *old, u64 new)
{
	struct fake_mem *m = container_of(gm, struct fake_mem, gm);
	u64 *p;

	CHECK(!(gpa & 7), "unaligned entry update");
	if (gpa < MEM_BASE || gpa >= PAGE(FUZZ_PAGES))
		return -EFAULT;
	p = &m->q[(gpa - MEM_BASE) >> 12][(gpa & 0xfff) / 8];
	if (*p != *old) {
		*old = *p;
		return -EAGAIN;
	}
	/* The walk sets A/D only: nothing else of the entry may change. */
	CHECK((new & ~(u64)(BIT(5) | BIT(6))) == (*old & ~(u64)(BIT(5) | BIT(6))),
	      "A/D update changed 0x%llx to 0x%llx", (unsigned long long)*old,
	      (unsigned long long)new);
	*p = new;
	return 0;
}

/* An entry value: mostly a pointer to one of our pages with some flags. */
static u64 entry_value(struct input *in)
{
	u8 kind = take8(in);
	u64 v;

	switch (kind & 7) {
	case 0:
		return 0;
	case 1:
		return take64(in);				/* anything */
	case 2:						/* a big leaf */
		v = (take(in, 3) & 0x3ffff) << 30;
		return v | 0x80 | (take8(in) & 0x7f);
	default:					/* a table pointer */
		return PAGE(take8(in) % FUZZ_PAGES) | (take(in, 2) & 0xfff) |
		       (kind & 0x80 ? take64(in) & GENMASK_ULL(63, 52) : 0);
	}
}

static void build_config(struct input *in, struct vtd_xlate_cfg *cfg)
{
	u8 f = take8(in), g = take8(in);

	memset(cfg, 0, sizeof(*cfg));
	cfg->cap = FIELD_PREP(VTD_CAP_SAGAW, (take8(in) & 0xe) ?: VTD_SAGAW_48) |
		   FIELD_PREP(VTD_CAP_MGAW, 47 + (g & 1) * 9) |
		   FIELD_PREP(VTD_CAP_SLLPS, (g >> 1) & 3) |
		   ((g & 8) ? VTD_CAP_FL1GP : 0) | ((g & 16) ? VTD_CAP_FL5LP : 0);
	cfg->ecap = ((f & 1) ? VTD_ECAP_SMTS : 0) | ((f & 2) ? VTD_ECAP_SLTS : 0) |
		    ((f & 4) ? VTD_ECAP_FLTS : 0) | ((f & 8) ? VTD_ECAP_PT : 0) |
		    ((f & 16) ? VTD_ECAP_PASID : 0) | ((f & 32) ? VTD_ECAP_SRS : 0) |
		    ((f & 64) ? VTD_ECAP_DT : 0) | ((f & 128) ? VTD_ECAP_SC : 0);
	cfg->te = !(g & 32);
	cfg->rta = PAGE(take8(in) % FUZZ_PAGES) | FIELD_PREP(VTD_RTADDR_TTM, (g >> 6) & 3);
	cfg->haw = 52;
}

static bool overlaps_intr(u64 gpa, u64 size)
{
	return gpa <= 0xfeefffffull && gpa + (size - 1) >= 0xfee00000ull;
}

static void check_result(const struct vtd_xlate_cfg *cfg, const struct vtd_xlate *x)
{
	bool identity;
	u64 base;

	CHECK(x->ctx_pages <= 2 && x->pasid_pages <= 2 && x->walk_pages <= 5,
	      "pages %u %u %u", x->ctx_pages, x->pasid_pages, x->walk_pages);
	if (x->fault) {
		CHECK(!x->gpa && !x->size && !x->perm, "fault with a result");
		return;
	}
	identity = x->mode == VTD_XM_OFF || x->mode == VTD_XM_LEGACY_PT || x->mode == VTD_XM_SM_PT;
	if (identity)
		CHECK(x->gpa == x->iova && x->size >= 1ull << 12 && x->size <= 1ull << 30 &&
		      !(x->size & (x->size - 1)), "identity 0x%llx size 0x%llx",
		      (unsigned long long)x->gpa, (unsigned long long)x->size);
	else
		CHECK(x->size == 1ull << 12 || x->size == 1ull << 21 || x->size == 1ull << 30,
		      "size 0x%llx", (unsigned long long)x->size);
	CHECK((x->gpa & (x->size - 1)) == (x->iova & (x->size - 1)), "offset lost");
	CHECK(x->perm & (VTD_PERM_R | VTD_PERM_W), "no permission");
	CHECK(!(x->write && !(x->perm & VTD_PERM_W)), "write without W");
	base = x->gpa & ~(x->size - 1);
	if (cfg->te)
		CHECK(!overlaps_intr(base, x->size), "output 0x%llx in the interrupt range",
		      (unsigned long long)x->gpa);
	else
		CHECK(x->gpa == x->iova && (x->size == 1ull << 12 || !overlaps_intr(base, x->size)),
		      "identity with translation off: 0x%llx size 0x%llx",
		      (unsigned long long)x->gpa, (unsigned long long)x->size);
}

/* st: first, last, end of the previous leaf, leaves seen. */
static int range_hook(void *opaque, const struct vtd_leaf *leaf)
{
	u64 *st = opaque;

	CHECK(leaf->size && !(leaf->iova & (leaf->size - 1)), "leaf not aligned");
	CHECK(leaf->iova <= st[1] && leaf->iova + (leaf->size - 1) >= st[0],
	      "leaf outside the range");
	CHECK(!st[3] || leaf->iova >= st[2], "leaves out of order or overlapping");
	st[2] = leaf->iova + leaf->size;
	st[3]++;
	return st[3] > 4096 ? 1 : 0;		/* enough: stop the walk */
}

/*
 * The IOTLB is tagged by domain-id and PASID, as the hardware's is: a guest
 * that gives two different tables the same tag gets either table's leaves
 * from the cache, as it would on hardware.  Those tags are remembered
 * since the last flush; once two tables share one, cached and walked
 * results are no longer compared.
 */
struct tag {
	u16 did;
	u32 pasid;
	bool fs;
	u8 levels;
	u64 root;
};

static struct tag tags[64];
static unsigned int nr_tags;

static bool tag_consistent(const struct vtd_xlate_ctx *xc)
{
	unsigned int i;

	if (xc->mode != VTD_XM_LEGACY && xc->mode != VTD_XM_SM_SS && xc->mode != VTD_XM_SM_FS)
		return true;
	for (i = 0; i < nr_tags; i++) {
		struct tag *t = &tags[i];

		if (t->did == xc->did && t->pasid == xc->pasid && t->fs == xc->first_stage)
			return t->root == xc->root && t->levels == xc->levels;
	}
	if (nr_tags == ARRAY_SIZE(tags))
		return false;
	tags[nr_tags++] = (struct tag){ xc->did, xc->pasid, xc->first_stage, xc->levels,
					xc->root };
	return true;
}

static int pasid_hook(void *opaque, u32 pasid, const struct vtd_pasid_entry *pe)
{
	u64 *st = opaque;

	CHECK(pasid >= st[0] && pasid <= st[1], "PASID %u outside range", pasid);
	CHECK(!st[3] || pasid > st[2], "PASIDs out of order");
	st[2] = pasid;
	st[3] = 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct fake_mem mem;
	static struct vtd_xlate_scratch s;
	static struct vtd_cache cache;
	static __le64 dir[512], table[512];
	struct input in = { data, size };
	struct vtd_xlate_cfg cfg;
	bool clean = true;
	int steps = 0, n;

	memset(&mem, 0, sizeof(mem));
	memset(&cache, 0, sizeof(cache));
	nr_tags = 0;
	mem.gm.read_page = fake_read;
	mem.gm.update = fake_update;
	mem.gm.trace = &fuzz_trace;
	build_config(&in, &cfg);
	/* Guest memory: a number of entries anywhere in our pages. */
	for (n = take8(&in); n > 0 && in.left; n--) {
		u16 where = take(&in, 2);

		mem.q[(where >> 9) % FUZZ_PAGES][where & 511] = entry_value(&in);
	}

	while (in.left && steps++ < 64) {
		struct vtd_xlate x = {}, y;
		u8 op = take8(&in);
		u64 a, b, st[4] = {};
		struct vtd_xlate_ctx xc;

		switch (op % 8) {
		case 0:
		case 1:
		case 2:
			x.sid = take(&in, 2);
			x.pasid_present = op & 0x10;
			x.pasid = x.pasid_present ? take(&in, 3) & 0xfffff : 0;
			x.priv = x.pasid_present && (op & 0x20);
			x.write = op & 0x40;
			x.iova = op & 0x80 ? take64(&in) : take(&in, 5) << 12 | take(&in, 2);
			y = x;
			if (cfg.te) {
				struct vtd_xlate r = x;

				if (!vtd_resolve(&mem.gm, &cfg, &r, &s, &xc) &&
				    !tag_consistent(&xc))
					clean = false;
			}
			mem.gm.pages_read = 0;
			vtd_translate(&mem.gm, &cfg, &x, &s);
			check_result(&cfg, &x);
			CHECK(mem.gm.pages_read == x.ctx_pages + x.pasid_pages + x.walk_pages,
			      "pages counted");
			vtd_translate_cached(&mem.gm, &cfg, &cache, &y, &s);
			check_result(&cfg, &y);
			if (y.leaf_cached && y.ctx_cached)
				CHECK(!y.ctx_pages && !y.walk_pages, "a hit read memory");
			if (clean)
				CHECK(x.fault == y.fault && x.gpa == y.gpa && x.size == y.size &&
				      x.perm == y.perm, "cached 0x%x/0x%llx, walked 0x%x/0x%llx",
				      y.fault, (unsigned long long)y.gpa, x.fault,
				      (unsigned long long)x.gpa);
			break;
		case 3:
			a = take64(&in);
			b = take8(&in);
			switch (take8(&in) % 5) {
			case 0:
				vtd_cache_inv_context(&cache, 1 + b % 3, a, a >> 16, b >> 2 & 3);
				break;
			case 1:
				vtd_cache_inv_pasid(&cache, (b & 1) ? VTD_PC_GLOBAL : b % 2, a,
						    (a >> 16) & 0xfffff);
				break;
			case 2:
				vtd_cache_inv_iotlb(&cache, 1 + b % 3, a, a & ~0xfffull, b % 46);
				break;
			case 3:
				vtd_cache_inv_piotlb(&cache, 2 + b % 2, a, (a >> 16) & 0xfffff,
						     take64(&in) & ~0xfffull, b % 52);
				break;
			default:
				vtd_cache_flush(&cache);
				clean = true;
				nr_tags = 0;
				break;
			}
			break;
		case 4:		/* the guest changes an entry (without invalidating) */
			a = take(&in, 2);
			mem.q[(a >> 9) % FUZZ_PAGES][a & 511] = entry_value(&in);
			clean = false;
			break;
		case 5:		/* a range walk of what a source-id resolves to */
			x.sid = take(&in, 2);
			if (vtd_resolve(&mem.gm, &cfg, &x, &s, &xc) || !xc.levels)
				break;
			a = take64(&in) & GENMASK_ULL(11 + 9 * xc.levels, 0);
			b = a + (take64(&in) & GENMASK_ULL(11 + 9 * xc.levels, 0));
			if (b < a || b >> (12 + 9 * xc.levels))
				b = GENMASK_ULL(11 + 9 * xc.levels, 0);
			st[0] = a;
			st[1] = b;
			mem.gm.pages_read = 0;
			mem.gm.leaves = 0;
			traced_leaves = 0;
			vtd_range_walk(&mem.gm, &cfg, &xc, &s.walk, a, b, range_hook, st,
				       1 + (op >> 3));
			CHECK(mem.gm.pages_read <= 1 + (op >> 3), "budget %u, read %llu",
			      1 + (op >> 3), (unsigned long long)mem.gm.pages_read);
			CHECK(traced_leaves == mem.gm.leaves, "traced %llu leaves of %llu",
			      (unsigned long long)traced_leaves,
			      (unsigned long long)mem.gm.leaves);
			break;
		case 6:		/* a PASID range walk */
			if (!(cfg.ecap & VTD_ECAP_SMTS))
				break;
			{
				struct vtd_sm_ctx ce;
				u32 next, max;
				int rc;

				if (vtd_sm_context(&mem.gm, &cfg, take(&in, 2), s.page, &ce))
					break;
				st[0] = take(&in, 3) & 0xfffff;
				st[1] = st[0] + (take(&in, 2) & 0x3fff);
				/* A budget of 0-7 pages (0: none): a stop says where to go on. */
				max = take(&in, 1) & 7;
				mem.gm.pages_read = 0;
				rc = vtd_pasid_range_walk(&mem.gm, &cfg, &ce, st[0], st[1], dir,
							  table, pasid_hook, st, max, &next);
				CHECK(rc != -EAGAIN || (next > st[0] && next <= st[1]),
				      "next %u outside %u-%u", next, (unsigned int)st[0],
				      (unsigned int)st[1]);
				CHECK(!max || mem.gm.pages_read <= (max > 2 ? max : 2),
				      "PASID budget %u, read %llu",
				      max, (unsigned long long)mem.gm.pages_read);
			}
			break;
		default:	/* the configuration changes: a switch flushes all */
			build_config(&in, &cfg);
			vtd_cache_flush(&cache);
			clean = true;
			nr_tags = 0;
			break;
		}
	}
	return 0;
}
