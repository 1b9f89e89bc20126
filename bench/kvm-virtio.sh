#!/usr/bin/env bash
# kvm-virtio.sh - virtio request round trips under KVM: fast paths vs plain.
#
# Usage: bench/kvm-virtio.sh [-n RUNS] [-b BUILD_DIR] [-q]   (-q: also QEMU)
#
# The test kernel's "virtio-bench" mode (tests/guest/x86_64/virtio.c) makes
# 200 virtio-rng requests, each a kick and an interrupt it waits for, and
# prints TSC cycles per request.  Rows: virtio-mmio on microvm (ioeventfd +
# resampled irqfd), virtio-pci with MSI-X on pc with ioeventfd + irqfd and
# with ioeventfd=off,x-irqfd=off (register exits, KVM_SIGNAL_MSI), and with
# -q QEMU's pc.  Prints medians; on a KVM-PVM host the guest's ring-0 driver
# is emulated, which dominates every row.
set -euo pipefail

RUNS=5 QEMU=0
HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$HERE/build
while getopts "n:b:q" o; do
  case $o in
    n) RUNS=$OPTARG ;; b) BUILD=$(cd "$OPTARG" && pwd) ;; q) QEMU=1 ;;
    *) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [-q]" >&2; exit 2 ;;
  esac
done
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
make -s -C "$HERE/tests/guest/x86_64" O="$TMP/k" >/dev/null
K=(-kernel "$TMP/k/kernel.elf" -append "virtio virtio-bench" -m 256
   -device isa-debug-exit,iobase=0xf4,iosize=4
   -object rng-random,id=r0,filename=/dev/urandom)

cycles() { sed -n 's/.*virtio-bench: [a-z]* requests=200 cycles_per_request=\([0-9]*\).*/\1/p'; }
run_series() {  # label cmd... -> "label median"
  local label=$1; shift
  local -a v=()
  local out
  for ((i = 0; i < RUNS; i++)); do
    out=$("$@" 2>/dev/null </dev/null | cycles || true)
    [ -n "$out" ] || { echo "$label: no bench line" >&2; exit 1; }
    v+=("$out")
  done
  printf '%s %s\n' "$label" "$(printf '%s\n' "${v[@]}" | sort -n |
                              awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}
M="$BUILD/machina-system-x86_64"
{
  run_series mmio-fast timeout 120 "$M" -M microvm -nographic "${K[@]}" \
      -device virtio-rng-device,rng=r0
  run_series pci-fast timeout 120 "$M" -M pc -nographic "${K[@]}" \
      -device virtio-rng-pci,rng=r0
  run_series pci-plain timeout 120 "$M" -M pc -nographic "${K[@]}" \
      -device virtio-rng-pci,rng=r0,ioeventfd=off,x-irqfd=off
  if [ "$QEMU" = 1 ] && command -v qemu-system-x86_64 >/dev/null; then
    run_series qemu-pci timeout 300 qemu-system-x86_64 -accel kvm -M pc -display none \
        -serial stdio -no-reboot "${K[@]}" -device virtio-rng-pci,rng=r0,disable-legacy=on
  fi
} > "$TMP/res"
awk -v runs="$RUNS" '{ rows[NR] = $0 }
  END {
    printf "virtio-rng request round trip (TSC cycles per request, median of %d)\n", runs
    printf "%-10s %14s %10s\n", "where", "cycles/req", "vs pci-fast"
    for (i = 1; i <= NR; i++) { split(rows[i], f, " "); c[f[1]] = f[2] }
    for (i = 1; i <= NR; i++) { split(rows[i], f, " ")
      printf "%-10s %14d %9.3fx\n", f[1], f[2], f[2] / c["pci-fast"] }
  }' "$TMP/res"
