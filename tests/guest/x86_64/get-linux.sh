#!/usr/bin/env bash
# get-linux.sh - Debian's stock amd64 kernel (bzImage) for the KVM tests.
#
#   get-linux.sh [--cached]
#
# Resolves the kernel package linux-image-amd64 depends on, downloads it with
# apt-get into ~/.cache/machina/x86_64-linux-<hash of this script>/ and
# extracts /boot/vmlinuz-* as bzImage there.  Prints that directory on the
# last line of stdout.  --cached: exit 2 instead of downloading.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${MACHINA_CACHE:-$HOME/.cache/machina}
HASH=$(sha256sum "$HERE/get-linux.sh" | cut -c1-16)
OUT="$CACHE/x86_64-linux-$HASH"

if [ -s "$OUT/bzImage" ]; then
  echo "$OUT"
  exit 0
fi
[ "${1:-}" = "--cached" ] && exit 2
mkdir -p "$OUT/deb"
PKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
      awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$PKG" ] || { echo "get-linux.sh: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
(cd "$OUT/deb" && apt-get download -q "$PKG" >&2)
rm -rf "$OUT/root"
dpkg-deb -x "$OUT"/deb/"$PKG"_*.deb "$OUT/root"
cp "$OUT"/root/boot/vmlinuz-* "$OUT/bzImage.tmp"
echo "$PKG" > "$OUT/package"
rm -rf "$OUT/root" "$OUT/deb"
mv "$OUT/bzImage.tmp" "$OUT/bzImage"
echo "$OUT"
