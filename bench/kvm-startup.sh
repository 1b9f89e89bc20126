#!/usr/bin/env bash
# kvm-startup.sh - VMM fixed cost, Machina vs QEMU, both on KVM.
#
# Usage: bench/kvm-startup.sh [-n RUNS] [-b BUILD_DIR] [-k]
#
# Boots the tiny firmware (tests/guest/x86_64/make-tiny-bios.py: prints one
# line on COM1 from the reset vector, then isa-debug-exit) on -M microvm and
# -M pc, with Machina and with qemu-system-x86_64 -accel kvm, and prints the
# median (and min) of RUNS runs (after one warm-up) of:
#   first line  process start -> "GUEST-READY" read from the serial pipe
#   exit        process start -> process reaped
#   peak RSS    of the emulator process (GNU time %M; both VMMs run under
#               /usr/bin/time, so both timings include its ~1 ms)
# with Machina/QEMU ratios.  Goal for Machina: <= 5 ms and <= 5 MiB.
# -k adds the Multiboot test kernel on -M pc -smp 2 (to "ALL TESTS PASSED";
# Machina boots it directly, QEMU through SeaBIOS + its multiboot ROM).
# Never fails on numbers; exits non-zero only if a run does not work.
set -euo pipefail

RUNS=7
KERNEL=0
HERE=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$HERE/build
while getopts "n:b:k" o; do
  case $o in
    n) RUNS=$OPTARG ;;
    b) BUILD=$(cd "$OPTARG" && pwd) ;;
    k) KERNEL=1 ;;
    *) echo "usage: $0 [-n RUNS] [-b BUILD_DIR] [-k]" >&2; exit 2 ;;
  esac
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 "$HERE/tests/guest/x86_64/make-tiny-bios.py" "$TMP/tiny.bin"
KELF=""
if [ "$KERNEL" = 1 ]; then
  make -s -C "$HERE/tests/guest/x86_64" O="$TMP/k" >/dev/null
  KELF=$TMP/k/kernel.elf
fi

exec python3 - "$RUNS" "$BUILD/machina-system-x86_64" "$TMP/tiny.bin" "$KELF" <<'EOF'
import os, shutil, statistics, subprocess, sys, time

runs, machina, bios, kelf = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
qemu = shutil.which('qemu-system-x86_64')
common = ['-bios', bios, '-m', '128', '-device', 'isa-debug-exit,iobase=0xf4,iosize=4',
          '-no-reboot']
pvm = os.path.exists('/sys/module/kvm_pvm')

TIME = shutil.which('time') or '/usr/bin/time'
rssfile = bios + '.rss'

MARK = b'GUEST-READY'

def once(argv):
    """(ms to the marker line, ms to exit, peak RSS KiB, exit status)

    Peak RSS comes from GNU time (%M): rusage of a child forked from this
    Python process would count Python's own pages until the exec."""
    t0 = time.perf_counter()
    p = subprocess.Popen([TIME, '-q', '-o', rssfile, '-f', '%M'] + argv,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    buf, mark = b'', None
    while True:
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            break
        buf += chunk
        if mark is None and MARK in buf:
            mark = time.perf_counter()
    p.wait()
    t1 = time.perf_counter()
    if mark is None:
        raise SystemExit('no %s from: %s' % (MARK.decode(), ' '.join(argv)))
    with open(rssfile) as f:
        rss = int(f.read().split()[-1])
    return (mark - t0) * 1e3, (t1 - t0) * 1e3, rss, p.returncode

def series(argv):
    once(argv)                                   # warm-up (page cache, KVM module)
    r = [once(argv) for _ in range(runs)]
    return {'first': [x[0] for x in r], 'exit': [x[1] for x in r],
            'rss': [x[2] for x in r], 'rc': {x[3] for x in r}}

rows = []
for mach in ('microvm', 'pc'):
    m = series([machina, '-M', mach, '-nographic'] + common)
    q = series([qemu, '-accel', 'kvm', '-M', mach, '-display', 'none', '-serial', 'stdio']
               + common) if qemu else None
    rows.append((mach, m, q))

med = statistics.median
print('KVM start-up, tiny firmware (reset vector -> 1 serial line -> isa-debug-exit), '
      'median of %d runs (min in brackets)%s' % (runs, '; host KVM is KVM-PVM' if pvm else ''))
print('%-8s %-8s %18s %18s %12s' % ('machine', 'VMM', 'first line ms', 'exit ms', 'peak RSS'))
for mach, m, q in rows:
    for name, s in (('machina', m), ('qemu', q)):
        if s is None:
            continue
        print('%-8s %-8s %10.1f [%5.1f] %10.1f [%5.1f] %8.1f MiB' % (
            mach, name, med(s['first']), min(s['first']), med(s['exit']), min(s['exit']),
            med(s['rss']) / 1024))
    if q:
        print('%-8s %-8s %17.2fx %17.2fx %11.2fx' % (
            mach, 'ratio', med(m['first']) / med(q['first']),
            med(m['exit']) / med(q['exit']), med(m['rss']) / med(q['rss'])))
print('goal: Machina <= 5 ms to the first line and <= 5 MiB peak RSS')

if kelf:
    MARK = b'ALL TESTS PASSED'
    kargs = ['-M', 'pc', '-m', '256', '-smp', '2', '-kernel', kelf, '-device',
             'isa-debug-exit,iobase=0xf4,iosize=4', '-no-reboot']
    runs = max(3, runs // 2)
    m = series([machina, '-nographic'] + kargs)
    q = series([qemu, '-accel', 'kvm', '-display', 'none', '-serial', 'stdio'] + kargs) \
        if qemu else None
    print()
    print('Multiboot test kernel, -M pc -smp 2, to "ALL TESTS PASSED", median of %d' % runs)
    for name, s in (('machina', m), ('qemu', q)):
        if s:
            print('%-8s %10.1f ms [%7.1f] %8.1f MiB' % (name, med(s['first']),
                  min(s['first']), med(s['rss']) / 1024))
    if q:
        print('ratio    %10.3fx' % (med(m['first']) / med(q['first'])))
EOF
