#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nested.sh OUTDIR VARIANT[,VARIANT...]
#
# Runs inside the test VM (the "fast" test kernel at -smp 1, job "nested"):
# boots a nested guest once per VARIANT, under the patched QEMU with the VT-d
# unit in the kernel (kvm-vtd.ko, loaded by guest-init.sh) or under the stock
# Debian QEMU's own userspace intel-iommu (the control), and checks what the
# guest did from its own console and from the host side.  A variant is
# [edu-]BACKEND[-CONFIG]:
#   BACKEND  kvm-vtd (patched QEMU, x-kvm-vtd=on; kvm-vtd-nocache-CONFIG
#            without its translation cache), qemu (stock QEMU) or
#            none (stock QEMU, no IOMMU: the benchmarks' floor)
#   linux    Debian's 6.12 cloud kernel reads a virtio-blk disk through
#            translation; CONFIG legacy, lazy, pt, scalable, scalable-fl,
#            ir, ir-x2apic, ir-affinity (ir, then 2000 interrupt moves)
#   edu-     the bare-metal guest (guests/edu) drives the unit through
#            QEMU's edu device, the I/O APIC and the PIT; CONFIG none, or
#            migrate (saved half-way, restored into a new QEMU)
#   refusals what the patched QEMU must refuse at startup, and its messages
# A suffix @N names a repetition (the benchmark runs each variant N times).
# Prints TAP on stdout; per variant it leaves OUTDIR/<variant>.console and
# OUTDIR/<variant>.stats (exit counts and the unit's counters).
#
# Environment: VTD_QEMU (the patched qemu-system-x86_64), VTD_GUEST (the
# directory with vmlinuz and initrd.img), VTD_EDU (vtd-edu.elf), VTD_KO
# (the kvm-vtd.ko guest-init.sh loaded).
set -uo pipefail

out=$1
shift
mkdir -p "$out"
TR=/sys/kernel/tracing
REGS_LO=$((0xfed90000))
REGS_HI=$((0xfed91000))

# The patched QEMU runs from its build tree: point it at the firmware the
# stock one uses.
PATCHED_QEMU=("$VTD_QEMU" -L /usr/share/seabios -L /usr/share/qemu)

disk=$TMPDIR/disk.img
dd if=/dev/urandom of="$disk" bs=1M count=16 status=none
disk_sum=$(sha256sum "$disk" | cut -d' ' -f1)
echo "# disk: 16 MiB of random data, sha256 $disk_sum (computed in the test VM)"

n=0 failed=0 copiers=()
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=1; echo "not ok $n - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

# VARIANT -> guest, backend, intel-iommu options, machine, guest cmdline.
variant_def() {
	local v=${1%@*}
	guest=linux
	case "$v" in edu-*) guest=edu; v=${v#edu-} ;; esac
	case "$v" in
	kvm-vtd*) backend=kvm-vtd; v=${v#kvm-vtd} ;;
	qemu*) backend=qemu; v=${v#qemu} ;;
	none*) [ $guest = linux ] || return 1; backend=none; v=${v#none} ;;
	*) return 1 ;;
	esac
	v=${v#-}
	# kvm-vtd-nocache-CONFIG: QEMU asks the kernel for every translation.
	xcache=
	case "$backend:$v" in kvm-vtd:nocache-*) xcache=,x-kvm-xlate-cache=off v=${v#nocache-} ;; esac
	machine=q35,hpet=off,kernel-irqchip=split ir=0 migrate=0 affinity=0 unit_counters="reg_writes qi_descriptors translations"
	if [ "$guest" = edu ]; then
		iommu=intremap=on,eim=off append= ir=1
		case "$v" in
		"") ;;
		migrate) migrate=1 append=migrate ;;
		*) return 1 ;;
		esac
	else
		append="iommu.strict=1"
		case "$v" in
		legacy) iommu=intremap=off ;;
		lazy) iommu=intremap=off append="iommu.strict=0" ;;
		# Identity domains: context entries go from not present to
		# present, which needs no invalidation without caching mode.
		pt) iommu=intremap=off append="iommu=pt" unit_counters="reg_writes translations" ;;
		scalable) iommu=intremap=off,x-scalable-mode=on ;;
		# First and second stage need a common depth: 4 levels.
		scalable-fl) iommu=intremap=off,x-scalable-mode=on,x-flts=on,aw-bits=48 ;;
		ir) iommu=intremap=on,eim=off ir=1 ;;
		ir-x2apic) iommu=intremap=on,eim=on ir=1 ;;
		# Interrupt affinity churn (the benchmark's): 2000 moves.
		ir-affinity) iommu=intremap=on,eim=off ir=1 append="$append vtd.affinity=2000"
			     affinity=2000 ;;
		*) return 1 ;;
		esac
		[ $backend = none ] && append="intel_iommu=off $append" || append="intel_iommu=on $append"
		append="console=ttyS0 $append tsc=reliable no_timer_check lpj=4000000 panic=-1"
	fi
	[ "$backend" = kvm-vtd ] && iommu=x-kvm-vtd=on$xcache,$iommu
	return 0
}

