#!/usr/bin/python3
"""Side-by-side benchmarks: Machina (each TCG back end) vs QEMU vs the host.

Called by bench/run.sh (`make bench`), never by `make check`.  Two parts,
run in one invocation so that the columns share the machine's load:

  boot   wall time from process start to the init's MACHINA-INIT-READY line,
         Linux 6.1 + initramfs of tests/guest/riscv64/build-linux.sh
  cpu    bench/workload.c as the guest's init (rdinit=/bench), each part
         timed inside the guest; the same C built for the host gives the
         native = 1x column

Every number is the median of --runs runs.  Prints a table with ratios and
writes bench/results/<date>.txt, .dat and (with gnuplot) a .png chart.
"""
import argparse
import datetime
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, 'tests', 'functional'))
import machina  # noqa: E402  (the shared harness: cached guest images)

PARTS = ['int', 'sha256', 'qsort', 'float', 'memory']
CFLAGS = ['-O2', '-ffp-contract=off']


def log(msg):
    print('bench: ' + msg, file=sys.stderr, flush=True)


def build_workload(outdir):
    """bench-host (native) and bench-rv (static riscv64) from workload.c."""
    src = os.path.join(HERE, 'workload.c')
    host = os.path.join(outdir, 'bench-host')
    rv = os.path.join(outdir, 'bench-rv')
    subprocess.run(['gcc'] + CFLAGS + ['-o', host, src, '-lm'], check=True)
    subprocess.run(['riscv64-linux-gnu-gcc'] + CFLAGS + ['-static', '-o', rv, src, '-lm'],
                   check=True)
    return host, rv


def bench_initrd(outdir, base_initrd, rv):
    """The guest's initramfs plus /bench.  The kernel unpacks concatenated
    cpio archives in order (Documentation/driver-api/early-userspace), so
    the second one only adds the file."""
    tree = os.path.join(outdir, 'tree')
    os.makedirs(tree, exist_ok=True)
    shutil.copy(rv, os.path.join(tree, 'bench'))
    os.chmod(os.path.join(tree, 'bench'), 0o755)
    cpio = subprocess.run(['cpio', '-o', '-H', 'newc', '--owner=0:0', '--quiet'],
                          input=b'bench\n', cwd=tree, capture_output=True, check=True).stdout
    out = os.path.join(outdir, 'initramfs-bench.cpio.gz')
    with open(base_initrd, 'rb') as f:
        base = f.read()
    with open(out, 'wb') as f:
        f.write(base)
        f.write(gzip.compress(cpio, 9))
    return out


class Emulator:
    def __init__(self, name, argv):
        self.name = name
        self.argv = argv


def emulators(build, backends, with_qemu):
    out = []
    binary = os.path.join(build, 'machina-system-riscv64')
    for be in backends:
        out.append(Emulator('machina-' + be, [binary, '-accel', 'tcg,backend=' + be]))
    if with_qemu and shutil.which('qemu-system-riscv64'):
        out.append(Emulator('qemu', ['qemu-system-riscv64', '-accel', 'tcg']))
    return out


def run_guest(emu, kernel, initrd, append, until, timeout):
    """Start emu, return (seconds to the `until` line, full output)."""
    argv = emu.argv + ['-M', 'virt', '-m', '256', '-nographic', '-kernel', kernel,
                       '-initrd', initrd, '-append', append]
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = b''
    found = None
    try:
        os.set_blocking(p.stdout.fileno(), False)
        while time.monotonic() - t0 < timeout:
            chunk = p.stdout.read(65536)
            if chunk:
                out += chunk
                if found is None and until.encode() in out:
                    found = time.monotonic() - t0
                if found is not None and (b'BENCH-DONE' in out or until != 'BENCH-DONE'):
                    break
            elif p.poll() is not None:
                break
            else:
                time.sleep(0.005)
    finally:
        p.kill()
        p.wait()
    text = out.decode(errors='replace')
    if found is None:
        raise RuntimeError('%s: no %r within %ds; last output:\n%s'
                           % (emu.name, until, timeout, text[-1500:]))
    return found, text


