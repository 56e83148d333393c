#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install what building and testing kvm-vtd needs on Debian bookworm (root).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(linux-source-6.12 build-essential bc bison flex libelf-dev libssl-dev
      cpio kmod rsync python3 perl qemu-system-x86 busybox-static sparse
      ccache clang libclang-rt-14-dev
      dpkg-dev xz-utils libglib2.0-dev libpixman-1-dev libfdt-dev meson ninja-build
      gnuplot-nox procps)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "need root to install: ${missing[*]}"
log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
