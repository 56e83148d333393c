// SPDX-License-Identifier: GPL-2.0
/*
 * Assigned devices, the VMM's side: bad attach/detach input, objects the VMM
 * destroys or closes under an attached device, allocation failures at every
 * step of an attach, and restoring a unit's state in one batch.
 */
#include <errno.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lib/vtd_assigned.h"

/*
 * 16383 waits, each after a global context-cache or IOTLB invalidation,
 * with 64 shadowed devices: about 5 * 10^5 re-evaluations and 10^6 host
 * calls in all, which used to be one exit.  Each exit now does one wait's
 * worth of taking away at most and its budget of the rest; the queue goes
 * on from IQH at the next access, and the VM can be torn down with work
 * left.
 */
static int state_restore(int vfd, struct kvm_vtd_state *st)
{
	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_STATE, KVM_DEV_VTD_STATE_RESTORE,
				     st) ? errno : 0;
}

/*
 * KVM_DEV_VTD_STATE_RESTORE: a saved state comes back as a whole, with one
 * translation state switch and one re-evaluation of the assigned device
 * (one per register with KVM_DEV_VTD_GRP_REGS sets); a bad pair changes
 * nothing; the guest goes on with its shadowed device.
 */
TEST(state_restore_batch)
{
	struct kvm_vtd_state *st = calloc(1, sizeof(*st) + (KVM_VTD_STATE_REGS_MAX + 1) *
					  sizeof(struct kvm_vtd_reg));
	uint64_t sw, evals, off, nr = 0, deferred, resumed;
	struct kvm_vtd_device_state ds;
	struct fixture f;
	void *data;
	int i, fd2;

	setup(&f, guest_shadow, 0);
	data = addr_gpa2hva(f.t.vm, DATA_GPA);
	ASSERT_EQ(0, __kvm_has_device_attr(f.t.fd, KVM_DEV_VTD_GRP_STATE,
					   KVM_DEV_VTD_STATE_RESTORE));
	ASSERT_EQ(ENXIO, __kvm_has_device_attr(f.t.fd, KVM_DEV_VTD_GRP_STATE, 1) ? errno : 0);
	run_stage(&f.t, 1);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.t.fd, SID).mode);

	/* Save what the VMM would: every register the unit has. */
	for (off = 0; off < KVM_VTD_REG_LATCHED_IRTA + 8; off += 4) {
		if (__kvm_has_device_attr(f.t.fd, KVM_DEV_VTD_GRP_REGS, off))
			continue;
		st->regs[nr].offset = off;
		st->regs[nr++].value = vtd_reg_get(f.t.fd, off);
	}
	ASSERT_LT(30, nr);

	/* Bad input: nothing changes. */
	sw = stat(&f, KVM_VTD_STAT_DMAR_SWITCHES);
	st->nr = nr;
	st->flags = 1;
	ASSERT_EQ(EINVAL, state_restore(f.t.fd, st));
	st->flags = 0;
	st->nr = 0;
	ASSERT_EQ(EINVAL, state_restore(f.t.fd, st));
	st->nr = KVM_VTD_STATE_REGS_MAX + 1;
	ASSERT_EQ(EINVAL, state_restore(f.t.fd, st));
	st->nr = nr + 1;
	st->regs[nr] = (struct kvm_vtd_reg){ .offset = GCMD, .value = GCMD_TE };
	ASSERT_EQ(EINVAL, state_restore(f.t.fd, st));
	st->regs[nr] = (struct kvm_vtd_reg){ .offset = 0xff0, .value = 0 };
	ASSERT_EQ(ENXIO, state_restore(f.t.fd, st));
	st->regs[nr] = (struct kvm_vtd_reg){ .offset = IQT, .value = 1 };
	ASSERT_EQ(EINVAL, state_restore(f.t.fd, st));
	ASSERT_EQ(sw, stat(&f, KVM_VTD_STAT_DMAR_SWITCHES));
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.t.fd, SID).mode);
	fd2 = __kvm_create_device(f.t.vm, KVM_DEV_TYPE_INTEL_VTD);
	st->nr = 1;
	st->regs[0] = (struct kvm_vtd_reg){ .offset = FSTS, .value = 0 };
	ASSERT_EQ(EBUSY, state_restore(fd2, st));
	close(fd2);

	/* Reset: translation off, the device on the parent. */
	deferred = stat(&f, KVM_VTD_STAT_WORK_DEFERRED);
	resumed = stat(&f, KVM_VTD_STAT_WORK_RESUMED);
	ASSERT_EQ(0, __kvm_device_attr_set(f.t.fd, KVM_DEV_VTD_GRP_CTRL,
					   KVM_DEV_VTD_CTRL_RESET, NULL) ? errno : 0);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.t.fd, SID).mode);

	/* The saved state, at once: one switch, one re-evaluation. */
	st->nr = nr;
	sw = stat(&f, KVM_VTD_STAT_DMAR_SWITCHES);
	evals = stat(&f, KVM_VTD_STAT_HOST_EVALS);
	ASSERT_EQ(0, state_restore(f.t.fd, st));
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_DMAR_SWITCHES) - sw);
	ASSERT_EQ(1, stat(&f, KVM_VTD_STAT_HOST_EVALS) - evals);
	ds = dev_state(f.t.fd, SID);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, ds.mode);
	ASSERT_EQ(1, ds.shadow_runs);
	ASSERT_EQ(0, check_map(f.h.iommufd, ds.hwpt_id, IOVA, 512 * 4096, data));
	for (i = 0; i < nr; i++)
		ASSERT_EQ(st->regs[i].value, vtd_reg_get(f.t.fd, st->regs[i].offset));

	/* Register by register: a switch and a re-evaluation each. */
	sw = stat(&f, KVM_VTD_STAT_DMAR_SWITCHES);
	for (i = 0; i < nr; i++)
		ASSERT_EQ(0, vtd_reg_set(f.t.fd, st->regs[i].offset, st->regs[i].value));
	ASSERT_EQ(nr, stat(&f, KVM_VTD_STAT_DMAR_SWITCHES) - sw);
	/* Attribute calls run to the end: nothing deferred, nothing resumed. */
	ASSERT_EQ(deferred, stat(&f, KVM_VTD_STAT_WORK_DEFERRED));
	ASSERT_EQ(resumed, stat(&f, KVM_VTD_STAT_WORK_RESUMED));

	/* The guest goes on: a page unmapped, and the rest of its stages. */
	run_stage(&f.t, 2);
	ASSERT_EQ(511 * 4096, dev_state(f.t.fd, SID).shadow_bytes);
	for (i = 3; i <= 6; i++)
		run_stage(&f.t, i);
	run_stage(&f.t, -1);
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	free(st);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	fixture_free(&f);
}

