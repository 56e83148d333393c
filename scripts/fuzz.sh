#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the fuzz targets (fuzz/) and run each: for SECONDS seconds (the
# test command's short run, default 30) or, with --long, until 10 million
# executions.  One line per target, "fuzz TARGET: ...", and a non-zero exit
# if any target found a crash, a sanitizer report or a broken invariant.
#
#   scripts/fuzz.sh [OUT] [SECONDS]
#   scripts/fuzz.sh --long [OUT]
set -uo pipefail
. "$(dirname "$0")/lib.sh"

long=0
if [ "${1:-}" = --long ]; then
	long=1
	shift
fi
out=${1:-$TOP/build/fuzz}
secs=${2:-30}

make -s -C "$TOP/fuzz" OUT="$out" all >&2 || die "fuzz targets do not build"
rc=0
for t in fuzz_regfile fuzz_walk fuzz_intremap; do
	if [ $long -eq 1 ]; then
		"$TOP/fuzz/run-one.sh" "$out" "$t" -runs=10000000 || rc=1
	else
		"$TOP/fuzz/run-one.sh" "$out" "$t" -max_total_time="$secs" || rc=1
	fi
done
exit $rc
