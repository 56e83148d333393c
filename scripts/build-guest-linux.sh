#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The nested Linux guest: Debian's own 6.12 cloud kernel (downloaded by
# package name: linux-image-6.12.*-cloud-amd64-unsigned, the newest the
# archive offers) with an initramfs of busybox, virtio_blk.ko and
# guests/linux/init.  Cached under $CACHE/guest-linux-<key>, keyed by the
# package version and the init script.
#
# Prints the directory holding vmlinuz and initrd.img on stdout.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

pkg=$(apt-cache search --names-only '^linux-image-6\.12\..*-cloud-amd64-unsigned$' |
	awk '{print $1}' | sort -V | tail -n 1)
[ -n "$pkg" ] || die "no linux-image-6.12.*-cloud-amd64-unsigned in the apt sources (apt-get update?)"
ver=$(apt-cache policy "$pkg" | awk '/Candidate:/ {print $2}')
key=$( { echo "$pkg $ver"; cat "$TOP/guests/linux/init"; } | sha256sum | cut -c1-16)
dir=$CACHE/guest-linux-$key
if [ -e "$dir/.complete" ]; then
	echo "$dir"
	exit 0
fi

log "guest: $pkg $ver"
rm -rf "$dir" "$dir.tmp"
mkdir -p "$dir.tmp/deb" "$dir.tmp/root/bin"
(cd "$dir.tmp/deb" && apt-get download -qq "$pkg=$ver" 2>/dev/null) ||
	die "cannot download $pkg=$ver"
dpkg-deb -x "$dir.tmp"/deb/*.deb "$dir.tmp/x"
cp "$dir.tmp"/x/boot/vmlinuz-* "$dir.tmp/vmlinuz"
blk=$(find "$dir.tmp/x/lib/modules" -name 'virtio_blk.ko*' | head -n 1)
[ -n "$blk" ] || die "$pkg has no virtio_blk module"
case "$blk" in
*.xz) xz -dc "$blk" > "$dir.tmp/root/virtio_blk.ko" ;;
*.zst) zstd -qdc "$blk" > "$dir.tmp/root/virtio_blk.ko" ;;
*) cp "$blk" "$dir.tmp/root/virtio_blk.ko" ;;
esac
cp /bin/busybox "$dir.tmp/root/bin/busybox"
install -m 755 "$TOP/guests/linux/init" "$dir.tmp/root/init"
mkdir -p "$dir.tmp/root/proc" "$dir.tmp/root/sys" "$dir.tmp/root/dev"
(cd "$dir.tmp/root" && find . | cpio -o -H newc --quiet | gzip -1) > "$dir.tmp/initrd.img"
echo "$pkg $ver" > "$dir.tmp/version"
rm -rf "$dir.tmp/deb" "$dir.tmp/x" "$dir.tmp/root"
mv "$dir.tmp" "$dir"
touch "$dir/.complete"
for old in "$CACHE"/guest-linux-*; do
	[ "$old" = "$dir" ] || rm -rf "$old"
done
echo "$dir"