# KVM's exits to userspace during one run: total, MMIO, and MMIO for the
# VT-d register page (each kvm_userspace_exit paired with the kvm_mmio event
# before it on the same CPU; the test VM has one).
trace_start() {
	echo 0 > $TR/tracing_on
	echo > $TR/trace
	echo 65536 > $TR/buffer_size_kb
	echo 1 > $TR/events/kvm/kvm_userspace_exit/enable
	echo 1 > $TR/events/kvm/kvm_mmio/enable
	echo 1 > $TR/tracing_on
}

trace_stop() {
	echo 0 > $TR/tracing_on
	echo 0 > $TR/events/kvm/kvm_userspace_exit/enable
	echo 0 > $TR/events/kvm/kvm_mmio/enable
	awk -v lo=$REGS_LO -v hi=$REGS_HI '
	function hex(s,   i, v) {
		v = 0
		s = tolower(substr(s, 3))
		for (i = 1; i <= length(s); i++)
			v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
		return v
	}
	/kvm_mmio:/ {
		for (i = 1; i <= NF; i++) if ($i == "gpa") gpa = hex($(i + 1))
		if (gpa >= lo && gpa < hi) regs_acc++
		next
	}
	/kvm_userspace_exit:/ {
		total++
		if ($0 ~ /reason KVM_EXIT_MMIO/) {
			mmio++
			if (gpa >= lo && gpa < hi) regs++
		}
	}
	/LOST/ { lost++ }
	END {
		printf "userspace_exits %d\nmmio_userspace_exits %d\n", total, mmio
		printf "vtd_page_userspace_exits %d\nvtd_page_accesses %d\n", regs, regs_acc
		printf "trace_lost %d\n", lost
	}' $TR/trace
}

# start_qemu NAME [EXTRA ARGS...]: QEMU for the current variant, in the
# background ($qpid); its serial and monitor are FIFO pairs under $TMPDIR
# (NAME.ser.{in,out}, NAME.mon.{in,out}), their output copied to
# $out/$v.console and $TMPDIR/NAME.monlog.
start_qemu() {
	local name=$1 f
	shift
	local -a qemu dev boot
	qemu=(/usr/bin/qemu-system-x86_64)
	[ "$backend" = kvm-vtd ] && qemu=("${PATCHED_QEMU[@]}")
	dev=(-device "intel-iommu,$iommu")
	[ "$backend" = none ] && dev=()
	if [ "$guest" = edu ]; then
		boot=(-kernel "$VTD_EDU" -device edu)
		[ -n "$append" ] && boot+=(-append "$append")
	else
		boot=(-kernel "$VTD_GUEST/vmlinuz" -initrd "$VTD_GUEST/initrd.img" -append "$append"
		      -drive "file=$disk,if=none,id=d0,format=raw,readonly=on"
		      -device virtio-blk-pci,drive=d0,iommu_platform=on,disable-legacy=on)
	fi
	for f in ser mon; do
		rm -f "$TMPDIR/$name.$f.in" "$TMPDIR/$name.$f.out"
		mkfifo "$TMPDIR/$name.$f.in" "$TMPDIR/$name.$f.out"
	done
	# (a QEMU that fails to start never opens them: stop_qemu ends these)
	cat "$TMPDIR/$name.ser.out" >> "$con" &
	copiers+=($!)
	cat "$TMPDIR/$name.mon.out" > "$TMPDIR/$name.monlog" &
	copiers+=($!)
	# -no-shutdown: the guest's power-off stops it, so the unit's counters
	# can still be read before QEMU is told to quit.
	# A fixed x86-64 baseline CPU: with -cpu host (TCG's "max" in the test
	# VM) the guest's XSAVE size check failed once (sizes of features TCG
	# and nested SVM report differently), then it crashed in early boot.
	"${qemu[@]}" -accel kvm -cpu qemu64 -M "$machine" -m 512M -smp 1 \
		-nographic -vga none -no-reboot -no-shutdown -nic none \
		-chardev "pipe,id=ser,path=$TMPDIR/$name.ser" -serial chardev:ser \
		-chardev "pipe,id=mon,path=$TMPDIR/$name.mon" -mon chardev=mon,mode=readline \
		"${dev[@]}" "${boot[@]}" "$@" >> "$out/$v.qemu.log" 2>&1 < /dev/null &
	qpid=$!
	# Read-write opens of a FIFO never block, whether QEMU started or not.
	exec {mon_fd}<> "$TMPDIR/$name.mon.in"
	exec {ser_fd}<> "$TMPDIR/$name.ser.in"
}

