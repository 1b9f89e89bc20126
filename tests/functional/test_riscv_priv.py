"""Privileged-architecture guest programs (tests/guest/riscv64/priv/) on the
virt machine: traps and delegation, CSR access rules, Sv39/Sv48 paging, PMP,
CLINT/Sstc interrupts and wfi; and Linux on four harts and without Sstc.

Each program reports through the sifive_test finisher: exit status 0 and a
"PASS (N checks)" line on the UART.  The same programs also run on Debian's
qemu-system-riscv64, which keeps them honest as an oracle.
"""
import os
import shutil
import subprocess

import pytest

from machina import BUILD, ROOT, binary, linux_guest, run

GUEST_DIR = os.path.join(ROOT, 'tests', 'guest', 'riscv64')
PROGRAMS = ['traps', 'csrs', 'paging', 'pmp', 'interrupts']
CROSS = 'riscv64-linux-gnu-'
QEMU = shutil.which('qemu-system-riscv64')


@pytest.fixture(scope='module')
def elfs():
    """Build the priv programs with the shared guest Makefile (once per run)."""
    if not shutil.which(CROSS + 'gcc'):
        pytest.skip('no %sgcc cross compiler' % CROSS)
    if not os.path.isdir(os.path.join(GUEST_DIR, 'common')):
        pytest.skip('shared guest runtime (tests/guest/riscv64/common) missing')
    out = os.path.join(BUILD, 'guest-riscv64')
    r = subprocess.run(['make', '-s', '-C', GUEST_DIR, 'O=' + out, 'TEST_DIRS=priv'],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, 'guest build failed:\n' + r.stdout + r.stderr
    return {p: os.path.join(out, 'priv', p + '.elf') for p in PROGRAMS}


def machina_has_virt():
    exe = binary('riscv64')
    if not os.path.exists(exe):
        return False
    r = run([exe, '-M', 'help'], timeout=20)
    return r.returncode == 0 and any(l.split()[:1] == ['virt']
                                     for l in r.stdout.splitlines())


def run_guest(exe, elf):
    r = run([exe, '-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf],
            timeout=60)
    text = r.stdout + r.stderr
    assert r.returncode == 0, 'exit %d, output:\n%s' % (r.returncode, text[-3000:])
    assert 'PASS (' in text, text[-3000:]


@pytest.mark.parametrize('prog', PROGRAMS)
def test_priv_on_machina(elfs, prog):
    if not machina_has_virt():
        pytest.skip('machina-system-riscv64 has no virt machine yet')
    run_guest(binary('riscv64'), elfs[prog])


@pytest.mark.parametrize('prog', PROGRAMS)
def test_priv_on_qemu(elfs, prog):
    if not QEMU:
        pytest.skip('qemu-system-riscv64 not installed')
    run_guest(QEMU, elfs[prog])


# ------------------------------------------------------------ Linux on the hart

@pytest.fixture(scope='module')
def linux():
    if not machina_has_virt():
        pytest.skip('machina-system-riscv64 has no virt machine yet')
    if not shutil.which(CROSS + 'gcc'):
        pytest.skip('needs the riscv64 cross toolchain (scripts/deps.sh)')
    return linux_guest(build=True)


def boot_linux(linux, *extra, append):
    r = run([binary('riscv64'), '-M', 'virt', '-m', '256', '-nographic',
             '-kernel', linux['kernel'], '-initrd', linux['initrd'],
             '-append', 'console=ttyS0 ' + append] + list(extra), timeout=600)
    text = r.stdout + r.stderr
    assert r.returncode == 0, 'exit %d:\n%s' % (r.returncode, text[-3000:])
    return text


def test_linux_smp4(linux):
    """Four harts: IPIs through OpenSBI, stop_machine, idle wfi, Sstc timers.
    (Harts spinning on wfi with a stale IPI pending must not starve the
    others, and the hart's own timer writes must not cut its time slice.)"""
    text = boot_linux(linux, '-smp', '4', append='machina.run=smp')
    assert 'MACHINA-CPUS-ONLINE 4 0-3' in text, text[-3000:]


def test_linux_without_sstc(linux):
    """-cpu rv64,sstc=off: S-mode timers go through SBI, i.e. OpenSBI's
    mtimecmp handler injecting STIP with an M-mode mip write."""
    text = boot_linux(linux, '-cpu', 'rv64,sstc=off', append='machina.run=test')
    assert 'Boot HART ISA Extensions  : time\n' in text.replace('\r', '')
    assert 'MACHINA-CHECKSUM ' + linux['checksum'] in text, text[-3000:]
