#!/usr/bin/python3
"""Attribute perf samples in generated code to the guest code they came from.

    perf record -F 20000 -o perf.data -- machina-system-riscv64 -perfmap ...
    scripts/perf-guest.py perf.data /tmp/perf-PID.map [--top N] [--page]

-perfmap writes one "START SIZE guest-0xPC" line per translated block.
perf 6.1 reads such maps only for anonymous memory, and our code buffer
is a memfd (the W^X dual mapping, docs/jit.md), so its samples show up as
"memfd:machina-jit"; this maps their addresses through the file instead
and prints the guest pcs (or 4 KiB guest pages with --page) that took the
most samples.
"""
import argparse
import bisect
import collections
import subprocess


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('data')
    ap.add_argument('map')
    ap.add_argument('--top', type=int, default=25)
    ap.add_argument('--page', action='store_true', help='group by guest page')
    args = ap.parse_args()

    blocks = []
    with open(args.map) as f:
        for line in f:
            start, size, name = line.split()
            blocks.append((int(start, 16), int(size, 16), int(name.split('0x')[1], 16)))
    blocks.sort()
    starts = [b[0] for b in blocks]

    out = subprocess.run(['perf', 'script', '-i', args.data, '-F', 'ip,dso'],
                         capture_output=True, text=True, check=True).stdout
    hits = collections.Counter()
    total = jit = 0
    for line in out.splitlines():
        fields = line.split()
        if not fields:
            continue
        total += 1
        if 'machina-jit' not in line:
            continue
        jit += 1
        ip = int(fields[0], 16)
        i = bisect.bisect_right(starts, ip) - 1
        # A reused buffer address maps to the latest block there.
        if i >= 0 and ip < blocks[i][0] + blocks[i][1]:
            pc = blocks[i][2]
            hits[pc & ~0xfff if args.page else pc] += 1
    print('%d samples, %d in generated code (%.1f%%)' % (total, jit, 100.0 * jit / max(total, 1)))
    for pc, n in hits.most_common(args.top):
        print('  0x%016x %6d  %5.1f%% of generated code' % (pc, n, 100.0 * n / max(jit, 1)))


if __name__ == '__main__':
    main()
