#!/usr/bin/python3
"""virtio-blk throughput: Machina vs QEMU, the same Linux guest and image.

    bench/virtio-blk.py [--runs N] [--mib M] [--build DIR]

Boots the riscv64 Linux test guest (tests/guest/riscv64/build-linux.sh,
busybox shell) with a raw image of M MiB on virtio-blk (virtio-mmio, and
virtio-pci), then times inside the guest a sequential read of the whole
disk (dd to /dev/null, O_DIRECT) and a sequential write with a final
fsync.  The same commands run on qemu-system-riscv64 (virtio-mmio forced
to version 2 so both drive the same transport).  Prints medians in MiB/s
and the Machina/QEMU ratio; never fails a build (see TESTING.md: speed is
a benchmark, not a test).
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


def guest_time(m, cmd, n):
    """Run cmd under busybox time in the guest; seconds as a float."""
    m.send('time sh -c "%s" ; echo T@@%d$((0))@@\n' % (cmd, n))
    got = m.wait_for(re.compile(r'real\s+(?:(\d+)m\s*)?([\d.]+)s(?s:.*?)T@@%d0@@' % n),
                     timeout=600)
    return int(got.group(1) or 0) * 60 + float(got.group(2))


def one_run(argv, img, mib, transport):
    dev = {'mmio': 'virtio-blk-device', 'pci': 'virtio-blk-pci'}[transport]
    args = ['-M', 'virt', '-m', '256', '-nographic', '-kernel', LINUX['kernel'],
            '-initrd', LINUX['initrd'], '-append', 'console=ttyS0 machina.run=shell',
            '-drive', 'file=%s,format=raw,if=none,id=d0,cache=none' % img,
            '-device', dev + ',drive=d0']
    if argv[0] == QEMU and transport == 'mmio':
        args += ['-global', 'virtio-mmio.force-legacy=false']
    m = machina.Machine('riscv64', *args, binary_path=argv[0]).start()
    try:
        m.wait_for('machina:/# ', timeout=900)
        rd = guest_time(m, 'dd if=/dev/vda of=/dev/null bs=1M iflag=direct', 1)
        wr = guest_time(m, 'dd if=/dev/zero of=/dev/vda bs=1M count=%d oflag=direct '
                           'conv=fsync' % mib, 2)
        m.send('exit\n')
        m.wait(timeout=60)
    finally:
        m.close()
    return mib / rd, mib / wr


def main():
    global LINUX
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--mib', type=int, default=64)
    ap.add_argument('--build', default=machina.BUILD)
    opts = ap.parse_args()
    LINUX = machina.linux_guest(build=True)
    engines = [('machina', os.path.join(opts.build, 'machina-system-riscv64'))]
    if QEMU:
        engines.append(('qemu', QEMU))
    rows = []
    with tempfile.TemporaryDirectory(dir=opts.build) as tmp:
        img = os.path.join(tmp, 'bench.img')
        with open(img, 'wb') as f:
            f.truncate(opts.mib * 1024 * 1024)
        for transport in ('mmio', 'pci'):
            res = {}
            for name, exe in engines:
                runs = [one_run([exe], img, opts.mib, transport) for _ in range(opts.runs)]
                res[name] = (statistics.median(r[0] for r in runs),
                             statistics.median(r[1] for r in runs))
            rows.append((transport, res))
    print('virtio-blk, %d MiB, cache=none, median of %d (MiB/s)' % (opts.mib, opts.runs))
    print('%-6s %-6s %10s %10s %8s' % ('bus', 'op', 'machina', 'qemu', 'ratio'))
    for transport, res in rows:
        for i, op in enumerate(('read', 'write')):
            m = res['machina'][i]
            q = res['qemu'][i] if 'qemu' in res else float('nan')
            print('%-6s %-6s %10.1f %10.1f %8.2f' % (transport, op, m, q, m / q))
    return 0


if __name__ == '__main__':
    sys.exit(main())
