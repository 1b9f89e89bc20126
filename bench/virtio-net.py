#!/usr/bin/python3
"""virtio-net TCP throughput over user networking: Machina vs QEMU, same guest.

    bench/virtio-net.py [--runs N] [--mib M] [--build DIR] [--only mmio|pci]

Boots the riscv64 Linux test guest (tests/guest/riscv64/build-linux.sh,
busybox shell) with -netdev user,hostfwd=tcp:127.0.0.1:PORT-:5555 and a
virtio-net card (virtio-net-device on a virtio-mmio slot, or virtio-net-pci),
then moves M MiB (default 32) through the forwarded port:

    host->guest   the host writes, `nc -l -p 5555 < /dev/null > /dev/null` reads
    guest->host   `dd if=/dev/zero bs=64k | nc -l -p 5555` writes, the host reads

timed on the host from the first byte to the peer's end of stream.  The same
guest and options run on qemu-system-riscv64 (virtio-mmio forced to version
2).  Prints medians (MiB/s) and the Machina/QEMU ratio; never fails a build
(TESTING.md: speed is a benchmark, not a test).
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'functional'))
import machina  # noqa: E402

QEMU = shutil.which('qemu-system-riscv64')
_seq = [0]


def sh(m, cmd, timeout=300):
    _seq[0] += 1
    n = _seq[0]
    m.send('echo B@@%d$((0))@@; %s; echo E@@%d-$?@@\n' % (n, cmd, n))
    m.wait_for('B@@%d0@@' % n, timeout=timeout)
    m.wait_for(re.compile(r'E@@%d-\d+@@' % n), timeout=timeout)


def connect(port, timeout=60):
    end = time.time() + timeout
    while True:
        try:
            return socket.create_connection(('127.0.0.1', port), timeout=timeout)
        except OSError:
            if time.time() > end:
                raise
            time.sleep(0.05)


def host_to_guest(m, port, mib):
    m.send('nc -l -p 5555 < /dev/null > /dev/null &\n')
    sh(m, 'sleep 1; true')
    chunk = b'\0' * (1 << 20)
    with connect(port) as c:
        t0 = time.monotonic()
        for _ in range(mib):
            c.sendall(chunk)
        c.shutdown(socket.SHUT_WR)
        while c.recv(65536):
            pass
        dt = time.monotonic() - t0
    sh(m, 'wait')
    return mib / dt


def guest_to_host(m, port, mib):
    m.send('dd if=/dev/zero bs=64k count=%d 2>/dev/null | nc -l -p 5555 &\n' % (mib * 16))
    sh(m, 'sleep 1; true')
    got = 0
    with connect(port) as c:
        c.shutdown(socket.SHUT_WR)
        t0 = None
        while True:
            b = c.recv(1 << 20)
            if t0 is None:
                t0 = time.monotonic()
            if not b:
                break
            got += len(b)
        dt = time.monotonic() - t0
    sh(m, 'wait')
    if got != mib << 20:
        raise RuntimeError('guest->host moved %d bytes, wanted %d' % (got, mib << 20))
    return mib / dt


def one_run(exe, transport, mib):
    dev = {'mmio': 'virtio-net-device', 'pci': 'virtio-net-pci'}[transport]
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    args = ['-M', 'virt', '-m', '256', '-nographic', '-kernel', LINUX['kernel'],
            '-initrd', LINUX['initrd'], '-append', 'console=ttyS0 machina.run=shell',
            '-netdev', 'user,id=n0,hostfwd=tcp:127.0.0.1:%d-:5555' % port,
            '-device', dev + ',netdev=n0']
    if exe == QEMU and transport == 'mmio':
        args += ['-global', 'virtio-mmio.force-legacy=false']
    m = machina.Machine('riscv64', *args, binary_path=exe).start()
    try:
        m.wait_for('machina:/# ', timeout=900)
        sh(m, 'ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up && '
              'route add default gw 10.0.2.2')
        res = {'host->guest': host_to_guest(m, port, mib),
               'guest->host': guest_to_host(m, port, mib)}
        m.send('exit\n')
        m.wait(timeout=60)
    finally:
        m.close()
    return res


def main():
    global LINUX
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--mib', type=int, default=32)
    ap.add_argument('--build', default=machina.BUILD)
    ap.add_argument('--only', choices=('mmio', 'pci'))
    opts = ap.parse_args()
    LINUX = machina.linux_guest(build=True)
    engines = [('machina', os.path.join(opts.build, 'machina-system-riscv64'))]
    if QEMU:
        engines.append(('qemu', QEMU))
    labels = ('host->guest', 'guest->host')
    rows = []
    for transport in ('mmio', 'pci'):
        if opts.only not in (None, transport):
            continue
        res = {}
        for name, exe in engines:
            runs = [one_run(exe, transport, opts.mib) for _ in range(opts.runs)]
            res[name] = {k: statistics.median(r[k] for r in runs) for k in labels}
        rows.append((transport, res))
    print('virtio-net over -netdev user (libslirp) hostfwd, %d MiB per direction, '
          'median of %d' % (opts.mib, opts.runs))
    print('%-5s %-12s %10s %10s %7s' % ('bus', 'direction', 'machina', 'qemu', 'ratio'))
    for transport, res in rows:
        for k in labels:
            a = res['machina'][k]
            q = res['qemu'][k] if 'qemu' in res else float('nan')
            print('%-5s %-12s %10.1f %10.1f %7.2f' % (transport, k, a, q,
                                                      a / q if q else float('nan')))
    print('(MiB/s)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
