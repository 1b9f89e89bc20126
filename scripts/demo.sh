#!/bin/bash
# Boot the default guest to an interactive shell.
set -euo pipefail
BUILD=${1:-build}
echo "demo: the riscv64 virt machine is not able to boot Linux yet."
echo "demo: once it is, this builds the guest (tests/guest/) and runs:"
echo "  $BUILD/machina-system-riscv64 -M virt -m 512 -nographic -bios default \\"
echo "      -kernel Image -initrd initramfs.cpio.gz -append console=ttyS0"
"$BUILD/machina-system-riscv64" -version