# Is QEMU still there (not exited, not a zombie)?
qemu_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$qpid/stat" 2>/dev/null) && [ -n "$st" ] && [ "$st" != Z ]
}

# wait_exit SECONDS: 0 once QEMU has exited.
wait_exit() {
	local i
	for ((i = 0; i < $1 * 5; i++)); do
		qemu_alive || return 0
		sleep 0.2
	done
	! qemu_alive
}

# Where QEMU's threads are, as TAP comments.
qemu_where() {
	local t
	for t in /proc/$qpid/task/*; do
		echo "# $v: thread $(cat "$t/comm" 2>/dev/null) state $(awk '{print $3}' "$t/stat" 2>/dev/null) in $(cat "$t/wchan" 2>/dev/null)"
		sed "s/^/#   /" "$t/stack" 2>/dev/null
	done
}

# Quit QEMU through its monitor; a QEMU that does not go is told again with
# SIGTERM, then SIGKILL, each after 10 s, and where its threads were is
# printed.  One that SIGKILL does not end has a thread stuck in the kernel:
# a failed check (and the run goes on without waiting for it).
stop_qemu() {
	echo quit >&$mon_fd 2>/dev/null
	if ! wait_exit 10; then
		echo "# $v: QEMU still running 10 s after quit"
		qemu_where
		kill $qpid 2>/dev/null
		if ! wait_exit 10; then
			echo "# $v: QEMU still running 10 s after SIGTERM"
			qemu_where
			kill -9 $qpid 2>/dev/null
			if ! wait_exit 30; then
				notok "$v: QEMU ends when killed (a thread is stuck in the kernel)"
				qemu_where
				qpid=
			fi
		fi
	fi
	[ -z "$qpid" ] || wait $qpid 2>/dev/null
	exec {mon_fd}>&- {ser_fd}>&-
	sleep 0.2
	# Whatever QEMU wrote is copied by now; a copier still waiting for a
	# QEMU that never opened its FIFO would wait for ever.
	[ ${#copiers[@]} -eq 0 ] || kill "${copiers[@]}" 2>/dev/null
	copiers=()
	sleep 0.2
}

# wait_for PATTERN FILE SECONDS: 0 when PATTERN shows up in FILE in time.
wait_for() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		kill -0 $qpid 2>/dev/null || return 1
		grep -q 'KVM internal error' "$out/$v.qemu.log" && return 1
		grep -q 'Kernel panic' "$con" && return 1
		sleep 0.2
	done
	return 1
}

unit_stats() { cat /sys/kernel/debug/kvm/*/vtd*/stats 2>/dev/null; }

# KVM's count of the guest's exits to the host kernel (VM exits of every
# kind, in-kernel or not); one guest runs at a time.
vm_exits() { cat /sys/kernel/debug/kvm/exits; }

# Save the running guest to a file and restore it in a new QEMU.
migrate() {
	local name=$1 mig=$TMPDIR/$1.mig i
	echo stop >&$mon_fd
	echo "migrate \"exec:cat > $mig\"" >&$mon_fd
	for ((i = 0; i < 300; i++)); do
		echo "info migrate" >&$mon_fd
		sleep 0.2
		grep -q 'Migration status: completed' "$TMPDIR/$name.monlog" && break
		grep -q 'Migration status: failed' "$TMPDIR/$name.monlog" && break
	done
	unit_stats | sed 's/^/source_/' >> "$st"
	stop_qemu
	start_qemu "$name-dst" -incoming "exec:cat $mig"
	# The source was stopped before it was saved, so the destination
	# stays paused once loaded: continue it, then let the guest go on.
	for ((i = 0; i < 300; i++)); do
		echo "info status" >&$mon_fd
		sleep 0.2
		tr -d '\r' < "$TMPDIR/$name-dst.monlog" | grep -qx 'VM status: paused' && break
	done
	echo cont >&$mon_fd
	echo >&$ser_fd
}

