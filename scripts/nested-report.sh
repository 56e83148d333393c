#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nested-report.sh DIR VARIANT...
#
# What the nested guests of scripts/nested.sh did, side by side: the guest
# driver's DMAR lines (first variant), its DMA, and per variant the time,
# the exits to userspace (total, MMIO, for the VT-d register page) and the
# in-kernel unit's counters.  DIR is the "nested" output directory.
set -uo pipefail

dir=$1
shift

stat() { awk -v k="$2" '$1 == k {print $2; f=1} END {if (!f) print "-"}' "$dir/$1.stats" 2>/dev/null; }

first=$1
echo "What the guest's intel-iommu driver said ($first):"
grep -aE 'DMAR: (dmar0|IOMMU enabled|Host address|Intel\(R\)|Using)|DMAR-IR|IRQ remapping|iommu: Default|invalidation policy' \
	"$dir/$first.console" | tr -d '\r' | sed 's/^/    /'
echo
echo "What the guests did:"
for v in "$@"; do
	grep -a 'VTD-GUEST: \(sha256\|irq\)' "$dir/$v.console" 2>/dev/null | tr -d '\r' |
		sed "s/^VTD-GUEST: /    $v: /"
done
echo
printf '%-34s' "exits and counters"
for v in "$@"; do printf ' %16s' "$v"; done
echo
row() { # LABEL KEY VARIANT...
	local label=$1 key=$2 v
	shift 2
	printf '%-34s' "$label"
	for v in "$@"; do printf ' %16s' "$(stat "$v" "$key")"; done
	echo
}
for spec in "wall time, s (TCG: distorted)|seconds" \
	    "exits to userspace|userspace_exits" \
	    "  MMIO exits to userspace|mmio_userspace_exits" \
	    "  for the VT-d register page|vtd_page_userspace_exits" \
	    "guest accesses to the VT-d page|vtd_page_accesses" \
	    "unit: register writes in kernel|reg_writes" \
	    "unit: queue descriptors|qi_descriptors" \
	    "  context-cache invalidations|cc_invalidations" \
	    "  IOTLB invalidations|iotlb_invalidations" \
	    "  PASID-cache invalidations|pc_invalidations" \
	    "  PASID-IOTLB invalidations|piotlb_invalidations" \
	    "  interrupt-entry-cache inv.|iec_invalidations" \
	    "  invalidation waits|qi_waits" \
	    "unit: translations (QEMU asked)|translations" \
	    "unit: IOTLB hits|iotlb_hits" \
	    "unit: table pages read (walks)|walk_pages_read" \
	    "unit: interrupts remapped|msi_remapped" \
	    "unit: faults recorded|faults_recorded"; do
	row "${spec%%|*}" "${spec#*|}" "$@"
done
echo "(a \"-\" is a counter the stock QEMU has no equivalent for)"
