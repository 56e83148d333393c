// SPDX-License-Identifier: GPL-2.0
/*
 * Selftest-level benchmark: what a guest's VT-d register traffic costs with
 * the unit in the kernel, against the same register page handled by a VMM
 * in userspace (the cheapest possible userspace model: an array, GCMD ->
 * GSTS, and a queue that only completes waits; every real model, QEMU's
 * included, pays at least this), and against an in-kernel no-op trap (an
 * ioeventfd) as the floor for a write.
 *
 * Workloads, each a guest loop of VTD_BENCH_OPS operations (default 4000):
 *   reg-write   FEDATA writes
 *   reg-read    GSTS reads
 *   te-toggle   GCMD.TE on, poll GSTS, off, poll (as a driver enables it)
 *   qi-cycle    write a PTE, queue an IOTLB page invalidation and a wait,
 *               write IQT, poll the wait's status (a strict-mode unmap)
 *   irq-affinity  move an interrupt: rewrite its IRTE's destination, queue
 *               an index-selective interrupt entry cache invalidation and
 *               a wait, write IQT, poll (Linux's intel_ir_set_affinity())
 *
 * Every (workload, backend) runs VTD_BENCH_REPS times (default 3), the
 * backends alternating.  Reported per operation, counts first: exits to
 * userspace, all VM exits (the vCPU's "exits" statistic), the unit's
 * register accesses; then time (min/median/max) and its ratio to the
 * in-kernel unit.  Under TCG times are distorted: compare ratios within one
 * run, and counts anywhere.  Output: a markdown table on stdout.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>

#include "kvm_util.h"
#include "processor.h"
#include "ucall_common.h"
#include "lib/vtd_queue.h"
#include "lib/vtd_vmm.h"
#include "vtd_util.h"

#define R		VTD_GPA

enum workload { W_WRITE, W_READ, W_TE, W_QI, W_IRTE, NR_WORKLOADS };
enum backend { B_KERNEL, B_USER, B_IOEVENTFD, NR_BACKENDS };

static const char * const wl_name[] = {
	"reg-write", "reg-read", "te-toggle", "qi-cycle", "irq-affinity",
};

static const char * const be_name[] = { "kvm-vtd", "userspace", "ioeventfd" };

/* Shared with the guest. */
static int g_workload, g_ops;
static uint64_t *queue_gva, *pte_gva;	/* pte_gva: also the IRT of irq-affinity */
static uint32_t *status_gva;
static uint64_t queue_gpa, status_gpa, pte_gpa;

/*
 * One invalidation (@lo, @hi) and a wait at @tail, IQT written once, the
 * wait's status polled in memory: Linux's qi_submit_sync().  The new tail.
 */
static uint64_t inv_and_wait(uint64_t tail, uint64_t lo, uint64_t hi)
{
	WRITE_ONCE(*status_gva, 0);
	queue_gva[tail / 8] = lo;
	queue_gva[tail / 8 + 1] = hi;
	queue_gva[tail / 8 + 2] = WAIT_SW(1);
	queue_gva[tail / 8 + 3] = status_gpa;
	tail = (tail + 32) % 4096;
	wr64(R, IQT, tail);
	while (READ_ONCE(*status_gva) != 1)
		;
	return tail;
}

static void guest_code(void)
{
	uint64_t tail = 0;
	int i, j;

	if (g_workload == W_QI || g_workload == W_IRTE) {
		wr64(R, IQT, 0);
		wr64(R, IQA, queue_gpa);
		wr32(R, GCMD, GCMD_QIE);
		while (!(rd32(R, GSTS) & GSTS_QIES))
			;
	}
	if (g_workload == W_IRTE) {
		/* 256 entries; entry 0 a fixed interrupt, as Linux sets one up. */
		pte_gva[0] = IRTE_P | IRTE_V(0x40) | IRTE_DST_XAPIC(0);
		wr64(R, IRTA, pte_gpa | IRTA_S_256);
		wr32(R, GCMD, GCMD_QIE | GCMD_SIRTP);
		while (!(rd32(R, GSTS) & GSTS_IRTPS))
			;
		wr32(R, GCMD, GCMD_QIE | GCMD_IRE);
		while (!(rd32(R, GSTS) & GSTS_IRES))
			;
	}
	GUEST_SYNC(0);
	for (i = 0; i < g_ops; i++) {
		switch (g_workload) {
		case W_WRITE:
			wr32(R, FEDATA, i);
			break;
		case W_READ:
			(void)rd32(R, GSTS);
			break;
		case W_TE:
			wr32(R, GCMD, GCMD_TE);
			for (j = 0; !(rd32(R, GSTS) & GSTS_TES); j++)
				;
			wr32(R, GCMD, 0);
			for (j = 0; rd32(R, GSTS) & GSTS_TES; j++)
				;
			break;
		case W_QI:
			WRITE_ONCE(pte_gva[i & 511], 0);
			tail = inv_and_wait(tail, IOTLB_PSI(1), (uint64_t)(i & 511) << 12);
			break;
		case W_IRTE:
			WRITE_ONCE(pte_gva[0], IRTE_P | IRTE_V(0x40) | IRTE_DST_XAPIC(i & 1));
			tail = inv_and_wait(tail, IEC_DESC(1, 0, 0), 0);
			break;
		}
	}
	GUEST_SYNC(1);
	GUEST_DONE();
}

