// SPDX-License-Identifier: GPL-2.0
/*
 * kvm-vtd invalidation queue under concurrency: 4 vCPUs share one queue the
 * way a guest driver's CPUs do (a guest lock around "write descriptors, move
 * the tail"), each submitting batches of 1 to 7 IOTLB invalidations and a
 * wait descriptor whose status write it then checks, as Linux's batched
 * cache flushes do, for 100k descriptors in all.  Batches of every size
 * start at every queue offset and wrap around its end.  No completion may
 * be lost, no descriptor fail, and the host must log no lockdep/KASAN
 * report (the runner checks the guest kernel log).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>

#include "kselftest_harness.h"
#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"
#include "lib/vtd_queue.h"
#include "vtd_util.h"

#define R		VTD_GPA
#define NR_VCPUS	4
#define BATCH_MAX	7		/* invalidations before a submission's wait */
/* 5005 submissions of 5 descriptors on average x 4 vCPUs: 100100 */
#define ITERATIONS	5005
#define TIMEOUT_S	900
#define QUEUE_BYTES	4096		/* QS 0: 256 128-bit descriptors */

static uint64_t queue_gpa, status_gpa;
static uint64_t *queue_gva;
static uint32_t *status_gva;
static uint32_t qlock, ready;
static uint64_t qtail;
static uint32_t iterations = ITERATIONS;

static void lock(void)
{
	while (__atomic_exchange_n(&qlock, 1, __ATOMIC_ACQUIRE))
		asm volatile("pause");
}

static void unlock(void)
{
	__atomic_store_n(&qlock, 0, __ATOMIC_RELEASE);
}

/* Invalidations in submission @i of vCPU @id: 1 to BATCH_MAX, in turn. */
static int batch(uint64_t id, int i)
{
	return 1 + (i + id) % BATCH_MAX;
}

static void guest_code(uint64_t id)
{
	int i;

	if (id == 0) {
		wr64(R, IQT, 0);
		wr64(R, IQA, queue_gpa);
		wr32(R, GCMD, GCMD_QIE);
		for (i = 0; i < 1000 && !(rd32(R, GSTS) & GSTS_QIES); i++)
			;
		GUEST_ASSERT(rd32(R, GSTS) & GSTS_QIES);
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	while (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE))
		asm volatile("pause");

	for (i = 0; i < iterations; i++) {
		uint32_t data = (uint32_t)(id << 24) | i;
		int j, n = batch(id, i);
		uint64_t t;

		lock();
		t = qtail;
		for (j = 0; j < n; j++) {
			queue_gva[t / 8] = IOTLB_GLOBAL;
			queue_gva[t / 8 + 1] = 0;
			t = (t + 16) % QUEUE_BYTES;
		}
		queue_gva[t / 8] = WAIT_SW(data);
		queue_gva[t / 8 + 1] = status_gpa + id * 4;
		qtail = (t + 16) % QUEUE_BYTES;
		wr64(R, IQT, qtail);
		unlock();
		/* The tail write ran the queue up to it: the status is there. */
		GUEST_ASSERT_EQ(READ_ONCE(status_gva[id]), data);
	}
	GUEST_DONE();
}

static void *run_vcpu(void *arg)
{
	struct kvm_vcpu *vcpu = arg;
	struct ucall uc;

	vcpu_run(vcpu);
	switch (get_ucall(vcpu, &uc)) {
	case UCALL_DONE:
		break;
	case UCALL_ABORT:
		REPORT_GUEST_ASSERT(uc);
		break;
	default:
		TEST_FAIL("vCPU %d: unexpected exit %s", vcpu->id,
			  exit_reason_str(vcpu->run->exit_reason));
	}
	return NULL;
}

FIXTURE(stress) {};
FIXTURE_SETUP(stress) {}
FIXTURE_TEARDOWN(stress) {}

/* 100k descriptors take minutes under TCG: past the harness's 30 s default. */
TEST_F_TIMEOUT(stress, four_vcpus_one_queue, TIMEOUT_S)
{
	struct kvm_vcpu *vcpus[NR_VCPUS];
	pthread_t threads[NR_VCPUS];
	uint64_t invs = 0, descs;
	struct timeval t0, t1;
	struct kvm_vm *vm;
	int fd, i, j;

	vm = vm_create_with_vcpus(NR_VCPUS, guest_code, vcpus);
	virt_map(vm, VTD_GPA, VTD_GPA, 1);
	queue_gva = vtd_guest_pages(vm, 1, &queue_gpa);
	status_gva = vtd_guest_pages(vm, 1, &status_gpa);
	sync_global_to_guest(vm, queue_gva);
	sync_global_to_guest(vm, queue_gpa);
	sync_global_to_guest(vm, status_gva);
	sync_global_to_guest(vm, status_gpa);
	if (getenv("VTD_STRESS_ITERATIONS"))	/* for measuring; not below the bound */
		iterations = atoi(getenv("VTD_STRESS_ITERATIONS"));
	sync_global_to_guest(vm, iterations);
	gettimeofday(&t0, NULL);

	fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, vtd_set_addr(fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(fd));

	for (i = 0; i < NR_VCPUS; i++) {
		vcpu_args_set(vcpus[i], 1, i);
		pthread_create(&threads[i], NULL, run_vcpu, vcpus[i]);
	}
	for (i = 0; i < NR_VCPUS; i++)
		pthread_join(threads[i], NULL);
	gettimeofday(&t1, NULL);

	/* Every descriptor processed once, none failed. */
	for (i = 0; i < NR_VCPUS; i++)
		for (j = 0; j < (int)iterations; j++)
			invs += batch(i, j);
	descs = invs + NR_VCPUS * iterations;
	if (iterations == ITERATIONS)
		ASSERT_LE(100000, descs);
	ASSERT_EQ(descs, vtd_stat(fd, KVM_VTD_STAT_QI_DESCRIPTORS));
	ASSERT_EQ(invs, vtd_stat(fd, KVM_VTD_STAT_IOTLB_INVALIDATIONS));
	ASSERT_EQ(NR_VCPUS * iterations, vtd_stat(fd, KVM_VTD_STAT_QI_WAITS));
	ASSERT_EQ(0, vtd_stat(fd, KVM_VTD_STAT_QI_ERRORS));
	ASSERT_EQ(0, vtd_reg_get(fd, FSTS));
	TH_LOG("%llu descriptors from %d vCPUs in %u submissions, %ld s, %llu queue pages read",
	       (unsigned long long)descs, NR_VCPUS, NR_VCPUS * iterations,
	       (long)(t1.tv_sec - t0.tv_sec),
	       (unsigned long long)vtd_stat(fd, KVM_VTD_STAT_QI_PAGES_READ));

	close(fd);
	kvm_vm_free(vm);
}

TEST_HARNESS_MAIN
