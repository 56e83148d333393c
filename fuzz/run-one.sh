#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run one fuzz target: OUT TARGET libFuzzer-options...
# Corpus in OUT/corpus/TARGET (seeded by seeds.py), log in OUT/TARGET.log;
# prints "fuzz TARGET: N executions, N coverage points, N corpus entries,
# N s" if it found nothing; on any crash, sanitizer report or leak it
# prints "fuzz TARGET: failed ..." and the report instead, and exits 1.
set -uo pipefail
out=$1 t=$2
shift 2
dir=$(cd "$(dirname "$0")" && pwd)
corpus=$out/corpus/$t
mkdir -p "$corpus" "$out/crashes"
python3 "$dir/seeds.py" "$t" "$corpus"
start=$(date +%s)
"$out/$t" "$corpus" -artifact_prefix="$out/crashes/$t-" -print_final_stats=1 \
	-rss_limit_mb=2048 "$@" > "$out/$t.log" 2>&1
rc=$?
secs=$(( $(date +%s) - start ))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$out/$t.log" | tail -n 1 | cut -d' ' -f2)
n=$(ls "$corpus" | wc -l)
# The line the runner counts as a pass only for a run that passed.
if [ $rc -ne 0 ] || [ -z "$execs" ]; then
	echo "fuzz $t: failed (exit $rc) after ${execs:-0} runs, ${secs} s; see $out/$t.log" >&2
	grep -m1 -A30 -E 'ERROR|runtime error|: .*\): |deadly signal' "$out/$t.log" >&2
	exit 1
fi
echo "fuzz $t: ${execs:-0} executions, ${cov:-0} coverage points, $n corpus entries, ${secs} s"
