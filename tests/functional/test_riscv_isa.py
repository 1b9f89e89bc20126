"""Bare-metal RISC-V ISA programs (tests/guest/riscv64/) on the virt machine.

Every program in isa/ checks itself and reports through sifive_test: it
passes when machina-system-riscv64 exits with status 0 (and printed PASS).
The programs are also run on Debian's qemu-system-riscv64 to validate the
tests themselves, except where QEMU 7.2 is known to deviate from the spec.
Every program in diff/ prints a signature of the architectural state after
a fixed workload; Machina's must equal QEMU's.
"""
import glob
import os
import re
import shutil
import subprocess

import pytest

from machina import BUILD, ROOT, binary, run

GUEST = os.path.join(ROOT, 'tests', 'guest', 'riscv64')
OUT = os.path.join(BUILD, 'guest-riscv64')
QEMU = shutil.which('qemu-system-riscv64')
CROSS = shutil.which('riscv64-linux-gnu-gcc')

# Programs that QEMU 7.2 fails because QEMU, not the program, departs from
# the spec (see the comment at the top of each source).
QEMU_DEVIATES = {'rv64a-misaligned', 'rv64a-faults'}


def _programs(folder):
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(GUEST, folder, '*.[cS]')))


@pytest.fixture(scope='session')
def guest_build():
    """Cross-build every program once per session into the build tree."""
    if not CROSS:
        pytest.fail('riscv64-linux-gnu-gcc is required (scripts/deps.sh installs it)')
    r = subprocess.run(['make', '-s', '-C', GUEST, 'O=' + OUT], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return OUT


def _boot(argv0, elf, timeout=60):
    return run([argv0, '-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf],
               timeout=timeout)


def _describe(r):
    return 'exit %d\n--- stdout\n%s\n--- stderr\n%s' % (r.returncode, r.stdout[-3000:],
                                                       r.stderr[-2000:])


@pytest.mark.parametrize('name', _programs('isa'))
def test_isa_on_machina(guest_build, name):
    r = _boot(binary('riscv64'), os.path.join(guest_build, 'isa', name + '.elf'))
    assert r.returncode == 0 and 'PASS' in r.stdout and 'FAIL' not in r.stdout, _describe(r)


@pytest.mark.skipif(QEMU is None, reason='qemu-system-riscv64 is not installed')
@pytest.mark.parametrize('name', _programs('isa'))
def test_isa_program_valid_on_qemu(guest_build, name):
    r = _boot(QEMU, os.path.join(guest_build, 'isa', name + '.elf'))
    passed = r.returncode == 0 and 'PASS' in r.stdout
    if name in QEMU_DEVIATES:
        # Still run it: if QEMU ever starts to pass, the list is out of date.
        assert not passed, '%s now passes on QEMU: drop it from QEMU_DEVIATES' % name
    else:
        assert passed, _describe(r)


def _signature(text):
    m = re.search(r'SIGNATURE BEGIN\r?\n(.*?)SIGNATURE END', text, re.S)
    assert m, 'no signature in output:\n' + text[-3000:]
    return [line.strip() for line in m.group(1).splitlines() if line.strip()]


@pytest.mark.skipif(QEMU is None, reason='qemu-system-riscv64 is not installed')
@pytest.mark.parametrize('name', _programs('diff'))
def test_signature_matches_qemu(guest_build, name):
    elf = os.path.join(guest_build, 'diff', name + '.elf')
    ref = _boot(QEMU, elf)
    assert ref.returncode == 0, _describe(ref)
    got = _boot(binary('riscv64'), elf)
    assert got.returncode == 0, _describe(got)
    want_sig, got_sig = _signature(ref.stdout), _signature(got.stdout)
    diffs = ['%s (qemu) != %s (machina)' % (w, g) for w, g in zip(want_sig, got_sig) if w != g]
    assert len(want_sig) == len(got_sig) and not diffs, '\n'.join(diffs)
