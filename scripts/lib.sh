# SPDX-License-Identifier: GPL-2.0
# Common settings for the kvm-vtd scripts.  Sourced, not executed.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${KVM_VTD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-vtd}
NPROC=$(nproc)
SRC_PKG=linux-source-6.12
SRC_TARBALL=/usr/src/$SRC_PKG.tar.xz

log() { printf '[kvm-vtd] %s\n' "$*" >&2; }
die() { printf '[kvm-vtd] error: %s\n' "$*" >&2; exit 1; }

# The test kernel is keyed by what goes into it: the exact source package
# version, the enabling patches and the config fragment.  Bump KEY_EPOCH when
# the way the config is assembled (base defconfig, merge step) changes.
KEY_EPOCH=1
kernel_key() {
	local ver
	ver=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
		die "$SRC_PKG is not installed (run scripts/setup.sh)"
	{
		echo "epoch $KEY_EPOCH"
		echo "source $SRC_PKG $ver"
		cat "$TOP"/kernel/patches/*.patch "$TOP"/kernel/kvm-vtd.config
	} | sha256sum | cut -c1-16
}

# Where the built kernel for the current key lives (in-tree build: it is KDIR).
kernel_dir() { echo "$CACHE/kernel-$(kernel_key)"; }
