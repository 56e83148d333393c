#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The patched QEMU: Debian's own qemu source package (pinned below) +
# qemu/patches/*.patch + this tree's include/uapi/linux/kvm_vtd.h installed
# into its linux-headers (as QEMU's scripts/update-linux-headers.sh would
# from a kernel tree).  Only x86_64-softmmu with KVM is built (no TCG, no
# optional features).  Cached under $CACHE/qemu-<key>, keyed by the source
# version, the patches, the header and the configure flags.
#
# Prints the path of qemu-system-x86_64 on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

QEMU_SRC_VERSION=1:7.2+dfsg-7+deb12u18
CONFIGURE=(--target-list=x86_64-softmmu --without-default-features
	--enable-kvm --disable-tcg --enable-fdt=system --disable-docs
	--disable-install-blobs --firmwarepath=/usr/share/qemu:/usr/share/seabios)

key=$( {
	echo "$QEMU_SRC_VERSION ${CONFIGURE[*]}"
	cat "$TOP"/qemu/patches/*.patch "$TOP/include/uapi/linux/kvm_vtd.h"
} | sha256sum | cut -c1-16)
dir=$CACHE/qemu-$key
bin=$dir/build/qemu-system-x86_64

mkdir -p "$CACHE"
exec 8>"$CACHE/qemu.lock"
flock 8
if [ -e "$dir/.complete" ]; then
	echo "$bin"
	exit 0
fi
start=$(date +%s)

# The source package, once: a deb-src entry is derived from this machine's
# own Debian sources if there is none.
src=$CACHE/qemu-source-${QEMU_SRC_VERSION#*:}
if [ ! -e "$src/.complete" ]; then
	srcs=$(apt-cache showsrc qemu 2>/dev/null || true)
	if ! grep -qx "Version: $QEMU_SRC_VERSION" <<< "$srcs"; then
		[ "$(id -u)" -eq 0 ] || die "need root to add a deb-src entry"
		log "adding deb-src entries derived from the apt sources"
		python3 - <<'PY'
import glob, re
out = []
for f in glob.glob('/etc/apt/sources.list.d/*.sources'):
    if 'kvm-vtd-src' in f:
        continue
    for para in open(f).read().split('\n\n'):
        if re.search(r'^Types:(.*\s)?deb(\s|$)', para, re.M) and \
           re.search(r'^Components:.*\bmain\b', para, re.M) and \
           re.search(r'^Suites:.*\bbookworm', para, re.M):
            out.append(re.sub(r'^Types:.*$', 'Types: deb-src', para.strip(), flags=re.M))
for f in ['/etc/apt/sources.list'] + [f for f in glob.glob('/etc/apt/sources.list.d/*.list')
                                         if 'kvm-vtd-src' not in f]:
    try:
        for line in open(f):
            m = re.match(r'^deb\s+(.*\bbookworm\S*\s.*\bmain\b.*)$', line)
            if m:
                out.append('deb-src ' + m.group(1))
    except OSError:
        pass
deb822 = [o for o in out if o.startswith('Types:')]
oneline = [o for o in out if not o.startswith('Types:')]
if deb822:
    open('/etc/apt/sources.list.d/kvm-vtd-src.sources', 'w').write('\n\n'.join(deb822) + '\n')
if oneline:
    open('/etc/apt/sources.list.d/kvm-vtd-src.list', 'w').write('\n'.join(oneline) + '\n')
PY
		apt-get update -qq
	fi
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	log "qemu: fetching source package $QEMU_SRC_VERSION"
	(cd "$src.tmp" && apt-get source -qq --download-only "qemu=$QEMU_SRC_VERSION" 2>/dev/null &&
		dpkg-source -x -q ./*.dsc tree >/dev/null) || die "cannot get qemu $QEMU_SRC_VERSION source"
	mv "$src.tmp" "$src"
	touch "$src/.complete"
fi

log "qemu $key: applying qemu/patches"
rm -rf "$dir"
mkdir -p "$dir"
cp -a "$src/tree" "$dir/src"
for p in "$TOP"/qemu/patches/*.patch; do
	patch -d "$dir/src" -p1 -s --no-backup-if-mismatch < "$p" ||
		die "$(basename "$p") does not apply to qemu $QEMU_SRC_VERSION"
done
install -m 644 "$TOP/include/uapi/linux/kvm_vtd.h" "$dir/src/linux-headers/linux/"

log "qemu $key: configuring and building on $NPROC cores (~4 min fresh)"
export CCACHE_DIR=$CACHE/ccache CCACHE_NOHASHDIR=1 CCACHE_BASEDIR=$dir
mkdir -p "$dir/build"
(cd "$dir/build" && ../src/configure --cc="ccache gcc" "${CONFIGURE[@]}" > configure.log 2>&1) ||
	{ tail -n 20 "$dir/build/configure.log" >&2; die "qemu configure failed"; }
ninja -C "$dir/build" -j"$NPROC" qemu-system-x86_64 > "$dir/build/build.log" 2>&1 ||
	{ grep -E -A5 'error|FAILED' "$dir/build/build.log" | head -n 40 >&2; die "qemu build failed"; }
touch "$dir/.complete"
for old in "$CACHE"/qemu-*; do
	case "$old" in "$dir"|"$src"|"$CACHE/qemu.lock") ;; *) rm -rf "$old" ;; esac
done
log "qemu $key: built in $(( $(date +%s) - start )) s"
echo "$bin"
