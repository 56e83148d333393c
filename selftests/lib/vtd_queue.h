/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest side of the invalidation queue, for every test that drives it:
 * descriptors written from the spec (VT-d 3.x 6.5.2) and a queue object
 * that submits them as Linux does (qi_submit_sync(): the descriptors, a
 * wait with a status write, IQT, then poll the status).
 *
 * The queue lives in guest memory the guest reaches at the address it
 * gives (identity-mapped, or a GVA the test set up); descriptors are
 * 128-bit, or 256-bit in a scalable-mode unit's queue (IQA.DW), whose high
 * half is reserved and written as 0.  Malformed descriptors are written
 * with vtd_gq_put() and vtd_gq_slot(), not with the builders.
 */
#ifndef _SELFTEST_VTD_QUEUE_H
#define _SELFTEST_VTD_QUEUE_H

#include "vtd_util.h"

/* Descriptor types (bits 3:0) and the fields the builders fill. */
#define QD_DID(did)		((uint64_t)(did) << 16)
#define QD_SID(sid)		((uint64_t)(sid) << 32)
#define QD_PASID(pasid)		((uint64_t)(pasid) << 32)

/* Context-cache invalidation: G in bits 5:4, FM in 49:48. */
#define CC_GLOBAL		0x11
#define CC_DOMAIN(did)		(0x21 | QD_DID(did))
#define CC_DEVICE(did, sid)	(0x31 | QD_DID(did) | QD_SID(sid))
/* IOTLB invalidation; the high qword of a PSI is the address | IH | AM. */
#define IOTLB_GLOBAL		0x12
#define IOTLB_DSI(did)		(0x22 | QD_DID(did))
#define IOTLB_PSI(did)		(0x32 | QD_DID(did))
/* Device-TLB invalidation: SID in 47:32; high qword address | S. */
#define DEVTLB(sid)		(0x3 | QD_SID(sid))
/* Interrupt entry cache: G (bit 4: index-selective), IM 31:27, IIDX 47:32. */
#define IEC_GLOBAL		0x4
#define IEC_DESC(g, im, idx)	(0x4 | ((g) ? 0x10 : 0) | ((uint64_t)(im) << 27) | \
				 ((uint64_t)(idx) << 32))
/* Invalidation wait with a status write (SW) of @data; high qword: address. */
#define WAIT_SW(data)		(0x25 | ((uint64_t)(data) << 32))
#define WAIT_IF			BIT_ULL(4)	/* and an invalidation-completion event */
#define WAIT_FN			BIT_ULL(6)	/* fence */
/* PASID-based IOTLB: G 2 (PASID-selective) or 3 (page-selective). */
#define PIOTLB_PASID(did, pasid) (0x26 | QD_DID(did) | QD_PASID(pasid))
#define PIOTLB(did, pasid)	(0x36 | QD_DID(did) | QD_PASID(pasid))
/* PASID cache: G 0 (domain), 1 (PASID), 3 (global). */
#define PC_DOMAIN(did)		(0x07 | QD_DID(did))
#define PC_PASID(did, pasid)	(0x17 | QD_DID(did) | QD_PASID(pasid))
#define PC_GLOBAL		0x37
/* PASID-based device-TLB: SID 31:16, PASID 51:32; high qword address | S | G. */
#define PDEVTLB(sid, pasid)	(0x8 | ((uint64_t)(sid) << 16) | QD_PASID(pasid))
#define PDEVTLB_G		BIT_ULL(0)
#define DEVTLB_S_ALL		(((1ull << 63) - 1) & ~0xfffull)

/**
 * struct vtd_gq - the guest's invalidation queue
 * @regs: the register page, as the guest reaches it
 * @ring: the queue, as the guest reaches it
 * @size: the queue's size in bytes (a power of two, at least a page)
 * @dsize: descriptor size: 16, or 32 in a 256-bit queue
 * @tail: where the next descriptor goes (bytes), as IQT will say
 * @status: the wait descriptors' status word, as the guest reaches it
 * @status_gpa: its guest physical address, which the unit writes
 */
struct vtd_gq {
	uint64_t regs;
	uint64_t *ring;
	uint32_t size;
	uint32_t dsize;
	uint64_t tail;
	uint32_t *status;
	uint64_t status_gpa;
};

/* Slot @i of the queue: dsize / 8 qwords. */
static inline uint64_t *vtd_gq_slot(struct vtd_gq *q, unsigned int i)
{
	return q->ring + i * (q->dsize / 8);
}

/* Write a descriptor into slot @i, its reserved high half (if any) 0. */
static inline void vtd_gq_put(struct vtd_gq *q, unsigned int i, uint64_t lo, uint64_t hi)
{
	uint64_t *s = vtd_gq_slot(q, i);

	s[0] = lo;
	s[1] = hi;
	if (q->dsize == 32) {
		s[2] = 0;
		s[3] = 0;
	}
}

/* Append a descriptor at the tail, without telling the unit. */
static inline void vtd_gq_push(struct vtd_gq *q, uint64_t lo, uint64_t hi)
{
	vtd_gq_put(q, q->tail / q->dsize, lo, hi);
	q->tail = (q->tail + q->dsize) % q->size;
}

/* Move IQT to the tail: the unit runs the queue in this write. */
static inline void vtd_gq_kick(struct vtd_gq *q)
{
	wr64(q->regs, IQT, q->tail);
}

/* One descriptor, IQT, and the unit has done it within the write. */
static inline void vtd_gq_submit(struct vtd_gq *q, uint64_t lo, uint64_t hi)
{
	vtd_gq_push(q, lo, hi);
	vtd_gq_kick(q);
	GUEST_ASSERT_EQ(rd64(q->regs, IQH), q->tail);
}

/*
 * A wait (status 1) after what was pushed, IQT, and everything done within
 * the write: the status written, IQH at the tail, no queue error.
 */
static inline void vtd_gq_wait(struct vtd_gq *q)
{
	WRITE_ONCE(*q->status, 0);
	vtd_gq_push(q, WAIT_SW(1), q->status_gpa);
	vtd_gq_kick(q);
	GUEST_ASSERT_EQ(rd64(q->regs, IQH), q->tail);
	GUEST_ASSERT_EQ(READ_ONCE(*q->status), 1);
	GUEST_ASSERT(!(rd32(q->regs, FSTS) & FSTS_IQE));
}

/*
 * A wait after what was pushed, polled as Linux's qi_submit_sync() polls
 * it: FSTS is read between polls (the unit goes on with deferred work at
 * every register access).  Returns the polls it took.
 */
static inline uint32_t vtd_gq_wait_poll(struct vtd_gq *q, uint32_t limit)
{
	uint32_t polls;

	WRITE_ONCE(*q->status, 0);
	vtd_gq_push(q, WAIT_SW(1), q->status_gpa);
	vtd_gq_kick(q);
	for (polls = 0; READ_ONCE(*q->status) != 1; polls++) {
		GUEST_ASSERT(polls < limit);
		GUEST_ASSERT(!(rd32(q->regs, FSTS) & FSTS_IQE));
	}
	GUEST_ASSERT_EQ(rd64(q->regs, IQH), q->tail);
	return polls;
}

/* One descriptor and a wait: qi_submit_sync() of a single descriptor. */
static inline void vtd_gq_sync(struct vtd_gq *q, uint64_t lo, uint64_t hi)
{
	vtd_gq_push(q, lo, hi);
	vtd_gq_wait(q);
}

#endif /* _SELFTEST_VTD_QUEUE_H */
