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
#   - each userspace fuzz target of the pure model ran (30 s) clean,
#   - each check of each nested Linux guest (scripts/nested.sh: Debian's
#     cloud kernel on the patched QEMU with the unit in the kernel, and on
#     stock QEMU as the control), booted in a second test VM with the fast
#     kernel; VTD_NESTED=all runs every variant, VTD_NESTED=none none.
# A guest hang fails the run with the console's last lines.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

t0=$(date +%s)
kdir=$("$TOP/scripts/build.sh") || die "build failed"
t_build=$(( $(date +%s) - t0 ))

out=$TOP/build/test-results
rm -rf "$out"
mkdir -p "$out"

# The nested Linux guests need the fast kernel, the patched QEMU and the
# guest: build them (cached) before the VMs start competing for the cores.
# About a minute per Linux variant, seconds per edu one (scripts/nested.sh).
NESTED_DEFAULT=kvm-vtd-legacy,kvm-vtd-lazy,kvm-vtd-pt,kvm-vtd-scalable-fl,kvm-vtd-ir
NESTED_DEFAULT+=,kvm-vtd-ir-x2apic,qemu-legacy,qemu-ir-x2apic
NESTED_DEFAULT+=,edu-kvm-vtd,edu-qemu,edu-kvm-vtd-migrate,refusals
NESTED_ALL=$NESTED_DEFAULT,kvm-vtd-scalable,qemu-lazy,qemu-pt,qemu-scalable,qemu-ir
NESTED_ALL+=,edu-qemu-migrate
case "${VTD_NESTED:-default}" in
default) nested=$NESTED_DEFAULT ;;
all) nested=$NESTED_ALL ;;
none) nested= ;;
*) nested=$VTD_NESTED ;;
esac
nested_pid=
if [ -n "$nested" ]; then
	t1=$(date +%s)
	if "$TOP/scripts/nested-vm.sh" --build > "$out/nested-vm.log" 2>&1; then
		t_build=$((t_build + $(date +%s) - t1))
		"$TOP/scripts/nested-vm.sh" "$out/nested-vm" "$nested" >> "$out/nested-vm.log" 2>&1 &
		nested_pid=$!
	fi
fi
# Two test VMs, each one TCG thread; the fuzz targets run on the host once
# the main one is done.
"$TOP/scripts/vm.sh" "$kdir" "$out" tests "${VTD_VM_TIMEOUT:-1800}"
vm_rc=$?
"$TOP/scripts/fuzz.sh" "$TOP/build/fuzz" "${VTD_FUZZ_SECONDS:-30}" > "$out/fuzz.txt" 2>&1
fuzz_rc=$?

. "$TOP/scripts/results.sh"

# Report headers of KASAN, UBSAN, lockdep (its reports are WARNINGs or
# "INFO: possible ..."), DEBUG_ATOMIC_SLEEP and DEBUG_LIST, WARN/BUG,
# oopses and the lockup detectors.  Any of them is a host-kernel bug.
splat='BUG:|WARNING:|KASAN|UBSAN|Oops|general protection fault|kernel BUG'
splat+='|INFO: possible|INFO: task .* blocked|INFO: rcu_|DEBUG_LOCKS_WARN_ON'
splat+='|suspicious RCU usage|list_add corruption|list_del corruption'
splat+='|Call Trace:|soft lockup|hard LOCKUP'
splat_check() { # DMESG NAME SHOWN-PATH
	if [ ! -s "$1" ]; then
		result fail "$2" "no kernel log came back"
	elif grep -Eq "$splat" "$1"; then
		result fail "$2" "reports found ($3)"
		grep -En -B2 -A12 "$splat" "$1" | head -n 60 | sed 's/^/    | /'
	else
		result ok "$2: no KASAN/lockdep/WARN/BUG reports"
	fi
}

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

	splat_check "$out/dmesg.txt" "guest kernel log" build/test-results/dmesg.txt
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

if [ -n "$nested" ]; then
	nested_rc=build
	[ -z "$nested_pid" ] || { wait $nested_pid; nested_rc=$?; }
	if [ -e "$out/nested-vm/nested_test.tap" ]; then
		tap "$out/nested-vm/nested_test.tap" nested "$out/nested-vm/nested_test.rc"
		# Hung, or the VM died under it: what the VM's console said last.
		case "$(cat "$out/nested-vm/nested_test.rc" 2>/dev/null)" in
		0|1) ;;
		*) tail -n 30 "$out/nested-vm.log" | sed 's/^/    | /' ;;
		esac
		splat_check "$out/nested-vm/dmesg.txt" "nested guests' host kernel log" \
			build/test-results/nested-vm/dmesg.txt
	else
		result fail "nested Linux guests" "the nested test VM did not run (rc $nested_rc, build/test-results/nested-vm.log)"
		tail -n 20 "$out/nested-vm.log" | sed 's/^/    | /'
	fi
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