# Where stock QEMU 7.2's own model departs from the spec, its check in the
# control run is reported as skipped, with the reason.
stock_deviation() {
	case "$1" in
	"DMA write to a read-only page faults"*)
		echo "QEMU 7.2 answers from its IOTLB without checking the access: a write to a page cached read-only fails without a fault record (VT-d 3.x 7.1.3, fault reason 5h; vtd_do_iommu_translate())" ;;
	"MSI through a not-present IRTE is blocked"*)
		echo "QEMU 7.2 blocks the interrupt but records no interrupt-remapping fault (VT-d 3.x 5.1.4.1, fault reason 22h; vtd_interrupt_remap_msi())" ;;
	*) return 1 ;;
	esac
}

# One TAP line per check the edu guest printed.
edu_checks() {
	local line name why seen=0
	while IFS= read -r line; do
		seen=1
		case "$line" in
		"VTD-EDU: ok "*) ok "$v: ${line#VTD-EDU: ok }" ;;
		*)
			name=${line#VTD-EDU: not ok }
			if [ "$backend" = qemu ] && why=$(stock_deviation "$name"); then
				n=$((n + 1))
				echo "ok $n - $v: ${name%%: *} # SKIP $why"
			else
				notok "$v: $name"
			fi ;;
		esac
	done < <(tr -d '\r' < "$con" | grep -o 'VTD-EDU: \(not \)\?ok .*')
	[ $seen = 1 ] || notok "$v: the guest reported no checks"
}

run_variant() {
	local t0 exits0 mon_fd ser_fd qpid
	v=$1 con=$out/$1.console st=$out/$1.stats
	if ! variant_def "$v"; then
		notok "$v: unknown variant"
		return
	fi
	rm -f "$con" "$st" "$out/$v.qemu.log"
	touch "$con"
	trace_start
	t0=$(date +%s%N)
	exits0=$(vm_exits)
	start_qemu "$v"
	if [ $migrate = 1 ] && wait_for 'VTD-EDU: migrate' "$con" 120; then
		migrate "$v"
	fi
	if [ "$guest" = edu ]; then
		wait_for 'VTD-EDU: done' "$con" "${VTD_NESTED_TIMEOUT:-300}"
	else
		wait_for 'VTD-GUEST: done' "$con" "${VTD_NESTED_TIMEOUT:-400}"
	fi
	sleep 1
	{
		echo "seconds $(( ($(date +%s%N) - t0) / 1000000000 ))"
		echo "vm_exits $(( $(vm_exits) - exits0 ))"
		unit_stats
	} >> "$st"
	stop_qemu
	trace_stop >> "$st"

	local secs
	secs=$(awk '/^seconds/ {print $2}' "$st")
	if [ "$guest" = edu ]; then
		check "$v ($secs s): guest finished" grep -q 'VTD-EDU: done' "$con"
		edu_checks
		if [ $migrate = 1 ]; then
			check "$v: saved half-way and restored into a new QEMU" \
				grep -q '^source_reg_writes' "$st"
			# Two switches: QEMU's system reset at startup, then one for
			# KVM_DEV_VTD_STATE_RESTORE (not one per register, 45 before).
			check "$v: the restore switched the new unit's translation state once" \
				awk '$1 == "dmar_switches" && $2 == 2 {f = 1} END {exit !f}' "$st"
		fi
	else
		check "$v ($secs s): guest finished" grep -q 'VTD-GUEST: done' "$con"
	fi
	if [ "$backend" = none ]; then
		check "$v: disk read without an IOMMU matches (buffered and direct I/O)" \
			[ "$(grep -c "VTD-GUEST: sha256 $disk_sum" "$con")" = 2 ]
	elif [ "$guest" = linux ]; then
		check "$v: driver found the unit at 0xfed90000" \
			grep -q 'DMAR: dmar0: reg_base_addr fed90000' "$con"
		check "$v: driver uses queued invalidation" \
			grep -q 'dmar0: Using Queued invalidation' "$con"
		# (of a guest that finished: an empty log has no faults either)
		check "$v: no DMA faults, queue errors or timeouts reported" \
			bash -c "grep -q 'VTD-GUEST: done' '$con' && ! grep -Eq 'DRHD: handling fault|\\[DMA (Read|Write)|INTR-REMAP: Request|IQE|ITE|Invalidation Time-out|DMAR.*(ERROR|error)' '$con'"
		check "$v: disk read through translation matches (buffered and direct I/O)" \
			[ "$(grep -c "VTD-GUEST: sha256 $disk_sum" "$con")" = 2 ]
		if [ "$ir" = 1 ]; then
			check "$v: interrupt remapping enabled" \
				grep -q 'Enabled IRQ remapping' "$con"
			check "$v: the disk's interrupts arrive remapped" \
				grep -Eq 'VTD-GUEST: irq .*[1-9][0-9]* +IR-PCI-MSIX' "$con"
		fi
		if [ "$affinity" != 0 ]; then
			check "$v: the guest moved its interrupt $affinity times" \
				grep -q "VTD-GUEST: affinity $affinity moves" "$con"
		fi
		if [ "$affinity" != 0 ] && [ "$backend" = kvm-vtd ]; then
			check "$v: each move invalidated the interrupt entry cache in the kernel" \
				awk -v n="$affinity" '$1 == "iec_invalidations" && $2 >= n {f = 1}
					END {exit !f}' "$st"
		fi
	fi
	if [ "$backend" = none ]; then
		:
	elif [ "$backend" = kvm-vtd ]; then
		# ... of a guest that did access it
		check "$v: 0 userspace exits for the VT-d register page" \
			awk '$1 == "vtd_page_userspace_exits" && $2 == 0 {z = 1}
			     $1 == "vtd_page_accesses" && $2 > 0 {a = 1} END {exit !(z && a)}' "$st"
		check "$v: the unit counted work (${unit_counters// /, })" \
			awk -v want="$unit_counters" 'BEGIN {n = split(want, w); for (i = 1; i <= n; i++) k[w[i]] = 1}
				($1 in k) && $2 > 0 {c++} END {exit c != n}' "$st"
	else
		check "$v: stock QEMU exits to userspace for the VT-d page" \
			awk '/^vtd_page_userspace_exits / && $2 > 0 {f=1} END {exit !f}' "$st"
	fi
	grep -E '^(seconds|vm_exits|userspace_exits|mmio_userspace_exits|vtd_page_userspace_exits|vtd_page_accesses|reg_reads|reg_writes|qi_descriptors|translations|translation_faults|faults_recorded|iotlb_hits|iotlb_misses|iec_invalidations|msi_translations|msi_remapped|msi_blocked|walk_pages_read|trace_lost|dmar_switches) ' "$st" |
		sed "s/^/# $v: /"
}

