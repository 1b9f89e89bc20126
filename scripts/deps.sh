#!/bin/bash
# Install exactly what the build, the tests and the guest images need, and only
# what is missing. Idempotent: a second run with everything present does nothing.
set -euo pipefail

PKGS=(
    # build
    gcc make meson ninja-build pkg-config
    libfdt-dev libslirp-dev libglib2.0-dev libjson-c-dev libcapstone-dev
    liburing-dev zlib1g-dev libzstd-dev
    # tests and peers used as oracles
    python3 python3-pytest socat device-tree-compiler qemu-system-misc
    qemu-system-x86 qemu-utils gdb-multiarch acpica-tools
    # firmware and guest images
    opensbi u-boot-qemu gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
    binutils-riscv64-linux-gnu linux-source-6.1 bc flex bison libelf-dev
    libssl-dev cpio xz-utils gzip
    # bench/ charts
    gnuplot-nox
)

missing=()
for p in "${PKGS[@]}"; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages and not root; run: sudo apt-get install ${missing[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