def parse_parts(text):
    got = {}
    for m in re.finditer(r'BENCH-PART (\S+) (\d+) ([0-9a-f]{16})', text):
        got[m.group(1)] = (int(m.group(2)) / 1e9, m.group(3))
    return got


def fmt_ratio(a, b):
    return '%.2fx' % (a / b) if a and b else '-'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(ROOT, 'build'))
    ap.add_argument('--runs', type=int, default=int(os.environ.get('BENCH_RUNS', 5)))
    ap.add_argument('--backends', default=os.environ.get('BENCH_BACKENDS', 'interp,native'))
    ap.add_argument('--no-qemu', action='store_true')
    ap.add_argument('--only', choices=['boot', 'cpu'])
    ap.add_argument('--timeout', type=int, default=900)
    ap.add_argument('--results', default=os.path.join(HERE, 'results'))
    ap.add_argument('--parts', default=os.environ.get('BENCH_PARTS', ''),
                    help='comma-separated CPU parts to run (default: all)')
    args = ap.parse_args()
    parts = [p for p in args.parts.split(',') if p] or PARTS
    bad = [p for p in parts if p not in PARTS]
    if bad:
        ap.error('--parts: unknown part %s (parts: %s)' % (bad[0], ','.join(PARTS)))
    # The workload reads BENCH_PARTS; as init, from the kernel command line.
    only_parts = '' if parts == PARTS else ' BENCH_PARTS=' + ','.join(parts)

    guest = machina.linux_guest(build=True)
    tmp = tempfile.mkdtemp(prefix='machina-bench-')
    host_bin, rv_bin = build_workload(tmp)
    initrd = bench_initrd(tmp, guest['initrd'], rv_bin)
    backends = [b for b in args.backends.split(',') if b]
    emus = emulators(args.build, backends, not args.no_qemu)
    # Drop back ends this build does not have (the binary says so at once).
    usable = []
    for e in emus:
        # A bad -accel option fails at once; a good one waits paused (-S).
        try:
            r = subprocess.run(e.argv + ['-M', 'virt', '-bios', 'none', '-display', 'none',
                                         '-S'], capture_output=True, text=True, timeout=3)
            log('skipping %s: %s' % (e.name, (r.stderr or r.stdout).strip()[:200]))
        except subprocess.TimeoutExpired:
            usable.append(e)
    emus = usable
    names = [e.name for e in emus]
    boot = {}
    cpu = {n: {p: [] for p in PARTS} for n in names + ['native']}
    sums = {}

    for i in range(args.runs):
        if args.only in (None, 'boot'):
            for e in emus:
                t, _ = run_guest(e, guest['kernel'], guest['initrd'],
                                 'console=ttyS0 machina.run=smp', 'MACHINA-INIT-READY',
                                 args.timeout)
                boot.setdefault(e.name, []).append(t)
                log('run %d boot %s %.2fs' % (i + 1, e.name, t))
        if args.only in (None, 'cpu'):
            r = subprocess.run([host_bin], capture_output=True, text=True, check=True,
                               env=dict(os.environ, BENCH_PARTS=','.join(parts)))
            for p, (t, s) in parse_parts(r.stdout).items():
                cpu['native'][p].append(t)
                sums.setdefault(p, s)
            for e in emus:
                _, text = run_guest(e, guest['kernel'], initrd,
                                    'console=ttyS0 rdinit=/bench' + only_parts, 'BENCH-DONE',
                                    args.timeout)
                for p, (t, s) in parse_parts(text).items():
                    cpu[e.name][p].append(t)
                    if sums.get(p) != s:
                        log('WARNING: %s part %s checksum %s != native %s'
                            % (e.name, p, s, sums.get(p)))
                log('run %d cpu %s done' % (i + 1, e.name))

    med = {k: statistics.median(v) for k, v in boot.items() if v}
    cmed = {n: {p: statistics.median(v) for p, v in d.items() if v} for n, d in cpu.items()}
    lines = []
    host = os.uname()
    lines.append('Machina benchmarks, %s, host %s %s, medians of %d runs'
                 % (datetime.datetime.now().strftime('%Y-%m-%d %H:%M'), host.nodename,
                    host.machine, args.runs))
    q = 'qemu' if 'qemu' in names else None
    if med:
        lines.append('')
        lines.append('Linux 6.1 boot to init (s)')
        lines.append('%-16s %10s %12s' % ('emulator', 'seconds', 'vs QEMU'))
        for n in names:
            if n in med:
                lines.append('%-16s %10.2f %12s' % (n, med[n], fmt_ratio(med[n], med.get(q))))
    if any(cmed[n] for n in names):
        lines.append('')
        lines.append('In-guest CPU benchmark (s; ratio = time / reference)')
        hdr = '%-8s %9s' % ('part', 'native')
        for n in names:
            hdr += ' %14s' % n
        for n in names:
            if n != q:
                hdr += ' %10s %10s' % (n.replace('machina-', '') + '/qemu',
                                       n.replace('machina-', '') + '/nat')
        if q:
            hdr += ' %10s' % 'qemu/nat'
        lines.append(hdr)
        for p in parts:
            nat = cmed['native'].get(p)
            row = '%-8s %9.3f' % (p, nat or 0)
            for n in names:
                row += ' %14.3f' % cmed[n].get(p, 0)
            for n in names:
                if n != q:
                    row += ' %10s %10s' % (fmt_ratio(cmed[n].get(p), cmed.get(q, {}).get(p)),
                                           fmt_ratio(cmed[n].get(p), nat))
            if q:
                row += ' %10s' % fmt_ratio(cmed[q].get(p), nat)
            lines.append(row)
    report = '\n'.join(lines) + '\n'
    print(report)

    os.makedirs(args.results, exist_ok=True)
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    base = os.path.join(args.results, 'bench-' + stamp)
    with open(base + '.txt', 'w') as f:
        f.write(report)
    if any(cmed[n] for n in names):
        # gnuplot data: one row per part, slowdown vs native per emulator.
        with open(base + '.dat', 'w') as f:
            f.write('# part ' + ' '.join(names) + '\n')
            for p in parts:
                nat = cmed['native'].get(p)
                f.write(p + ' ' + ' '.join('%.3f' % (cmed[n].get(p, 0) / nat if nat else 0)
                                           for n in names) + '\n')
        if shutil.which('gnuplot'):
            cols = ', '.join("'%s.dat' using %d:xtic(1) title '%s'" % (base, i + 2, n)
                             for i, n in enumerate(names))
            script = ("set terminal pngcairo size 900,500 noenhanced\n"
                      "set output '%s.png'\n"
                      "set title 'riscv64 guest CPU benchmark: slowdown vs native (lower is better)'\n"
                      "set style data histogram\nset style histogram cluster gap 1\n"
                      "set style fill solid border -1\nset logscale y\nset grid ytics\n"
                      "set ylabel 'time / native time'\nset key top left\n"
                      "plot %s\n" % (base, cols))
            r = subprocess.run(['gnuplot'], input=script, text=True, capture_output=True)
            if r.returncode != 0:
                script = script.replace('pngcairo', 'png')
                r = subprocess.run(['gnuplot'], input=script, text=True, capture_output=True)
            if r.returncode == 0:
                log('chart: %s.png' % base)
            else:
                log('gnuplot failed: ' + r.stderr.strip()[:300])
        else:
            log('gnuplot not installed: no chart (scripts/deps.sh installs gnuplot-nox)')
    log('results: %s.txt' % base)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
