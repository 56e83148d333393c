#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nested-guest benchmark: Debian's 6.12 cloud kernel (iommu.strict=1)
# boots and reads its 16 MiB disk buffered and with 4 KiB O_DIRECT requests
# (every request maps, unmaps and invalidates) on QEMU with the unit in the
# kernel (kvm-vtd; and kvm-vtd-nocache, QEMU asking the kernel for every
# translation), on stock QEMU's intel-iommu (qemu) and with no IOMMU
# (none), alternating, VTD_BENCH_REPS (3) times each, in one run of the
# nested-guest test VM.  Counts first (exits to userspace, for the VT-d
# page, the unit's work), then times as min / median / max and the ratios
# of the medians.  TCG distorts every time: only ratios within the run
# mean anything.  Writes build/bench/nested.md (and prints it) and the plot
# build/bench/nested.png.
#
# VTD_BENCH_MODE picks the guest's configuration (a variant of nested.sh):
# legacy (the default), lazy (iommu.strict=0), or ir-affinity (interrupt
# remapping on, and after the reads the guest moves the disk's
# configuration interrupt 2000 times: an IRTE update and an interrupt entry
# cache invalidation each).  breakdown takes a strict-mode request apart
# instead: no IOMMU; stock QEMU and kvm-vtd with the guest's DMA in
# passthrough (iommu=pt: a unit is there, requests are not mapped);
# kvm-vtd in lazy mode (mapped and unmapped, invalidations batched) and in
# strict mode (each unmap invalidated and waited for); stock QEMU in
# strict mode.  The difference between two neighbours is what the step
# between them costs.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

reps=${VTD_BENCH_REPS:-3}
mode=${VTD_BENCH_MODE:-legacy}
# 4 KiB O_DIRECT requests in one read of nested.sh's 16 MiB disk.
requests=4096
# Columns: nested.sh variants (without @N) and their titles; the last
# column is the ratio of the medians of columns $num and $den.
case "$mode" in
breakdown)
	cols=(none-legacy qemu-pt kvm-vtd-pt kvm-vtd-lazy kvm-vtd-legacy qemu-legacy)
	titles=("no IOMMU" "stock QEMU, iommu=pt" "kvm-vtd, iommu=pt" "kvm-vtd, lazy"
		"kvm-vtd, strict" "stock QEMU, strict")
	num=4 den=5 plotbase=0 guestcfg="iommu.strict=1 unless said" ;;
legacy|lazy|ir-affinity)
	cols=(kvm-vtd-$mode kvm-vtd-nocache-$mode qemu-$mode none-$mode)
	titles=("kvm-vtd" "kvm-vtd, QEMU without translation cache" "stock QEMU"
		"no IOMMU")
	num=0 den=2 plotbase=3 guestcfg="iommu.strict=1"
	# What nested.sh gives the guest: lazy invalidation only in "lazy".
	[ "$mode" = lazy ] && guestcfg="iommu.strict=0" ;;
*) die "VTD_BENCH_MODE=$mode: legacy, lazy, ir-affinity or breakdown" ;;
esac
out=$TOP/build/bench/nested
rm -rf "$out"
mkdir -p "$out"
variants=
for ((i = 1; i <= reps; i++)); do
	for c in "${cols[@]}"; do variants+=${variants:+,}$c@$i; done
done
"$TOP/scripts/nested-vm.sh" "$out/vm" "$variants" >&2 || die "the nested-guest VM failed"
# A run that failed a check is repeated once, in a second VM, and the report
# names it with its first failed check (nested SVM under TCG has crashed a
# guest with no IOMMU involved); a second failure ends the benchmark.  The
# failed run's console is kept as VARIANT.failed.console.
failed=$(sed -n 's/^not ok [0-9]* - \([^ :]*\).*/\1/p' "$out/vm/nested_test.tap" | sort -u)
repeated=
if [ -n "$failed" ]; then
	grep '^not ok' "$out/vm/nested_test.tap" >&2
	log "repeating once: $(echo $failed)"
	"$TOP/scripts/nested-vm.sh" "$out/retry" "$(echo $failed | tr ' ' ,)" >&2 ||
		die "the nested-guest VM of the repeated runs failed"
	! grep -q '^not ok' "$out/retry/nested_test.tap" ||
		{ grep '^not ok' "$out/retry/nested_test.tap" >&2; die "a repeated run failed its checks"; }
	for v in $failed; do
		mv "$out/vm/nested/$v.console" "$out/vm/nested/$v.failed.console"
		cp "$out/retry/nested/$v".* "$out/vm/nested/"
		repeated+="- $v, after: $(grep -m1 "^not ok [0-9]* - $v[ :]" "$out/vm/nested_test.tap" |
			sed 's/^not ok [0-9]* - //')"$'\n'
	done
fi

# value VARIANT KEY: a counter from the stats, or a guest time.
value() {
	local st=$out/vm/nested/$1.stats con=$out/vm/nested/$1.console
	case "$2" in
	boot_ms) tr -d '\r' < "$con" | awk '$2 == "uptime-ms" && $4 == "init" {print $3}' ;;
	direct_ms) tr -d '\r' < "$con" | awk '$2 == "uptime-ms" {t[$4] = $3}
		END {print t["direct"] - t["buffered"]}' ;;
	affinity_ms) tr -d '\r' < "$con" | awk '$2 == "uptime-ms" {t[$4] = $3}
		END {print ("affinity" in t) ? t["affinity"] - t["direct"] : "-"}' ;;
	*) awk -v k="$2" '$1 == k {print $2; f = 1} END {if (!f) print "-"}' "$st" ;;
	esac
}

