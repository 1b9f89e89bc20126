#!/usr/bin/python3
"""virtio-blk throughput and IOPS: Machina vs QEMU, the same Linux guest and image.

    bench/virtio-blk.py [--runs N] [--mib M] [--build DIR] [--only mmio|pci]
                        [--iothread on|off|both] [--ops N] [--workload LABEL]...

Boots the riscv64 Linux test guest (tests/guest/riscv64/build-linux.sh,
busybox shell) with a raw image of M MiB (default 128) on virtio-blk, over
virtio-mmio and virtio-pci, each without and with an iothread
(-object iothread,id=io1 ... iothread=io1), host side cache=none and
aio=io_uring on both emulators.  Inside the guest, blkbench
(tests/guest/riscv64/blkbench.c, O_DIRECT, threads for queue depth) runs:

    seq read / seq write     1 MiB requests over the whole disk, depth 1
    rand read / rand write   4 KiB requests at random offsets, depth 1 and 8

The same guest and options run on qemu-system-riscv64 (virtio-mmio forced
to version 2 so both drive the same transport).  Prints medians (MiB/s and
IOPS as the guest measured them) and the Machina/QEMU ratio; never fails a
build (TESTING.md: speed is a benchmark, not a test).
"""
import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'functional'))
import machina  # noqa: E402

QEMU = shutil.which('qemu-system-riscv64')

# (label, blkbench arguments, unit); %(ops)d: requests of the random runs
WORKLOADS = [
    ('seq read 1M', '-b 1048576 -q 1', 'MiB/s'),
    ('seq write 1M', '-w -b 1048576 -q 1', 'MiB/s'),
    ('rand read 4K qd1', '-R -b 4096 -q 1 -n %(ops)d', 'IOPS'),
    ('rand read 4K qd8', '-R -b 4096 -q 8 -n %(ops)d', 'IOPS'),
    ('rand write 4K qd1', '-w -R -b 4096 -q 1 -n %(ops)d', 'IOPS'),
    ('rand write 4K qd8', '-w -R -b 4096 -q 8 -n %(ops)d', 'IOPS'),
]


def blkbench(m, args, n):
    """Run blkbench in the guest; its result line as a dict."""
    m.send('blkbench %s /dev/vda; echo T@@%d$((0))@@\n' % (args, n))
    got = m.wait_for(re.compile(r'(BLKBENCH [^\r\n]*|blkbench: [^\r\n]*)(?s:.*?)T@@%d0@@' % n),
                     timeout=300)
    if not got.group(1).startswith('BLKBENCH'):
        raise RuntimeError('guest: ' + got.group(1))
    return dict(kv.split('=') for kv in got.group(1).split()[1:])


def one_run(exe, img, transport, iothread, ops):
    dev = {'mmio': 'virtio-blk-device', 'pci': 'virtio-blk-pci'}[transport]
    args = ['-M', 'virt', '-m', '256', '-nographic', '-kernel', LINUX['kernel'],
            '-initrd', LINUX['initrd'], '-append', 'console=ttyS0 machina.run=shell',
            '-drive', 'file=%s,format=raw,if=none,id=d0,cache=none,aio=io_uring' % img]
    if iothread:
        args += ['-object', 'iothread,id=io1', '-device', dev + ',drive=d0,iothread=io1']
    else:
        args += ['-device', dev + ',drive=d0']
    if exe == QEMU and transport == 'mmio':
        args += ['-global', 'virtio-mmio.force-legacy=false']
    m = machina.Machine('riscv64', *args, binary_path=exe).start()
    res = {}
    try:
        try:
            m.wait_for('machina:/# ', timeout=900)
        except machina.MachineError:
            if m.proc.poll() is None:
                raise
            # QEMU refuses iothread= on virtio-mmio under TCG ("ioeventfd is
            # required for iothread"): that line has no peer.
            print(m.stderr.strip(), file=sys.stderr)
            return None
        for i, (label, bargs, unit) in enumerate(WORKLOADS):
            r = blkbench(m, bargs % {'ops': ops}, i + 1)
            res[label] = float(r['MiBps'] if unit == 'MiB/s' else r['IOPS'])
        m.send('exit\n')
        m.wait(timeout=60)
    finally:
        m.close()
    return res


def main():
    global LINUX
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--mib', type=int, default=128)
    ap.add_argument('--ops', type=int, default=8192, help='requests per random run')
    ap.add_argument('--build', default=machina.BUILD)
    ap.add_argument('--only', choices=('mmio', 'pci'))
    ap.add_argument('--iothread', choices=('on', 'off', 'both'), default='both')
    ap.add_argument('--workload', action='append', choices=[w[0] for w in WORKLOADS],
                    help='run only this workload (repeatable), e.g. "rand read 4K qd8"')
    opts = ap.parse_args()
    if opts.workload:
        WORKLOADS[:] = [w for w in WORKLOADS if w[0] in opts.workload]
    LINUX = machina.linux_guest(build=True)
    engines = [('machina', os.path.join(opts.build, 'machina-system-riscv64'))]
    if QEMU:
        engines.append(('qemu', QEMU))
    configs = [(t, io) for t in ('mmio', 'pci') if opts.only in (None, t)
               for io in (False, True) if opts.iothread in ('both', 'on' if io else 'off')]
    rows = []
    with tempfile.TemporaryDirectory(dir=opts.build) as tmp:
        img = os.path.join(tmp, 'bench.img')
        with open(img, 'wb') as f:
            # Written, not sparse: reads hit real blocks on both emulators.
            chunk = os.urandom(1024 * 1024)
            for _ in range(opts.mib):
                f.write(chunk)
        for transport, io in configs:
            # Alternate the emulators run by run, so that load from elsewhere
            # on the host hits both alike.
            runs = {name: [] for name, _ in engines}
            for _ in range(opts.runs):
                for name, exe in engines:
                    try:
                        r = one_run(exe, img, transport, io, opts.ops)
                    except machina.MachineError as e:
                        # A stuck run is reported and left out of the medians.
                        print('%s %s iothread=%s: run failed: %s'
                              % (name, transport, io, str(e).splitlines()[0]), file=sys.stderr)
                        r = None
                    if r:
                        runs[name].append(r)
            res = {name: {label: statistics.median(r[label] for r in rs)
                          for label, _, _ in WORKLOADS}
                   for name, rs in runs.items() if rs}
            rows.append((transport, io, res))
    print('virtio-blk, %d MiB raw image, cache=none aio=io_uring, blkbench O_DIRECT in '
          'the guest, median of %d' % (opts.mib, opts.runs))
    print('%-5s %-8s %-18s %-6s %10s %10s %7s' % ('bus', 'iothread', 'workload', 'unit',
                                                  'machina', 'qemu', 'ratio'))
    for transport, io, res in rows:
        for label, _, unit in WORKLOADS:
            m = res['machina'][label] if 'machina' in res else float('nan')
            q = res['qemu'][label] if 'qemu' in res else float('nan')
            print('%-5s %-8s %-18s %-6s %10.1f %10.1f %7.2f'
                  % (transport, 'io1' if io else '-', label, unit, m, q,
                     m / q if q else float('nan')))
    if any('qemu' not in res for _, _, res in rows):
        print('nan: QEMU refuses that configuration (iothread on virtio-mmio needs '
              'ioeventfd, which its TCG mmio transport lacks)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