# What the patched QEMU must refuse, each with a message that says why.
refusals() {
	local q=("${PATCHED_QEMU[@]}" -accel kvm -S
		 -nographic -vga none -nic none -monitor none -serial none)
	refused() { # NAME MESSAGE QEMU-ARGS...
		local name=$1 msg=$2 log
		shift 2
		log=$(timeout 30 "${q[@]}" "$@" 2>&1 < /dev/null)
		if grep -qF "$msg" <<< "$log"; then
			ok "refusals: $name"
		else
			notok "refusals: $name"
			sed 's/^/# /' <<< "$log"
		fi
	}
	refused "no in-kernel irqchip" "needs an in-kernel irqchip" \
		-M q35,kernel-irqchip=off -device intel-iommu,x-kvm-vtd=on
	refused "a configuration the unit lacks (dma-translation=off)" \
		"does not implement this intel-iommu configuration" \
		-M q35,kernel-irqchip=split -device intel-iommu,x-kvm-vtd=on,dma-translation=off
	refused "first and second stage without a common depth (x-flts, aw-bits 39)" \
		"does not implement this intel-iommu configuration" \
		-M q35,kernel-irqchip=split -device intel-iommu,x-kvm-vtd=on,x-scalable-mode=on,x-flts=on
	refused "x-flts without scalable mode" "x-flts=on needs x-kvm-vtd=on and x-scalable-mode=on" \
		-M q35,kernel-irqchip=split -device intel-iommu,x-kvm-vtd=on,x-flts=on
	if rmmod kvm_vtd; then
		refused "kvm-vtd.ko not loaded" "load the kvm-vtd module" \
			-M q35,kernel-irqchip=split -device intel-iommu,x-kvm-vtd=on
		insmod "$VTD_KO" || notok "refusals: kvm-vtd.ko loads again"
	else
		notok "refusals: kvm-vtd.ko unloads"
	fi
}

IFS=, read -r -a variants <<< "$*"
for v in "${variants[@]}"; do
	case "$v" in
	refusals) refusals ;;
	*) run_variant "$v" ;;
	esac
done
echo "1..$n"
exit $failed
