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
# version, the enabling patches and the config fragments.  Bump KEY_EPOCH when
# the way the config is assembled (base defconfig, merge step) changes.
#
# Two variants share the patches: "debug" (the default; KASAN, lockdep,
# kmemleak, UBSAN, lockup detectors: what the tests run on) and "fast"
# (kernel/fast.config on top turns the debug options off: it boots in
# seconds and hosts the nested Linux guests and the benchmarks).
KEY_EPOCH=1
kernel_fragments() {
	case "${1:-debug}" in
	debug) echo "$TOP/kernel/kvm-vtd.config" ;;
	fast) echo "$TOP/kernel/kvm-vtd.config $TOP/kernel/fast.config" ;;
	*) die "unknown kernel variant '$1' (debug or fast)" ;;
	esac
}
kernel_key() {
	local ver frags
	frags=$(kernel_fragments "${1:-debug}")
	ver=$(dpkg-query -W -f='${Version}' "$SRC_PKG" 2>/dev/null) ||
		die "$SRC_PKG is not installed (run scripts/setup.sh)"
	{
		echo "epoch $KEY_EPOCH"
		echo "source $SRC_PKG $ver"
		[ "${1:-debug}" = debug ] || echo "variant $1"
		# shellcheck disable=SC2086
		cat "$TOP"/kernel/patches/*.patch $frags
	} | sha256sum | cut -c1-16
}

# Where the built kernel of a variant lives (in-tree build: it is KDIR).
kernel_dir() { echo "$CACHE/kernel-$(kernel_key "${1:-debug}")"; }

# module_for KVARIANT KDIR: build kvm-vtd.ko for that kernel from a copy of
# the sources (the tree itself holds the objects of scripts/build.sh's
# debug build) under build/KVARIANT-module; prints the .ko's path.
module_for() {
	local mod=$TOP/build/$1-module
	mkdir -p "$mod"
	rsync -a --delete --exclude='*.o' --exclude='.*.cmd' --exclude='*.ko' \
		--exclude='*.mod' --exclude='*.mod.c' "$TOP/Kbuild" "$TOP/kvm-vtd" \
		"$TOP/include" "$mod/"
	make -C "$2" -s M="$mod" modules >&2
	echo "$mod/kvm-vtd.ko"
}