static int attach_raw(int vfd, struct kvm_vtd_device *d)
{
	return __kvm_device_attr_set(vfd, KVM_DEV_VTD_GRP_DEVICE,
				     KVM_DEV_VTD_DEVICE_ATTACH, d) ? errno : 0;
}

/* Bad VMM input: each a clear error, nothing attached, no host splat. */
TEST(vmm_input)
{
	struct kvm_vtd_device d;
	struct fixture f;
	struct host h2;
	void *page;
	int efd;

	setup(&f, guest_shadow, 0);
	ASSERT_EQ(EEXIST, dev_attach(f.t.fd, &f.h, SID));
	/* The same device under a second source-id: both would move it. */
	ASSERT_EQ(EBUSY, dev_attach(f.t.fd, &f.h, SID + 16));
	ASSERT_EQ(ENOENT, dev_detach(f.t.fd, SID + 16));

	/* A second iommufd whose object IDs are not the first one's. */
	host_setup(&h2, 10);
	ASSERT_GT(h2.dev, f.h.parent);

	d = (struct kvm_vtd_device){
		.size = sizeof(d), .sid = SID + 8, .iommufd = h2.iommufd, .dev_id = h2.dev,
		.parent_hwpt_id = h2.parent, .shadow_ioas_id = h2.shadow,
	};
	d.flags = 1;
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	d.flags = 0;
	d.reserved1 = 1;
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	d.reserved1 = 0;
	d.pasid_bits = 21;				/* PASIDs are 20 bits */
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	d.pasid_bits = 20;
	d.reserved0 = 1;
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	d.reserved0 = 0;
	d.size = 8;
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	d.size = sizeof(d);
	d.iommufd = -1;
	ASSERT_EQ(EBADF, attach_raw(f.t.fd, &d));
	efd = eventfd(0, 0);
	d.iommufd = efd;
	ASSERT_EQ(EBADF, attach_raw(f.t.fd, &d));
	close(efd);
	d.iommufd = f.h.iommufd;			/* h2's device in f's iommufd */
	ASSERT_EQ(ENODEV, attach_raw(f.t.fd, &d));
	d.iommufd = h2.iommufd;
	d.shadow_ioas_id = h2.parent;			/* not an IOAS */
	ASSERT_EQ(ENOENT, attach_raw(f.t.fd, &d));
	d.shadow_ioas_id = h2.shadow;
	d.parent_hwpt_id = ioas_alloc(h2.iommufd);	/* not a HWPT */
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	/* Refused before the device moved: nothing is attached to that IOAS. */
	ASSERT_EQ(0, destroy(h2.iommufd, d.parent_hwpt_id));
	d.parent_hwpt_id = 0x7fffffff;			/* no such object */
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	d.parent_hwpt_id = h2.parent;
	ASSERT_EQ(ENOENT, dev_detach(f.t.fd, SID + 8));
	/*
	 * Attaching looks at the VMM's objects without side effects.  The
	 * shadow IOAS gets a HWPT for the device, so a mapping the device
	 * cannot reach (the last IOVA page: beyond the mock's aperture) makes
	 * the attach fail, and the mapping is still there (the old probe
	 * unmapped that page and went on).
	 */
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	ASSERT_EQ(0, ioas_map(h2.iommufd, h2.shadow, -4096ull, page, 4096));
	ASSERT_EQ(EADDRINUSE, attach_raw(f.t.fd, &d));
	ASSERT_EQ(4096, ioas_unmap(h2.iommufd, h2.shadow, -4096ull, 4096));
	munmap(page, 4096);
	ASSERT_EQ(0, attach_raw(f.t.fd, &d));
	ASSERT_EQ(0, dev_detach(f.t.fd, SID + 8));
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	ASSERT_EQ(ENOENT, dev_detach(f.t.fd, SID));
	close(f.t.fd);
	kvm_vm_free(f.t.vm);

	/*
	 * A unit without caching mode: the guest would never invalidate what
	 * it maps, so a shadowed device would never see its mappings.
	 */
	f.t.vm = vm_create_barebones();
	f.t.fd = __kvm_create_device(f.t.vm, KVM_DEV_TYPE_INTEL_VTD);
	ASSERT_GE(f.t.fd, 0);
	ASSERT_EQ(0, vtd_reg_set(f.t.fd, CAP, vtd_reg_get(f.t.fd, CAP) & ~CAP_CM));
	ASSERT_EQ(0, vtd_set_addr(f.t.fd, VTD_GPA));
	ASSERT_EQ(0, vtd_init(f.t.fd));
	ASSERT_EQ(EINVAL, attach_raw(f.t.fd, &d));
	ASSERT_EQ(0, vtd_stat(f.t.fd, KVM_VTD_STAT_HOST_ATTACHES));
	close(f.t.fd);
	kvm_vm_free(f.t.vm);
	f.t.vm = NULL;

	close(f.h.iommufd);
	close(h2.iommufd);
}

