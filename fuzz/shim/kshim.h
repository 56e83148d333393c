/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel definitions kvm-vtd's pure VT-d model uses, for building
 * it in userspace under libFuzzer, ASan and UBSan.  Every kernel header the
 * model includes is a file in this directory that includes this one.
 *
 * The bit macros keep the kernel's arithmetic (GENMASK's shifts in
 * particular), so a shift a guest can push out of range is one UBSan sees
 * here as the kernel's UBSAN would.
 */
#ifndef _KVM_VTD_FUZZ_KSHIM_H
#define _KVM_VTD_FUZZ_KSHIM_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t s32;
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef int32_t __s32;
typedef uint64_t __le64;
typedef uint32_t __le32;

#define BITS_PER_LONG		64
#define BIT(n)			(1UL << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define GENMASK(h, l)		(((~0UL) - (1UL << (l)) + 1) & \
				 (~0UL >> (BITS_PER_LONG - 1 - (h))))
#define GENMASK_ULL(h, l)	(((~0ULL) - (1ULL << (l)) + 1) & \
				 (~0ULL >> (64 - 1 - (h))))
#define FIELD_GET(mask, reg)	((__typeof__(mask))(((reg) & (mask)) >> __builtin_ctzll(mask)))
#define FIELD_PREP(mask, val)	(((__typeof__(mask))(val) << __builtin_ctzll(mask)) & (mask))

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define min(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
				   _a < _b ? _a : _b; })
#define max(a, b)		({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); \
				   _a > _b ? _a : _b; })
#define min_t(t, a, b)		min((t)(a), (t)(b))
#define max_t(t, a, b)		max((t)(a), (t)(b))
#define container_of(p, t, m)	((t *)((char *)(p) - offsetof(t, m)))

#define le64_to_cpu(x)		((u64)(x))
#define cpu_to_le64(x)		((__le64)(x))
#define le32_to_cpu(x)		((u32)(x))
#define cpu_to_le32(x)		((__le32)(x))

#define ilog2(n)		(63 - __builtin_clzll(n))

static inline unsigned long __ffs64(u64 x)
{
	return __builtin_ctzll(x);
}

static inline u32 hash_64(u64 val, unsigned int bits)
{
	return (val * 0x61C8864680B583EBull) >> (64 - bits);
}

static inline void cond_resched(void)
{
}

#endif /* _KVM_VTD_FUZZ_KSHIM_H */
