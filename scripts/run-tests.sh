#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build everything, boot the test VM once, run KUnit and every selftest in it,
# and judge the result.  Every check counts as one test in the closing line
# "N passed, N failed, N skipped":
#   - each KUnit case and each selftest case (TAP "ok"/"not ok"),
#   - a selftest binary that exits non-zero without reporting a failure, or
#     reports fewer cases than it planned, fails once more,
#   - the guest kernel log is free of KASAN/lockdep/WARN/BUG/... reports,
#   - kmemleak found no leak,
#   - kvm-vtd unloads after the last test,
#   - each userspace fuzz target of the pure model ran (30 s) clean.
# A guest hang fails the run with the console's last lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
kdir=$("$TOP/scripts/build.sh") || die "build failed"
t_build=$(( $(date +%s) - t0 ))

out=$TOP/build/test-results
rm -rf "$out"
mkdir -p "$out"
# The fuzz targets run on the host meanwhile: the VM's TCG takes one core.
"$TOP/scripts/fuzz.sh" "$TOP/build/fuzz" "${VTD_FUZZ_SECONDS:-30}" > "$out/fuzz.txt" 2>&1 &
fuzz_pid=$!
"$TOP/scripts/vm.sh" "$kdir" "$out" tests "${VTD_VM_TIMEOUT:-1800}"
vm_rc=$?
wait $fuzz_pid
fuzz_rc=$?

. "$TOP/scripts/results.sh"

if [ $vm_rc -eq 0 ]; then
	if ls "$TOP"/*-kunit.ko >/dev/null 2>&1; then
		if [ -e "$out/kunit.tap" ]; then
			ktap "$out/kunit.tap"
		else
			result fail kunit "KUnit modules were built but no results came back"
		fi
	fi
	n=0
	for f in "$out"/*_test.tap; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		tap "$f" "$(basename "$f" .tap)" "${f%.tap}.rc"
	done
	[ $n -gt 0 ] || result fail selftests "no selftest ran"

	# Report headers of KASAN, UBSAN, lockdep (its reports are WARNINGs or
	# "INFO: possible ..."), DEBUG_ATOMIC_SLEEP and DEBUG_LIST, WARN/BUG,
	# oopses and the lockup detectors.  Any of them is a host-kernel bug.
	splat='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection fault|kernel BUG'
	splat+='|INFO: possible|INFO: task .* blocked|INFO: rcu_|DEBUG_LOCKS_WARN_ON'
	splat+='|suspicious RCU usage|list_add corruption|list_del corruption'
	splat+='|Call Trace:|soft lockup|hard LOCKUP'
	if grep -Eq "$splat" "$out/dmesg.txt"; then
		result fail "guest kernel log" "reports found (build/test-results/dmesg.txt)"
		grep -En -B2 -A12 "$splat" "$out/dmesg.txt" | head -n 60 | sed 's/^/    | /'
	else
		result ok "guest kernel log: no KASAN/lockdep/WARN/BUG reports"
	fi
	if [ -s "$out/kmemleak.txt" ]; then
		result fail "kmemleak" "leaks reported (build/test-results/kmemleak.txt)"
		head -n 40 "$out/kmemleak.txt" | sed 's/^/    | /'
	elif [ -e "$out/kmemleak.txt" ]; then
		result ok "kmemleak: no leaks"
	else
		result fail "kmemleak" "no scan result"
	fi
	if [ "$(cat "$out/rmmod.rc" 2>/dev/null)" = 0 ]; then
		result ok "kvm-vtd unloads after the tests"
	else
		result fail "kvm-vtd unloads after the tests" "rmmod failed"
	fi
elif [ $vm_rc -eq 2 ]; then
	result fail "test VM" "guest hang (see build/test-results/console.log)"
else
	result fail "test VM" "guest did not finish (see build/test-results/console.log)"
fi

# Each fuzz target is one test: it ran and found nothing.
n=0
while IFS= read -r line; do
	case "$line" in
	"fuzz "*": failed"*) ;;
	"fuzz "*": "*" executions"*)
		n=$((n + 1))
		result ok "$line" ;;
	esac
done < "$out/fuzz.txt"
if [ $fuzz_rc -ne 0 ] || [ $n -ne 3 ]; then
	result fail "fuzz" "$((3 - n)) of 3 targets failed (build/test-results/fuzz.txt)"
	grep -v '^fuzz .* executions' "$out/fuzz.txt" | tail -n 40 | sed 's/^/    | /'
fi

log "build ${t_build} s, total $(( $(date +%s) - t0 )) s; results in $out"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
