#!/bin/bash
# make demo: build the riscv64 Linux guest (cached under ~/.cache/machina/)
# and boot it on machina-system-riscv64 to an interactive busybox shell.
# Ctrl-A x quits the emulator; "poweroff -f" in the guest does too.
set -euo pipefail
BUILD=${1:-build}
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=$BUILD/machina-system-riscv64

[ -x "$BIN" ] || { echo "demo: $BIN not found (run: make build)" >&2; exit 1; }
echo "demo: building the guest images (cached after the first run; the first"
echo "demo: build compiles a Linux kernel and busybox: several minutes)"
GUEST=$("$HERE/tests/guest/riscv64/build-linux.sh")

ARGS=(-M virt -m 256 -nographic -bios default -kernel "$GUEST/Image"
      -initrd "$GUEST/initramfs.cpio.gz" -append "console=ttyS0 machina.run=shell")

# Can this build boot anything yet?  The machine, a CPU model and an
# accelerator must all be in the binary; ask it instead of guessing.
if ! "$BIN" -M help 2>/dev/null | grep -q '^virt '; then
    reason="the riscv64 'virt' machine is not in this build yet"
elif ! "$BIN" -accel help 2>/dev/null | grep -q '^tcg '; then
    reason="the tcg accelerator is not in this build yet"
elif "$BIN" -cpu help 2>/dev/null | grep -q '(none'; then
    reason="no riscv64 CPU model is in this build yet"
else
    reason=
fi
if [ -n "$reason" ]; then
    echo "demo: cannot boot on Machina: $reason."
    echo "demo: the same guest on Debian's QEMU, for comparison:"
    echo "  qemu-system-riscv64 ${ARGS[*]}"
    exit 0
fi
echo "demo: booting; at the 'machina:/#' prompt try: uname -a; cat /proc/cpuinfo"
echo "demo: Ctrl-A x quits, Ctrl-A h shows the console keys"
exec "$BIN" "${ARGS[@]}"
