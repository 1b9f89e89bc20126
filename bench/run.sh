#!/bin/bash
# Side-by-side benchmarks against QEMU (never part of make check).
set -euo pipefail
echo "bench: no benchmarks yet (they arrive with the riscv64 virt machine)."
