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
# cache invalidation each).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

reps=${VTD_BENCH_REPS:-3}
mode=${VTD_BENCH_MODE:-legacy}
# What nested.sh gives the guest: lazy invalidation only in "lazy".
strict=1
[ "$mode" = lazy ] && strict=0
out=$TOP/build/bench/nested
rm -rf "$out"
mkdir -p "$out"
variants=
for ((i = 1; i <= reps; i++)); do
	variants+=${variants:+,}kvm-vtd-$mode@$i,kvm-vtd-nocache-$mode@$i,qemu-$mode@$i,none-$mode@$i
done
"$TOP/scripts/nested-vm.sh" "$out/vm" "$variants" >&2 || die "the nested-guest VM failed"
! grep -q '^not ok' "$out/vm/nested_test.tap" ||
	{ grep '^not ok' "$out/vm/nested_test.tap" >&2; die "a run failed its checks"; }

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

# stats BACKEND KEY: "min median max" over the repetitions.
stats() {
	local i
	for ((i = 1; i <= reps; i++)); do value "$1-$mode@$i" "$2"; done |
		sort -n | awk '{v[NR] = $1} END {
			if (v[1] == "-") {print "- - -"; exit}
			printf "%s %s %s\n", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

{
	echo "# Nested Linux guest: kvm-vtd vs stock QEMU intel-iommu vs no IOMMU"
	echo
	echo "Debian 6.12 cloud kernel, \`intel_iommu=on iommu.strict=$strict\` ($mode),"
	echo "16 MiB virtio-blk read buffered then in 4 KiB O_DIRECT requests;"
	echo "$reps runs each, alternating; min / median / max."
	echo
	echo "| per boot | kvm-vtd | kvm-vtd, QEMU without translation cache | stock QEMU | no IOMMU | kvm-vtd / QEMU (medians) |"
	echo "|---|---|---|---|---|---|"
	for spec in "exits to userspace|userspace_exits" \
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
		k=$(stats kvm-vtd "$key") c=$(stats kvm-vtd-nocache "$key")
		q=$(stats qemu "$key") n=$(stats none "$key")
		ratio=$(awk -v a="${k#* }" -v b="${q#* }" 'BEGIN {
			split(a, x, " "); split(b, y, " ")
			if (x[1] == "-" || y[1] == "-" || y[1] == 0) print "-"
			else printf "%.2f", x[1] / y[1] }')
		echo "| ${spec%%|*} | ${k// / / } | ${c// / / } | ${q// / / } | ${n// / / } | $ratio |"
	done
	echo
	echo "Times under TCG are distorted (a userspace exit costs ~1.4x an in-kernel"
	echo "one there, ~4.4x on hardware); counts are exact. Machine: $(nproc) cores,"
	echo "host $(uname -r); test VM under QEMU TCG at -smp 1; $(date -u +%F)."
} > "$out/../nested.md"

# The plot: median O_DIRECT time and exits to userspace per backend, each
# relative to no IOMMU (build/bench/nested.png).
for b in kvm-vtd kvm-vtd-nocache qemu none; do
	echo "$b $(stats "$b" direct_ms | cut -d' ' -f2) $(stats "$b" userspace_exits | cut -d' ' -f2)"
done > "$out/plot.dat"
gnuplot <<PLOT || die "gnuplot failed"
set terminal pngcairo size 900,500 noenhanced
set output "$out/../nested.png"
set title "Nested Linux guest, iommu.strict=$strict ($mode), medians of $reps runs (TCG: compare ratios only)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel "relative to no IOMMU"
set yrange [0:*]
set grid ytics
set key top left
stats "$out/plot.dat" every ::3::3 using 2 name "N_MS" nooutput
stats "$out/plot.dat" every ::3::3 using 3 name "N_EX" nooutput
plot "$out/plot.dat" using (\$2 / N_MS_max):xtic(1) title "O_DIRECT read of 16 MiB (time)", \
     "" using (\$3 / N_EX_max) title "exits to userspace"
PLOT
cat "$out/../nested.md"
log "plot: $out/../nested.png"