/*
 * The VMM closes its iommufd while the device is attached and the guest
 * runs: the unit's reference keeps the context, the guest's programming
 * still reaches the host, and closing the unit frees everything.
 */
TEST(vmm_closes_iommufd)
{
	struct fixture f;

	setup(&f, guest_shadow, 0);
	close(f.h.iommufd);
	run_stage(&f.t, 1);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.t.fd, SID).mode);
	ASSERT_EQ(1, dev_state(f.t.fd, SID).shadow_runs);
	run_stage(&f.t, 2);
	ASSERT_EQ(2, dev_state(f.t.fd, SID).shadow_runs);
	ASSERT_EQ(0, stat(&f, KVM_VTD_STAT_HOST_ERRORS));
	close(f.t.fd);
	kvm_vm_free(f.t.vm);
}

static void write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	TEST_ASSERT(fd >= 0, "open %s", path);
	TEST_ASSERT(write(fd, val, strlen(val)) == (ssize_t)strlen(val), "write %s", path);
	close(fd);
}

#define FAILSLAB	"/sys/kernel/debug/failslab/"

/*
 * failslab armed for fail-nth only: probability 100 but for tasks with
 * make-it-fail set (none), GFP_KERNEL allocations included, silent.
 */
static void failslab(bool on)
{
	if (!on) {
		/* Disarmed first: unfiltered, probability 100 fails everyone. */
		write_file(FAILSLAB "probability", "0");
		write_file(FAILSLAB "ignore-gfp-wait", "Y");
		write_file(FAILSLAB "task-filter", "N");
		return;
	}
	write_file(FAILSLAB "verbose", "0");
	write_file(FAILSLAB "times", "-1");
	write_file(FAILSLAB "task-filter", "Y");
	write_file(FAILSLAB "ignore-gfp-wait", "N");
	write_file(FAILSLAB "probability", "100");
}

/*
 * Every slab allocation of an attach fails in turn (fault injection's
 * fail-nth): each attempt either attaches or returns an error with nothing
 * attached, and the runner's kmemleak scan finds nothing left behind.
 */
TEST(attach_failslab)
{
	int nth, rc, nfd, errors = 0;
	struct fixture f;
	char buf[16];

	if (access("/proc/thread-self/fail-nth", W_OK) ||
	    access(FAILSLAB "probability", W_OK))
		SKIP(return, "no failslab");
	setup(&f, guest_shadow, 0);
	ASSERT_EQ(0, dev_detach(f.t.fd, SID));
	/* Opened once: closing it would count as allocations too. */
	nfd = open("/proc/thread-self/fail-nth", O_RDWR);
	ASSERT_GE(nfd, 0);
	failslab(true);
	for (nth = 1; nth < 200; nth++) {
		snprintf(buf, sizeof(buf), "%d", nth);
		ASSERT_EQ(strlen(buf), pwrite(nfd, buf, strlen(buf), 0));
		rc = dev_attach(f.t.fd, &f.h, SID);
		ASSERT_EQ(1, pwrite(nfd, "0", 1, 0));
		if (!rc)
			break;
		errors++;
		ASSERT_EQ(ENOENT, dev_detach(f.t.fd, SID));
	}
	failslab(false);
	close(nfd);
	ASSERT_EQ(0, rc);
	ASSERT_GT(errors, 0);
	ASSERT_EQ(KVM_VTD_DEVICE_PARENT, dev_state(f.t.fd, SID).mode);
	run_stage(&f.t, 1);
	ASSERT_EQ(KVM_VTD_DEVICE_SHADOW, dev_state(f.t.fd, SID).mode);
	fixture_free(&f);
}

TEST_HARNESS_MAIN
