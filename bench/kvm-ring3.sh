#!/usr/bin/env bash
# kvm-ring3.sh - guest ring-3 CPU speed under KVM vs the same code natively.
#
# Usage: bench/kvm-ring3.sh [-n RUNS] [-b BUILD_DIR] [-q]   (-q: also QEMU)
#
# The test kernel's "bench" mode counts primes below 3,000,000 in ring 3
# (tests/guest/x86_64/primes.h) and prints the TSC cycles it took; the same
# function, compiled with the same flags, runs as a host program.  Prints
# medians and the guest/native ratio (the claim: within 5%).  On a KVM-PVM
# host ring 3 runs natively, so this holds there too; ring 0 would not.
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
G=$HERE/tests/guest/x86_64
make -s -C "$G" O="$TMP/k" >/dev/null
cat > "$TMP/native.c" <<'C'
#include <stdio.h>
#include <x86intrin.h>
#include "primes.h"
int main(void)
{
    unsigned long long t0 = __rdtsc();
    uint64_t n = count_primes(3000000);
    unsigned long long t1 = __rdtsc();
    printf("bench: native primes=%llu kcycles=%llu\n", (unsigned long long)n,
           (t1 - t0) / 1000);
    return 0;
}
C
# The kernel's code-generation flags (tests/guest/x86_64/Makefile).
gcc -O2 -mgeneral-regs-only -fno-pic -no-pie -I"$G" -o "$TMP/native" "$TMP/native.c"

kcycles() { sed -n 's/.*bench: [a-z0-9]* primes=\([0-9]*\) kcycles=\([0-9]*\).*/\1 \2/p'; }
DEV=(-device isa-debug-exit,iobase=0xf4,iosize=4)
run_series() {  # label cmd... -> "label median_kcycles primes"
  local label=$1; shift
  local -a v=()
  local out p=""
  for ((i = 0; i < RUNS; i++)); do
    out=$("$@" 2>/dev/null </dev/null | kcycles || true)
    [ -n "$out" ] || { echo "$label: no bench line" >&2; exit 1; }
    p=${out% *}; v+=("${out#* }")
  done
  printf '%s %s %s\n' "$label" "$(printf '%s\n' "${v[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" "$p"
}
{
  run_series native "$TMP/native"
  run_series machina timeout 120 "$BUILD/machina-system-x86_64" -M microvm -kernel "$TMP/k/kernel.elf" \
      -append bench -nographic "${DEV[@]}"
  if [ "$QEMU" = 1 ] && command -v qemu-system-x86_64 >/dev/null; then
    run_series qemu timeout 300 qemu-system-x86_64 -accel kvm -M pc -kernel "$TMP/k/kernel.elf" \
        -append bench -display none -serial stdio "${DEV[@]}" -no-reboot
  fi
} > "$TMP/res"
awk -v runs="$RUNS" 'NR == 1 { base = $2 }
  { rows[NR] = $0 }
  END {
    printf "ring-3 prime count below 3,000,000 (TSC kcycles, median of %d)\n", runs
    printf "%-8s %14s %10s %10s\n", "where", "kcycles", "primes", "vs native"
    for (i = 1; i <= NR; i++) { split(rows[i], f, " ")
      printf "%-8s %14d %10d %9.3fx\n", f[1], f[2], f[3], f[2] / base }
    print "claim: a KVM guest in ring 3 within 5% of native (ratio <= 1.05)"
  }' "$TMP/res"
