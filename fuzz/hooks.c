// SPDX-License-Identifier: GPL-2.0
/*
 * The walker's trace hooks (walk.h), which the module implements with
 * tracepoints: here they only count, so the targets can bound the calls.
 */
#include "input.h"
#include "../kvm-vtd/walk.h"

u64 fuzz_trace_calls;

void vtd_trace_walk(struct vtd_gmem *gm, u64 root, unsigned int levels, bool first_stage,
		    u64 first, u64 last)
{
	fuzz_trace_calls++;
}

void vtd_trace_walk_level(struct vtd_gmem *gm, unsigned int level, u64 table, u64 first,
			  u64 last)
{
	fuzz_trace_calls++;
}

void vtd_trace_walk_leaf(struct vtd_gmem *gm, const struct vtd_leaf *leaf)
{
	fuzz_trace_calls++;
}

void vtd_trace_walk_skip(struct vtd_gmem *gm, unsigned int level, u64 iova, u64 size)
{
	fuzz_trace_calls++;
}