# stats COLUMN KEY: "min median max" over the repetitions.
stats() {
	local i
	for ((i = 1; i <= reps; i++)); do value "$1@$i" "$2"; done |
		sort -n | awk '{v[NR] = $1} END {
			if (v[1] == "-") {print "- - -"; exit}
			printf "%s %s %s\n", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# The medians, by COLUMN:KEY, as the table computes them (the steps and
# the plot use them too).
declare -A median
{
	echo "# Nested Linux guest ($mode): kvm-vtd, stock QEMU intel-iommu, no IOMMU"
	echo
	echo "Debian 6.12 cloud kernel, \`intel_iommu=on $guestcfg\` ($mode),"
	echo "16 MiB virtio-blk read buffered then in $requests 4 KiB O_DIRECT requests;"
	echo "$reps runs each, alternating; min / median / max."
	echo
	head="| per boot |" rule="|---|"
	for t in "${titles[@]}"; do head+=" $t |" rule+="---|"; done
	echo "$head ${titles[num]} / ${titles[den]} (medians) |"
	echo "$rule---|"
	for spec in "VM exits (all kinds)|vm_exits" \
		    "exits to userspace|userspace_exits" \
		    "MMIO exits to userspace|mmio_userspace_exits" \
		    "exits for the VT-d page|vtd_page_userspace_exits" \
		    "guest accesses to the VT-d page|vtd_page_accesses" \
		    "unit: queue descriptors|qi_descriptors" \
		    "unit: translations (VMM ioctls)|translations" \
		    "unit: table pages read|walk_pages_read" \
		    "boot to init, ms (guest clock, TCG)|boot_ms" \
		    "O_DIRECT read of 16 MiB, ms (guest clock, TCG)|direct_ms" \
		    "unit: interrupt entry cache invalidations|iec_invalidations" \
		    "2000 interrupt moves, ms (guest clock, TCG)|affinity_ms" \
		    "wall time, s (TCG)|seconds"; do
		key=${spec#*|}
		# Rows of another mode's workload only where it ran.
		case "$key:$mode" in iec_invalidations:ir*|affinity_ms:*-affinity) ;;
		iec_invalidations:*|affinity_ms:*) continue ;; esac
		row="| ${spec%%|*} |" med=()
		for c in "${cols[@]}"; do
			r=$(stats "$c" "$key")
			row+=" ${r// / / } |" med+=("$(cut -d' ' -f2 <<< "$r")")
			median[$c:$key]=${med[-1]}
		done
		ratio=$(awk -v a="${med[num]}" -v b="${med[den]}" 'BEGIN {
			if (a == "-" || b == "-" || b == 0) print "-"
			else printf "%.2f", a / b }')
		echo "$row $ratio |"
	done
	if [ "$mode" = breakdown ]; then
		# Each step's cost per request: the difference of the medians
		# of neighbouring columns, over the requests of one read.
		echo
		echo "| step (medians, per O_DIRECT request) | time, us (TCG) | VM exits | translations |"
		echo "|---|---|---|---|"
		for ((c = 1; c < ${#cols[@]}; c++)); do
			p=${cols[c - 1]} q=${cols[c]}
			step=$(awk -v n="$requests" \
				-v a1="${median[$p:direct_ms]}" -v a2="${median[$q:direct_ms]}" \
				-v e1="${median[$p:vm_exits]}" -v e2="${median[$q:vm_exits]}" \
				-v t1="${median[$p:translations]}" -v t2="${median[$q:translations]}" 'BEGIN {
				t1 = (t1 == "-") ? 0 : t1; t2 = (t2 == "-") ? 0 : t2
				printf "%+.0f | %+.2f | %+.2f", (a2 - a1) * 1000 / n, (e2 - e1) / n, (t2 - t1) / n }')
			echo "| ${titles[c - 1]} -> ${titles[c]} | $step |"
		done
		echo
		echo "VM exits and translations are per boot, divided by the requests: the"
		echo "boot's own share is in them, the same in neighbouring columns but for"
		echo "the DMA the boot's reads do."
	fi
	if [ -n "$repeated" ]; then
		echo
		echo "Runs repeated once, in a second VM, after a failed check:"
		echo
		printf '%s' "$repeated"
	fi
	echo
	echo "Times under TCG are distorted (a userspace exit costs ~1.4x an in-kernel"
	echo "one there, ~4.4x on hardware); counts are exact. Machine: $(nproc) cores,"
	echo "host $(uname -r); test VM under QEMU TCG at -smp 1; $(date -u +%F)."
} > "$out/../nested.md"

# The plot: median O_DIRECT time and exits to userspace per backend, each
# relative to no IOMMU (build/bench/nested.png).
for c in "${!cols[@]}"; do
	echo "\"${titles[c]}\" ${median[${cols[c]}:direct_ms]} ${median[${cols[c]}:userspace_exits]}"
done > "$out/plot.dat"
gnuplot <<PLOT || die "gnuplot failed"
set terminal pngcairo size 900,500 noenhanced
set output "$out/../nested.png"
set title "Nested Linux guest ($mode), medians of $reps runs (TCG: compare ratios only)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "relative to no IOMMU"
set yrange [0:*]
set grid ytics
set key top left
stats "$out/plot.dat" every ::$plotbase::$plotbase using 2 name "N_MS" nooutput
stats "$out/plot.dat" every ::$plotbase::$plotbase using 3 name "N_EX" nooutput
plot "$out/plot.dat" using (\$2 / N_MS_max):xtic(1) title "O_DIRECT read of 16 MiB (time)", \
     "" using (\$3 / N_EX_max) title "exits to userspace"
PLOT
cat "$out/../nested.md"
log "plot: $out/../nested.png"
