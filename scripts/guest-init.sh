#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM (see scripts/vm.sh).  The root filesystem is the host's
# own, read-only over 9p; results go to the 9p share tagged "results".  The
# kernel passes VTD_TOP, VTD_KDIR and VTD_JOB (tests | demo | shell:CMD) in
# the environment (and whatever VTD_VM_ENV of scripts/vm.sh adds).  Whatever happens, the VM ends by rebooting at the end.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# Scratch space lives under /run only: the host's tree (this script, the
# build, maybe under /tmp) must stay visible, so nothing else is shadowed.
OUT=/run/out
export TMPDIR=/run/tmp

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# Process substitution needs /dev/fd, which devtmpfs lacks.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
mount -t tmpfs tmpfs /run
mkdir -p $TMPDIR
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p $OUT
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results $OUT ||
	echo "guest-init: cannot mount the results share" > /dev/console

log() { echo "guest-init: $*" | tee -a $OUT/guest.log > /dev/console; }

finish() {
	dmesg > $OUT/dmesg.txt
	echo "$1" > $OUT/status
	sync
	# The test kernel has no ACPI to power off with; QEMU runs with
	# -no-reboot, so a reboot ends the VM.
	busybox reboot -f
	echo b > /proc/sysrq-trigger
	sleep 60
}

cd $TMPDIR || finish "error: no $TMPDIR"
log "kernel $(uname -r), $(nproc) cpus, job '$VTD_JOB'"

load_modules() {
	modprobe -d "$VTD_KDIR/mods" kvm_amd || return 1
	insmod "${VTD_KO:-$VTD_TOP/kvm-vtd.ko}" || return 1
	[ -c /dev/kvm ] || { log "no /dev/kvm after loading kvm_amd"; return 1; }
}

# Load every KUnit module the build produced (*-kunit.ko at the top of the
# tree); each suite runs at load and leaves its KTAP results in debugfs.
run_kunit() {
	local ko suite
	for ko in "$VTD_TOP"/*-kunit.ko; do
		[ -e "$ko" ] || continue
		log "kunit: $(basename "$ko")"
		insmod "$ko" || echo "not ok 1 $(basename "$ko") # failed to load" \
			>> $OUT/kunit.tap
	done
	for suite in /sys/kernel/debug/kunit/*/results; do
		[ -e "$suite" ] || continue
		{ cat "$suite"; echo; } >> $OUT/kunit.tap
	done
}

run_selftests() {
	local t name rc
	for t in "$VTD_TOP"/selftests/build/*_test; do
		name=$(basename "$t")
		log "selftest: $name"
		KVM_VTD_KO="$VTD_TOP/kvm-vtd.ko" timeout -k 5 "${VTD_TEST_TIMEOUT:-300}" \
			"$t" > "$OUT/$name.tap" 2>&1
		rc=$?
		echo "$rc" > "$OUT/$name.rc"
		[ $rc -eq 124 ] && log "$name timed out"
	done
}

# kmemleak reports objects unreferenced for a while: scan, age, scan again.
scan_kmemleak() {
	local f=/sys/kernel/debug/kmemleak
	[ -e $f ] || return 0
	echo scan > $f; sleep 6; echo scan > $f
	cat $f > $OUT/kmemleak.txt
}

if ! load_modules; then
	finish "error: loading kvm_amd/kvm-vtd failed"
fi

case "$VTD_JOB" in
tests)
	run_kunit
	run_selftests
	# Closing every VM above released every device: unloading must work.
	rmmod kvm_vtd; echo $? > $OUT/rmmod.rc
	scan_kmemleak
	finish done
	;;
demo)
	"$VTD_TOP/selftests/build/vtd_demo" 2>&1 | tee $OUT/demo.txt > /dev/console
	finish done
	;;
nested:*)
	# Nested Linux guests on this VM's KVM: the variants, comma-separated.
	# Bounded below the VM's own limit, so that a hang leaves the TAP so
	# far, an exit code (124) and where every process was.
	timeout -k 30 "${VTD_NESTED_LIMIT:-2100}" "$VTD_TOP/scripts/nested.sh" \
		$OUT/nested ${VTD_JOB#nested:} > $OUT/nested_test.tap 2> $OUT/nested.err
	rc=$?
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		{
			echo "# nested.sh did not finish in ${VTD_NESTED_LIMIT:-2100} s"
			ps -eo pid,stat,wchan:32,etime,args
			for p in $(pgrep -f qemu-system); do
				for t in /proc/$p/task/*; do
					echo "task $t $(cat $t/comm) $(cat $t/wchan)"
					cat $t/stack
				done
			done
			dmesg | tail -n 60
		} 2>&1 | sed 's/^/# /' >> $OUT/nested_test.tap
	fi
	echo $rc > $OUT/nested_test.rc
	finish done
	;;
shell:*)
	bash -c "${VTD_JOB#shell:}" 2>&1 | tee $OUT/shell.txt > /dev/console
	finish done
	;;
*)
	finish "error: unknown job '$VTD_JOB'"
	;;
esac
