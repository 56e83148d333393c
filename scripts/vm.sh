#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh KDIR OUTDIR JOB [TIMEOUT_S]
#
# Boot the test kernel in KDIR under QEMU TCG (-cpu max exposes SVM, so
# kvm_amd runs inside), with this machine's root read-only over 9p and OUTDIR
# shared read-write as "results", and run JOB through scripts/guest-init.sh.
# The serial console goes to OUTDIR/console.log (and to stderr with
# VTD_VERBOSE=1).  Exits 0 when the guest powered off by itself, 2 on a hang
# (killed after TIMEOUT_S), 3 when the guest did not finish its job.
#
# VTD_VM_SMP (default 2) sets the vCPUs; VTD_VM_ENV adds NAME=VALUE words to
# the environment of the guest's init (e.g. VTD_KO, the module to load).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$1 out=$2 job=$3 limit=${4:-1200}

# The guest sees this machine's tree, except where it mounts its own
# filesystems: the tree, the kernel and the results must not live there.
for p in "$TOP" "$kdir" "$out"; do
	case "$(realpath -m "$p")/" in
	/proc/*|/sys/*|/dev/*|/run/*)
		die "$p is under a path the test VM replaces (/proc /sys /dev /run)" ;;
	esac
done
mkdir -p "$out"
rm -f "$out"/status "$out"/console.log

tail_pid=
if [ "${VTD_VERBOSE:-0}" = 1 ]; then
	touch "$out/console.log"
	tail -n +1 -f "$out/console.log" >&2 &
	tail_pid=$!
fi

cmdline="console=ttyS0 root=/dev/root rootfstype=9p ro"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose"
cmdline+=" init=$TOP/scripts/guest-init.sh panic=-1 mitigations=off"
# -cpu max offers LA57.  6.12's identify_cpu() zeroes the boot CPU's
# capabilities before alternatives are patched, so pgtable_l5_enabled() reads
# false for a moment; an interrupt in that window makes KASAN compute the
# shadow range for 4 levels and report the 5-level direct map as a
# wild-memory-access (seen at ~0.013 s of boot).  4-level paging avoids it.
cmdline+=" no5lvl"
cmdline+=" VTD_TOP=$TOP VTD_KDIR=$kdir \"VTD_JOB=$job\" ${VTD_VM_ENV:-}"

# Single-threaded TCG.  With one host thread per vCPU (QEMU's default), a vCPU
# sometimes executes the int3 of a text_poke_bp() that has already finished
# (an "Oops: int3" at a jump-label NOP in __schedule, which KVM's
# preempt-notifier key patches on every first VM create / last VM destroy):
# multi-threaded TCG does not keep cross-modified code coherent.  Two vCPUs on
# one thread do, for some guest speed.
# The monitor is a socket, for one use: when the VM runs out of time,
# scripts/cpu-state.py records where its CPUs are before it is killed.
mon=$(mktemp -u /tmp/kvm-vtd-mon.XXXXXX)
start=$(date +%s)
rm -f "$out/cpu-state.txt"
qemu-system-x86_64 \
	-accel tcg,thread=single -cpu max -smp "${VTD_VM_SMP:-2}" -m 3G -no-reboot -nographic -nic none \
	-monitor "unix:$mon,server=on,wait=off" \
	-serial "file:$out/console.log" \
	-kernel "$kdir/arch/x86/boot/bzImage" -append "$cmdline" \
	-fsdev local,id=root,path=/,readonly=on,security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root \
	-fsdev local,id=out,path="$out",security_model=none \
	-device virtio-9p-pci,fsdev=out,mount_tag=results \
	</dev/null >"$out/qemu.log" 2>&1 &
qpid=$!
trap 'kill $qpid 2>/dev/null' EXIT
(
	trap 'kill $sp 2>/dev/null; exit 0' TERM
	sleep "$limit" &
	sp=$!
	wait $sp
	timeout 60 python3 "$TOP/scripts/cpu-state.py" "$mon" "$kdir/System.map" 5 \
		> "$out/cpu-state.txt" 2>&1
	kill "$qpid"
	sleep 10
	kill -9 "$qpid"
) >/dev/null 2>&1 &
wdpid=$!
wait $qpid
rc=$?
kill $wdpid 2>/dev/null
wait $wdpid 2>/dev/null
rm -f "$mon"
[ -e "$out/cpu-state.txt" ] && rc=124
[ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null
log "VM ran $(( $(date +%s) - start )) s"

if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	log "guest hang: no power-off within $limit s; last console lines:"
	tail -n 30 "$out/console.log" >&2
	log "where the CPUs were (build/.../cpu-state.txt):"
	grep '^sample' "$out/cpu-state.txt" >&2
	exit 2
fi
if [ "$(cat "$out/status" 2>/dev/null)" != done ]; then
	log "guest did not finish (qemu rc $rc, status '$(cat "$out/status" 2>/dev/null)');" \
	    "last console lines:"
	tail -n 30 "$out/console.log" >&2
	cat "$out/qemu.log" >&2
	exit 3
fi
exit 0
