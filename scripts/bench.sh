#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The selftest-level benchmark (selftests/vtd_bench.c) in the test VM: the
# guest's VT-d register traffic with the unit in the kernel, against the
# same page handled in userspace and an ioeventfd floor.  Writes the
# markdown table to build/bench/selftest.md and prints it.
#
# VTD_BENCH_OPS (4000) and VTD_BENCH_REPS (3) size the runs.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$("$TOP/scripts/build.sh") || die "build failed"
out=$TOP/build/bench
rm -rf "$out"
mkdir -p "$out"
"$TOP/scripts/vm.sh" "$kdir" "$out" \
	"shell:VTD_BENCH_OPS=${VTD_BENCH_OPS:-4000} VTD_BENCH_REPS=${VTD_BENCH_REPS:-3} $TOP/selftests/build/vtd_bench" \
	1800 || die "the benchmark VM failed"
grep '^|' "$out/shell.txt" > "$out/selftest.md" || die "no results (see $out/shell.txt)"
grep -A2 '^$' "$out/shell.txt" | grep -v '^|' >> "$out/selftest.md"
echo "machine: $(nproc) cores, $(uname -r) host; test VM under QEMU TCG; $(date -u +%F)" \
	>> "$out/selftest.md"
cat "$out/selftest.md"
