#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The main job: build (or reuse) everything, boot the test VM with kvm-vtd
# loaded and run the demo guest, which drives the emulated unit's register
# page; print what it did and what the unit saw.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$("$TOP/scripts/build.sh") || die "build failed"
out=$TOP/build/demo
rm -rf "$out"
"$TOP/scripts/vm.sh" "$kdir" "$out" demo 900 || die "the demo VM failed"
cat "$out/demo.txt"
grep -q '^device saw:' "$out/demo.txt" || die "the demo did not complete"
