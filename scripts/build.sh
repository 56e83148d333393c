#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install dependencies, build (or reuse) the test kernel, then build
# kvm-vtd.ko and the selftests against it.  Prints the kernel directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/setup.sh"
kdir=$("$TOP/scripts/build-kernel.sh")

log "building kvm-vtd.ko"
make -C "$TOP" -s KDIR="$kdir" modules >&2
log "building selftests"
make -C "$TOP/selftests" -s -j"$NPROC" KDIR="$kdir" >&2
echo "$kdir"
