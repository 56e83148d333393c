# SPDX-License-Identifier: GPL-2.0
#
#   make [KDIR=...]   build kvm-vtd.ko against the test kernel (default: the
#                     cached build of scripts/build-kernel.sh)
#   make check        W=1 + sparse build, kernel-doc, checkpatch --strict on
#                     the module, the UAPI header, the selftests, kernel/patches/,
#                     and QEMU's checkpatch on qemu/patches/
#   make test         build everything and run every test in the test VM
#   make fuzz         each fuzz target of the pure model to 10M executions
#   make bench        the selftest-level benchmark in the test VM
#   make bench-nested a nested Linux guest on kvm-vtd, stock QEMU, no IOMMU
#   make clean

KDIR ?= $(shell bash -c '. scripts/lib.sh && kernel_dir')
PWD := $(CURDIR)

CHECKPATCH := $(KDIR)/scripts/checkpatch.pl --strict --quiet --root=$(KDIR)
QEMU_SRC := $(shell bash -c '. scripts/lib.sh && echo $$CACHE')/qemu-source-*
SRCS := $(wildcard kvm-vtd/*.[ch] kvm-vtd/spec/*.[ch] kvm-vtd/spec/kunit/*.[ch]) include/uapi/linux/kvm_vtd.h
TEST_SRCS := $(wildcard selftests/*.[ch] selftests/lib/*.h)
FUZZ_SRCS := $(wildcard fuzz/*.[ch] fuzz/shim/*.h fuzz/shim/*/*.h)

.PHONY: modules check test fuzz bench bench-nested clean

modules:
	$(MAKE) -C $(KDIR) M=$(PWD) modules

# Any diagnostic from gcc (W=1) or sparse (C=2 checks every file, built or
# not) fails the check; the build log is kept for reading.
check:
	$(MAKE) -C $(KDIR) M=$(PWD) clean >/dev/null
	$(MAKE) -C $(KDIR) M=$(PWD) W=1 C=2 modules 2>&1 | tee .check.log
	@! grep -E 'warning:|error:' .check.log
	scripts/check-layers.sh
	$(CHECKPATCH) --no-tree -f $(SRCS)
	@# kernel-doc comments must parse and describe every member/parameter.
	@! $(KDIR)/scripts/kernel-doc -Wall -none $(SRCS) 2>&1 | grep .
	@# KVM selftests use the <stdint.h> types throughout (the library's API
	@# is written in them); checkpatch's u32/u64 preference does not apply.
	$(CHECKPATCH) --no-tree --ignore PREFER_KERNEL_TYPES -f $(TEST_SRCS)
	@# The fuzz harness is userspace too; its shim defines the kernel types
	@# from <stdint.h> and min_t()/container_of() whose type arguments
	@# checkpatch takes for expressions; libFuzzer names its entry point in
	@# CamelCase.
	$(CHECKPATCH) --no-tree -f $(FUZZ_SRCS) --ignore \
		PREFER_KERNEL_TYPES,CAMELCASE,MACRO_ARG_REUSE,MACRO_ARG_PRECEDENCE
	@# The only new file of the KVM series is under Documentation/virt/kvm/,
	@# which the KVM entry of MAINTAINERS already covers, so checkpatch's
	@# "does MAINTAINERS need updating?" heuristic is a false positive there.
	@# Run from the kernel tree: inside a git checkout checkpatch takes a
	@# tracked file for a source file (as with -f), not for a patch.
	cd $(KDIR) && $(CHECKPATCH) --ignore FILE_PATH_CHANGES \
		$(abspath $(wildcard kernel/patches/*.patch))
	@# The QEMU series against QEMU's own checkpatch, from the source tree
	@# scripts/build-qemu.sh unpacks (skipped, and said so, before that).
	@q=$$(ls -d $(QEMU_SRC)/tree 2>/dev/null | head -n 1); \
	if [ -n "$$q" ]; then \
		$$q/scripts/checkpatch.pl --no-tree $(wildcard qemu/patches/*.patch) | \
			tee .checkpatch-qemu.log; \
		! grep -q '^\(ERROR\|WARNING\)' .checkpatch-qemu.log; \
	else \
		echo "qemu/patches: not checked (run scripts/build-qemu.sh first)"; \
	fi
	@echo "make check: clean"

test:
	scripts/run-tests.sh

fuzz:
	scripts/fuzz.sh --long

bench:
	scripts/bench.sh

bench-nested:
	scripts/bench-nested.sh

clean:
	$(MAKE) -C $(KDIR) M=$(PWD) clean
	rm -f .check.log