/* The cheapest userspace model of the page: an array, GSTS, waits. */
struct umodel {
	uint64_t page[512];
};

static void umodel_write(struct kvm_vm *vm, struct umodel *m, uint64_t off, uint64_t v,
			 int len)
{
	uint32_t *p32 = (uint32_t *)m->page;
	uint64_t head, tail, iqa, lo, hi;

	if (len == 8)
		m->page[off / 8] = v;
	else
		p32[off / 4] = v;
	if (off == GCMD)
		p32[GSTS / 4] = (v & (GCMD_TE | GCMD_QIE | GCMD_IRE)) |
				(v & GCMD_SIRTP ? GSTS_IRTPS : 0);
	if (off != IQT)
		return;
	/* Process the queue: waits write their status; the rest is a no-op. */
	iqa = m->page[IQA / 8] & ~0xfffull;
	head = m->page[IQH / 8];
	tail = m->page[IQT / 8];
	for (; head != tail; head = (head + 16) % 4096) {
		lo = *(uint64_t *)addr_gpa2hva(vm, iqa + head);
		hi = *(uint64_t *)addr_gpa2hva(vm, iqa + head + 8);
		if ((lo & 0xf) == 5 && (lo & BIT(5)))
			*(uint32_t *)addr_gpa2hva(vm, hi) = lo >> 32;
	}
	m->page[IQH / 8] = head;
}

static uint64_t umodel_read(struct umodel *m, uint64_t off, int len)
{
	return len == 8 ? m->page[off / 8] : ((uint32_t *)m->page)[off / 4];
}

/* One vCPU statistic by name, from its binary stats fd. */
static uint64_t vcpu_stat(struct kvm_vcpu *vcpu, const char *name)
{
	struct kvm_stats_header header;
	struct kvm_stats_desc *descs, *d;
	uint64_t data = 0;
	int fd = vcpu_get_stats_fd(vcpu), i;

	read_stats_header(fd, &header);
	descs = read_stats_descriptors(fd, &header);
	for (i = 0; i < header.num_desc; i++) {
		d = get_stats_descriptor(descs, i, &header);
		if (!strcmp(d->name, name)) {
			read_stat_data(fd, &header, d, &data, 1);
			break;
		}
	}
	free(descs);
	close(fd);
	return data;
}

struct sample {
	double ns_per_op;
	double uexits, exits, unit_accesses;
};

static uint64_t unit_accesses(int fd)
{
	return vtd_stat(fd, KVM_VTD_STAT_REG_READS) + vtd_stat(fd, KVM_VTD_STAT_REG_WRITES);
}

static struct sample run_one(enum workload w, enum backend b, int ops)
{
	struct kvm_vcpu *vcpu;
	struct kvm_vm *vm = vm_create_with_one_vcpu(&vcpu, guest_code);
	struct umodel *m = calloc(1, sizeof(*m));
	uint64_t t0 = 0, e0 = 0, u = 0, a0 = 0;
	struct sample s = {};
	struct kvm_run *run = vcpu->run;
	struct ucall uc;
	int fd = -1, efd = -1;
	bool timing = false;

	TEST_ASSERT(m, "calloc");
	virt_map(vm, VTD_GPA, VTD_GPA, 1);
	queue_gva = vtd_guest_pages(vm, 1, &queue_gpa);
	status_gva = vtd_guest_pages(vm, 1, &status_gpa);
	pte_gva = vtd_guest_pages(vm, 1, &pte_gpa);
	g_workload = w;
	g_ops = ops;
	sync_global_to_guest(vm, g_workload);
	sync_global_to_guest(vm, g_ops);
	sync_global_to_guest(vm, queue_gva);
	sync_global_to_guest(vm, queue_gpa);
	sync_global_to_guest(vm, status_gva);
	sync_global_to_guest(vm, status_gpa);
	sync_global_to_guest(vm, pte_gva);
	sync_global_to_guest(vm, pte_gpa);

