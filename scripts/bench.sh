#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftest-level benchmarks in the test VM: the guest's VT-d register
# traffic with the unit in the kernel, against the same page handled in
# userspace and an ioeventfd floor (selftests/vtd_bench.c), and the cost of
# one KVM_DEV_VTD_TRANSLATE, hit and miss, against a no-op call to the unit
# (selftests/vtd_xlate_bench.c).  Writes the markdown tables to
# build/bench/selftest.md and prints them.
#
# VTD_BENCH_OPS (4000) and VTD_BENCH_REPS (3) size the runs.
# VTD_BENCH_KERNEL: fast (the default: no KASAN or lockdep, the nested
# benchmark's kernel) or debug (the tests' kernel).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kvariant=${VTD_BENCH_KERNEL:-fast}
kdir=$("$TOP/scripts/build.sh") || die "build failed"	# the selftests too
env=
if [ "$kvariant" != debug ]; then
	kdir=$("$TOP/scripts/build-kernel.sh" "$kvariant") || die "kernel build failed"
	env="VTD_KO=$(module_for "$kvariant" "$kdir")" || die "module build failed"
fi
out=$TOP/build/bench
rm -rf "$out"
mkdir -p "$out"
VTD_VM_ENV="$env" "$TOP/scripts/vm.sh" "$kdir" "$out" \
	"shell:export VTD_BENCH_OPS=${VTD_BENCH_OPS:-4000} VTD_BENCH_REPS=${VTD_BENCH_REPS:-3};
	echo '### Register traffic'; echo; $TOP/selftests/build/vtd_bench &&
	echo && echo '### One translation' && echo && $TOP/selftests/build/vtd_xlate_bench &&
	echo 'both benchmarks ran'" \
	1800 || die "the benchmark VM failed"
grep -q '^both benchmarks ran' "$out/shell.txt" || die "a benchmark failed (see $out/shell.txt)"
grep -E '^(\||###|$|[0-9]+ (operations|calls) per|times under)' "$out/shell.txt" \
	> "$out/selftest.md"
echo "machine: $(nproc) cores, $(uname -r) host; test VM under QEMU TCG, $kvariant test kernel; $(date -u +%F)" \
	>> "$out/selftest.md"
cat "$out/selftest.md"
