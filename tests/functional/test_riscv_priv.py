"""Privileged-architecture guest programs (tests/guest/riscv64/priv/) on the
virt machine: traps and delegation, CSR access rules, Sv39/Sv48 paging, PMP,
CLINT/Sstc interrupts and wfi.

Each program reports through the sifive_test finisher: exit status 0 and a
"PASS (N checks)" line on the UART.  The same programs also run on Debian's
qemu-system-riscv64, which keeps them honest as an oracle.
"""
import os
import shutil
import subprocess

import pytest

from machina import BUILD, ROOT, binary, run

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
