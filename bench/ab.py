#!/usr/bin/python3
"""Interleaved A/B of machina-system-riscv64 binaries (and QEMU) on a busy VM.

bench/run.sh reports medians of wall times, which a loaded shared machine
swings by 2-3x.  This runs the same two measurements alternately over the
given binaries, N rounds, and reports for each one the median and the
minimum (the run least disturbed by other jobs):

  boot   CPU time (user + sys of the process) from start to the init's
         MACHINA-INIT-READY line, and the wall time
  cpu    each part of bench/workload.c, timed inside the guest (and the
         same C on the host, the 1x reference)

Usage: bench/ab.py [-n N] [--only boot|cpu] BINARY... [--qemu]
  e.g. bench/ab.py -n 9 /tmp/old/machina-system-riscv64 build/machina-system-riscv64 --qemu
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402  (workload build, initrd, the guest images)


def boot_once(argv, kernel, initrd, timeout=300):
    """(cpu seconds, wall seconds) to MACHINA-INIT-READY."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(argv + ['-M', 'virt', '-m', '256', '-nographic', '-kernel', kernel,
                                 '-initrd', initrd, '-append',
                                 'console=ttyS0 machina.run=smp'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    out = b''
    try:
        while b'MACHINA-INIT-READY' not in out and time.monotonic() - t0 < timeout:
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            out += chunk
        wall = time.monotonic() - t0
    finally:
        p.kill()
        p.wait()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if b'MACHINA-INIT-READY' not in out:
        raise RuntimeError('%s: no MACHINA-INIT-READY' % argv[0])
    return (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime), wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('-n', type=int, default=9, help='rounds')
    ap.add_argument('--only', choices=['boot', 'cpu'])
    ap.add_argument('--qemu', action='store_true', help='also qemu-system-riscv64')
    ap.add_argument('binaries', nargs='+')
    args = ap.parse_args()

    emus = [(b, [b, '-accel', 'tcg,backend=native']) for b in args.binaries]
    if args.qemu:
        emus.append(('qemu', ['qemu-system-riscv64', '-accel', 'tcg']))
    guest = bench.machina.linux_guest(build=True)
    tmp = tempfile.mkdtemp(prefix='machina-ab-')
    host, rv = bench.build_workload(tmp)
    initrd = bench.bench_initrd(tmp, guest['initrd'], rv)
    boot = {name: [] for name, _ in emus}
    parts = {name: {} for name, _ in emus}
    parts['host'] = {}
    for i in range(args.n):
        if args.only in (None, 'cpu'):
            text = subprocess.run([host], capture_output=True, text=True, check=True).stdout
            for m in re.finditer(r'BENCH-PART (\S+) (\d+) ', text):
                parts['host'].setdefault(m.group(1), []).append(int(m.group(2)) / 1e6)
        for name, argv in emus:
            if args.only in (None, 'boot'):
                boot[name].append(boot_once(argv, guest['kernel'], guest['initrd']))
            if args.only in (None, 'cpu'):
                _, text = bench.run_guest(bench.Emulator(name, argv), guest['kernel'], initrd,
                                          'console=ttyS0 rdinit=/bench', 'BENCH-DONE', 300)
                for m in re.finditer(r'BENCH-PART (\S+) (\d+) ', text):
                    parts[name].setdefault(m.group(1), []).append(int(m.group(2)) / 1e6)
        bench.log('round %d done' % (i + 1))
    print('%d interleaved rounds; median / min' % args.n)
    for name in [n for n, _ in emus] + ['host']:
        line = '%-44s' % name[-44:]
        if boot.get(name):
            cpu = [c for c, _ in boot[name]]
            wall = [w for _, w in boot[name]]
            line += ' boot cpu %.3f/%.3f s wall %.3f/%.3f s' % (
                statistics.median(cpu), min(cpu), statistics.median(wall), min(wall))
        for p, v in parts[name].items():
            line += ' %s %.1f/%.1f' % (p, statistics.median(v), min(v))
        print(line + (' (parts in ms)' if parts[name] else ''))


if __name__ == '__main__':
    main()