	if (b == B_KERNEL) {
		fd = __kvm_create_device(vm, KVM_DEV_TYPE_INTEL_VTD);
		TEST_ASSERT(fd >= 0 && !vtd_set_addr(fd, VTD_GPA), "unit");
		if (w == W_IRTE)
			TEST_ASSERT(!vtd_reg_set(fd, ECAP, vtd_reg_get(fd, ECAP) | ECAP_IR), "IR");
		TEST_ASSERT(!vtd_init(fd), "init");
	} else if (b == B_IOEVENTFD) {
		struct kvm_ioeventfd io = { .addr = VTD_GPA + FEDATA, .len = 4 };

		efd = eventfd(0, EFD_NONBLOCK);
		io.fd = efd;
		vm_ioctl(vm, KVM_IOEVENTFD, &io);
	}

	for (;;) {
		vcpu_run(vcpu);
		if (run->exit_reason == KVM_EXIT_MMIO) {
			uint64_t off = run->mmio.phys_addr - VTD_GPA, v = 0;

			TEST_ASSERT(b != B_KERNEL, "MMIO exit with the unit in the kernel");
			u += timing;
			if (run->mmio.is_write) {
				memcpy(&v, run->mmio.data, run->mmio.len);
				umodel_write(vm, m, off, v, run->mmio.len);
			} else {
				v = umodel_read(m, off, run->mmio.len);
				memcpy(run->mmio.data, &v, run->mmio.len);
			}
			continue;
		}
		switch (get_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			if (uc.args[1] == 0) {
				timing = true;
				e0 = vcpu_stat(vcpu, "exits");
				if (fd >= 0)
					a0 = unit_accesses(fd);
				t0 = now_ns();
			} else {
				s.ns_per_op = (double)(now_ns() - t0) / ops;
				timing = false;
				s.exits = (double)(vcpu_stat(vcpu, "exits") - e0 - 1) / ops;
				s.uexits = (double)u / ops;
				if (fd >= 0)
					s.unit_accesses = (double)(unit_accesses(fd) - a0) / ops;
			}
			continue;
		case UCALL_DONE:
			break;
		case UCALL_ABORT:
			REPORT_GUEST_ASSERT(uc);
			break;
		default:
			TEST_FAIL("unexpected exit %s", exit_reason_str(run->exit_reason));
		}
		break;
	}
	if (fd >= 0)
		close(fd);
	if (efd >= 0)
		close(efd);
	free(m);
	kvm_vm_free(vm);
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	const char *e_ops = getenv("VTD_BENCH_OPS"), *e_reps = getenv("VTD_BENCH_REPS");
	int ops = e_ops ? atoi(e_ops) : 4000, reps = e_reps ? atoi(e_reps) : 3;
	struct sample s[NR_WORKLOADS][NR_BACKENDS][16];
	int w, b, r;

	TEST_REQUIRE(reps >= 1 && reps <= 16 && ops > 0);
	for (r = 0; r < reps; r++)
		for (w = 0; w < NR_WORKLOADS; w++)
			for (b = 0; b < NR_BACKENDS; b++)
				if (b != B_IOEVENTFD || w == W_WRITE)
					s[w][b][r] = run_one(w, b, ops);

	printf("| workload | backend | userspace exits/op | VM exits/op |");
	printf(" unit register accesses/op | time/op us (min / median / max) |");
	printf(" time ratio to kvm-vtd |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (w = 0; w < NR_WORKLOADS; w++) {
		double kmed = 0;

		for (b = 0; b < NR_BACKENDS; b++) {
			double t[16];

			if (b == B_IOEVENTFD && w != W_WRITE)
				continue;
			for (r = 0; r < reps; r++)
				t[r] = s[w][b][r].ns_per_op / 1000;
			qsort(t, reps, sizeof(t[0]), cmp_double);
			if (b == B_KERNEL)
				kmed = t[reps / 2];
			printf("| %s | %s | %.2f | %.2f | %.2f | %.2f / %.2f / %.2f | %.2f |\n",
			       wl_name[w], be_name[b], s[w][b][0].uexits, s[w][b][0].exits,
			       s[w][b][0].unit_accesses, t[0], t[reps / 2], t[reps - 1],
			       t[reps / 2] / kmed);
		}
	}
	printf("\n%d operations per run, %d runs per row, backends alternating;\n", ops, reps);
	printf("times under TCG are distorted: compare ratios within this table.\n");
	return 0;
}
