/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a fuzz input as a stream of small integers: running out of input
 * reads zeros, so every input is a valid program.
 */
#ifndef _KVM_VTD_FUZZ_INPUT_H
#define _KVM_VTD_FUZZ_INPUT_H

#include <stdio.h>
#include <stdlib.h>

#include "kshim.h"

struct input {
	const u8 *p;
	size_t left;
};

static inline u64 take(struct input *in, unsigned int bytes)
{
	u64 v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left; i++, in->left--)
		v |= (u64)*in->p++ << (8 * i);
	return v;
}

static inline u8 take8(struct input *in)
{
	return take(in, 1);
}

static inline u64 take64(struct input *in)
{
	return take(in, 8);
}

/* A broken invariant: say which, and abort so libFuzzer keeps the input. */
#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: ", __FILE__, __LINE__, #cond); \
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

#endif /* _KVM_VTD_FUZZ_INPUT_H */
