// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd under a hostile guest and a hostile VMM at once, in the manner of
 * a syzkaller program: two vCPUs write random values to random registers of
 * the unit's page (every feature on: scalable mode, first and second stage,
 * device-TLBs, interrupt remapping) and leave KVM_RUN every few hundred
 * accesses, while host threads call every device attribute with random
 * arguments: register get and set (save/restore), reset, TRANSLATE and
 * TRANSLATE_MSI, the IR eventfd, statistics.  It runs for a bounded time
 * (VTD_CHAOS_SECONDS, default 20).
 *
 * What it checks itself: every ioctl answers 0 or one of the errors the
 * ABI documents, the vCPUs keep running (no exit but the guest's ucalls),
 * and the unit is still sane afterwards (VER reads back, a reset gives the
 * power-on GSTS).  What the runner checks: no KASAN, lockdep, UBSAN, soft
 * lockup, hung task or WARN report in the kernel log while all of that ran.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"
#include "vtd_util.h"

#define R		VTD_GPA
#define NR_VCPUS	2
#define NR_HOST_THREADS	3

static uint64_t guest_seed, queue_gpa, status_gpa;
static uint64_t *queue_gva;

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Random descriptors for the one queue page the guest may point IQA at;
 * invalidation waits write their status to the status page, so the unit's
 * writes never land on the guest's code, stack or page tables.
 */
static void fill_queue(uint64_t *s)
{
	int i;

	for (i = 0; i < 512; i += 2) {
		uint64_t lo = xorshift(s) & (xorshift(s) | 0xf), hi = xorshift(s);

		if (i & 2)	/* the upper half of a 256-bit descriptor */
			hi = 0;
		if ((lo & 0xf) == 5)
			hi = status_gpa + (hi & 0xffc);
		WRITE_ONCE(queue_gva[i], lo);
		WRITE_ONCE(queue_gva[i + 1], hi);
	}
}

/* Random naturally aligned 4- or 8-byte writes and reads of the page. */
static void guest_code(int id)
{
	uint64_t s = guest_seed + id * 0x9e3779b97f4a7c15ull;
	int i;

	for (;;) {
		if (!id)
			fill_queue(&s);
		for (i = 0; i < 256; i++) {
			uint64_t r = xorshift(&s), v = xorshift(&s);
			/* Mostly the registers with side effects; 8 or 4 bytes. */
			uint32_t off = (r & 3) ? (r >> 8) % 0x100 : (r >> 8) % 0x400;

			off &= r & 4 ? ~7u : ~3u;
			/* Values: random, or sparse bits as drivers write. */
			if (r & 0x10)
				v &= xorshift(&s) & xorshift(&s);
			/* The queue: only the queue page, one page, either width. */
			if ((off & ~7u) == IQA)
				v = (off & 4) ? 0 : queue_gpa | (v & IQA_DW);
			/*
			 * The unit's own event messages (fault, invalidation) go
			 * to this guest: keep them fixed-delivery vectors, which
			 * its software-disabled APIC drops.  Any delivery mode
			 * (SMI, NMI, INIT) would end the guest, not test the host.
			 */
			if (off == FEDATA || off == IEDATA)
				v &= 0xff;
			else if ((off == FECTL || off == IECTL) && (r & 4))
				v &= 0xff0000ffffffffull;
			if (r & 4) {
				if (r & 8)
					wr64(R, off, v);
				else
					(void)rd64(R, off);
			} else {
				if (r & 8)
					wr32(R, off, v);
				else
					(void)rd32(R, off);
			}
		}
		GUEST_SYNC(id);		/* leave KVM_RUN: restore may happen now */
	}
}

struct chaos {
	struct kvm_vm *vm;
	struct kvm_vcpu *vcpus[NR_VCPUS];
	int fd;
	atomic_bool stop;
	atomic_ulong calls, refused;
	unsigned long exits[NR_VCPUS];
	int bad_errno, bad_exit;
};

static struct chaos *the_chaos;

static void *vcpu_thread(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct chaos *c = the_chaos;
	struct ucall uc;

	while (!atomic_load(&c->stop)) {
		vcpu_run(vcpu);
		if (get_ucall(vcpu, &uc) != UCALL_SYNC) {
			c->bad_exit = vcpu->run->exit_reason;
			break;
		}
		c->exits[vcpu->id]++;
	}
	return NULL;
}

/* The errors the ABI documents for these calls; anything else is a bug. */
static void note(struct chaos *c, int rc)
{
	atomic_fetch_add(&c->calls, 1);
	if (!rc)
		return;
	atomic_fetch_add(&c->refused, 1);
	if (errno != EINVAL && errno != ENXIO && errno != EBUSY && errno != EBADF)
		c->bad_errno = errno;
}

static void *host_thread(void *arg)
{
	struct chaos *c = arg;
	uint64_t s = (uintptr_t)&s ^ (uint64_t)time(NULL), v;
	int efd = eventfd(0, EFD_NONBLOCK);

	while (!atomic_load(&c->stop)) {
		uint64_t r = xorshift(&s);
		uint64_t attr = (r >> 8) % 0x1020;
		struct kvm_vtd_translation t = {};
		struct kvm_vtd_msi_translation m = {};
		int32_t fd32;

		switch (r % 8) {
		case 0:
		case 1:
			attr &= ~3ull;
			note(c, __kvm_device_attr_get(c->fd, KVM_DEV_VTD_GRP_REGS, attr, &v));
			/* Restore what was read: refused while a vCPU runs. */
			if (!(r & 0x100))
				v ^= xorshift(&s) & xorshift(&s);
			note(c, __kvm_device_attr_set(c->fd, KVM_DEV_VTD_GRP_REGS, attr, &v));
			break;
		case 2:
			t.sid = xorshift(&s);
			t.iova = xorshift(&s) & (r & 0x100 ? ~0ull : 0xffffffffull);
			t.flags = (r >> 16) &
				  (KVM_VTD_TRANSLATE_WRITE | KVM_VTD_TRANSLATE_NO_FAULT);
			if (r & 0x200) {
				t.flags |= KVM_VTD_TRANSLATE_PASID;
				t.pasid = xorshift(&s) & 0xfffff;
			}
			note(c, __kvm_device_attr_get(c->fd, KVM_DEV_VTD_GRP_TRANSLATE,
						      KVM_DEV_VTD_TRANSLATE, &t));
			break;
		case 3:
			m.sid = xorshift(&s);
			m.address = 0xfee00000ull | (xorshift(&s) & 0xfffff);
			m.data = xorshift(&s) & (r & 0x100 ? 0xffffffff : 0xffff);
			m.flags = (r >> 16) & KVM_VTD_TRANSLATE_NO_FAULT;
			note(c, __kvm_device_attr_get(c->fd, KVM_DEV_VTD_GRP_TRANSLATE,
						      KVM_DEV_VTD_TRANSLATE_MSI, &m));
			break;
		case 4:
			fd32 = r & 0x100 ? efd : -1;
			note(c, __kvm_device_attr_set(c->fd, KVM_DEV_VTD_GRP_TRANSLATE,
						      KVM_DEV_VTD_IR_EVENTFD, &fd32));
			break;
		case 5:
			if (!(r & 0xf00))
				note(c, __kvm_device_attr_set(c->fd, KVM_DEV_VTD_GRP_CTRL,
							      KVM_DEV_VTD_CTRL_RESET, NULL));
			break;
		default:
			vtd_stat(c->fd, r % KVM_VTD_STAT_NR);
			atomic_fetch_add(&c->calls, 1);
			break;
		}
	}
	close(efd);
	return NULL;
}

TEST(concurrent_guest_and_vmm)
{
	const char *env = getenv("VTD_CHAOS_SECONDS");
	int secs = env ? atoi(env) : 20, i;
	pthread_t vt[NR_VCPUS], ht[NR_HOST_THREADS];
	struct chaos *c = calloc(1, sizeof(*c));
	uint64_t ecap;

	ASSERT_NE(NULL, c);
	the_chaos = c;
	c->vm = vm_create_with_vcpus(NR_VCPUS, guest_code, c->vcpus);
	virt_map(c->vm, VTD_GPA, VTD_GPA, 1);
	for (i = 0; i < NR_VCPUS; i++)
		vcpu_args_set(c->vcpus[i], 1, i);
	guest_seed = (uint64_t)time(NULL) * 0x2545f4914f6cdd1dull;
	queue_gva = vtd_guest_pages(c->vm, 1, &queue_gpa);
	vtd_guest_pages(c->vm, 1, &status_gpa);
	sync_global_to_guest(c->vm, guest_seed);
	sync_global_to_guest(c->vm, queue_gva);
	sync_global_to_guest(c->vm, queue_gpa);
	sync_global_to_guest(c->vm, status_gpa);

	c->fd = __kvm_create_device(c->vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_GE(c->fd, 0);
	ecap = vtd_reg_get(c->fd, ECAP) | ECAP_SMTS | ECAP_SLTS | ECAP_FLTS | ECAP_PASID |
	       ECAP_PSS(19) | ECAP_SRS | ECAP_DT | ECAP_IR | ECAP_EIM;
	ASSERT_EQ(0, vtd_reg_set(c->fd, ECAP, ecap));
	ASSERT_EQ(0, vtd_set_addr(c->fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(c->fd));

	for (i = 0; i < NR_VCPUS; i++)
		ASSERT_EQ(0, pthread_create(&vt[i], NULL, vcpu_thread, c->vcpus[i]));
	for (i = 0; i < NR_HOST_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&ht[i], NULL, host_thread, c));
	sleep(secs);
	atomic_store(&c->stop, true);
	for (i = 0; i < NR_HOST_THREADS; i++)
		pthread_join(ht[i], NULL);
	for (i = 0; i < NR_VCPUS; i++)
		pthread_join(vt[i], NULL);

	TH_LOG("%d s: %lu device calls (%lu refused), vCPU exits %lu/%lu, %lu register accesses",
	       secs, atomic_load(&c->calls), atomic_load(&c->refused), c->exits[0],
	       c->exits[1], (unsigned long)(vtd_stat(c->fd, KVM_VTD_STAT_REG_READS) +
					    vtd_stat(c->fd, KVM_VTD_STAT_REG_WRITES)));
	ASSERT_EQ(0, c->bad_errno);
	ASSERT_EQ(0, c->bad_exit);
	ASSERT_LT(0, c->exits[0]);
	ASSERT_LT(0, c->exits[1]);
	ASSERT_LT(1000, atomic_load(&c->calls));

	/* Still a unit: VER is what ECAP says, a reset gives power-on state. */
	ASSERT_EQ(0x30, vtd_reg_get(c->fd, VER));
	ASSERT_EQ(0, __kvm_device_attr_set(c->fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL));
	ASSERT_EQ(0, vtd_reg_get(c->fd, GSTS));
	close(c->fd);
	kvm_vm_free(c->vm);
	free(c);
}

TEST_HARNESS_MAIN
