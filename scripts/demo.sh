#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job: build (or reuse) everything, then
#  1. boot the test VM with kvm-vtd loaded and run the demo guest, which
#     drives the emulated unit's register page; print what it did and what
#     the unit saw;
#  2. boot a second test VM (the fast kernel, one vCPU) in which a real
#     Linux guest (Debian's 6.12 cloud kernel, intel_iommu=on
#     iommu.strict=1) boots on QEMU with the unit in the kernel
#     (-device intel-iommu,x-kvm-vtd=on) and, as the control, on stock
#     QEMU's own intel-iommu, and reads a disk through translation; print
#     its driver's DMAR lines, its DMA and both runs' exits and counters.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$("$TOP/scripts/build.sh") || die "build failed"
out=$TOP/build/demo
rm -rf "$out"
"$TOP/scripts/vm.sh" "$kdir" "$out" demo 900 || die "the demo VM failed"
cat "$out/demo.txt"
grep -q '^device saw:' "$out/demo.txt" || die "the demo did not complete"

echo
echo "=== A real guest: Linux 6.12's intel-iommu driver on QEMU + kvm-vtd ==="
variants=kvm-vtd-legacy,qemu-legacy
"$TOP/scripts/nested-vm.sh" "$out/nested-vm" "$variants" >&2 ||
	die "the nested-guest VM failed"
grep -E '^(not )?ok |^# disk:' "$out/nested-vm/nested_test.tap" | sed 's/^/    /'
echo
"$TOP/scripts/nested-report.sh" "$out/nested-vm/nested" ${variants//,/ }
! grep -q '^not ok' "$out/nested-vm/nested_test.tap" || die "a nested-guest check failed"
