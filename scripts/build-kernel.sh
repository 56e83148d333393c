#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-kernel.sh [debug|fast]
#
# Build the kvm-vtd test kernel: Debian's linux-source-6.12 + kernel/patches/
# + kernel/kvm-vtd.config (+ kernel/fast.config for the "fast" variant) on top
# of x86_64_defconfig.  The tree is built in place under $CACHE/kernel-<key>
# (it doubles as KDIR for the module and the KVM selftest library) and reused
# while the key is unchanged.  Compiles go through ccache, so a changed key
# mostly re-links.
#
# Prints the kernel directory on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-debug}
frags=$(kernel_fragments "$variant")
key=$(kernel_key "$variant")
kdir=$CACHE/kernel-$key
stamp=$kdir/.kvm-vtd-complete

mkdir -p "$CACHE"
exec 9>"$CACHE/kernel.lock"
flock 9

if [ -e "$stamp" ]; then
	log "kernel $variant $key: cached ($kdir)"
	echo "$kdir"
	exit 0
fi

start=$(date +%s)
if [ ! -e "$kdir/.kvm-vtd-patched" ]; then
	log "kernel $variant $key: unpacking $SRC_TARBALL"
	rm -rf "$kdir" "$kdir.tmp"
	mkdir -p "$kdir.tmp"
	tar -C "$kdir.tmp" --strip-components=1 -xf "$SRC_TARBALL"
	for p in "$TOP"/kernel/patches/*.patch; do
		log "applying $(basename "$p")"
		patch -d "$kdir.tmp" -p1 -s --no-backup-if-mismatch < "$p" ||
			die "$(basename "$p") does not apply to this $SRC_PKG"
	done
	touch "$kdir.tmp/.kvm-vtd-patched"
	mv "$kdir.tmp" "$kdir"
fi

export CCACHE_DIR=$CACHE/ccache CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
mk() { make -C "$kdir" -s -j"$NPROC" CC="ccache gcc" "$@"; }

log "kernel $variant $key: configuring"
mk x86_64_defconfig >/dev/null
# shellcheck disable=SC2086
(cd "$kdir" && scripts/kconfig/merge_config.sh -m -O "$kdir" .config \
	$frags >/dev/null)
mk olddefconfig >/dev/null

# Every option of the fragments (the last one that names it wins) must have
# survived olddefconfig.
declare -A want=()
# shellcheck disable=SC2086
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want[${line%%=*}]=$line ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; want[${opt%% *}]=$line ;;
	esac
done < <(cat $frags)
bad=0
for opt in "${!want[@]}"; do
	line=${want[$opt]}
	case "$line" in
	CONFIG_*)
		grep -qxF "$line" "$kdir/.config" || { log "config lost: $line"; bad=1; } ;;
	*)
		if grep -q "^$opt=" "$kdir/.config"; then
			log "config not trimmed: $opt"; bad=1
		fi ;;
	esac
done
[ $bad -eq 0 ] || die "config fragment did not apply (see above)"

log "kernel $variant $key: building bzImage and modules on $NPROC cores (10-20 min fresh)"
mk bzImage modules
log "kernel $variant $key: installing modules and headers into the tree"
rm -rf "$kdir/mods"
mk INSTALL_MOD_PATH="$kdir/mods" INSTALL_MOD_STRIP=1 modules_install >/dev/null
mk headers >/dev/null

# Keep only the current key of each variant: older ones are dead weight
# (several GiB each).
keep=" $(kernel_dir debug) $(kernel_dir fast) "
for old in "$CACHE"/kernel-*; do
	[ -d "$old" ] || continue
	case "$keep" in *" $old "*) ;; *) rm -rf "$old" ;; esac
done

touch "$stamp"
log "kernel $variant $key: built in $(( $(date +%s) - start )) s"
echo "$kdir"
