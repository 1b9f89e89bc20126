"""The guest programs and Linux on both TCG back ends (interp and native).

The other functional tests run on one back end (the default, or the one
MACHINA_TCG_BACKEND names); these run the bare-metal ISA and privileged
programs, the state signatures and the Linux test guest on each back end
explicitly, so that `make check` covers both every time.  Native runs
twice: translating every block (x-tier-threshold=0) and with the
interpreter tier forced on (a threshold no block reaches: every
instruction target/riscv/interp-tier.c supports is interpreted, the JIT
runs the rest), so both halves of the default mix are checked alone.
"""
import glob
import os
import re
import shutil
import subprocess

import pytest

import machina
from machina import BUILD, ROOT, binary

GUEST = os.path.join(ROOT, 'tests', 'guest', 'riscv64')
OUT = os.path.join(BUILD, 'guest-riscv64')
# name -> -accel tcg options
ACCEL = {
    'interp': 'backend=interp',
    'native': 'backend=native,x-tier-threshold=0',
    'native-tier': 'backend=native,x-tier-threshold=1000000000',
}
BACKENDS = list(ACCEL)


def _programs(*folders):
    return sorted('%s/%s' % (f, os.path.splitext(os.path.basename(p))[0])
                  for f in folders for p in glob.glob(os.path.join(GUEST, f, '*.[cS]')))


@pytest.fixture(scope='module')
def guest_build():
    if not shutil.which('riscv64-linux-gnu-gcc'):
        pytest.fail('riscv64-linux-gnu-gcc is required (scripts/deps.sh installs it)')
    r = subprocess.run(['make', '-s', '-C', GUEST, 'O=' + OUT], capture_output=True,
                       text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return OUT


def _run(backend, elf, *extra, timeout=120):
    argv = [binary('riscv64'), '-accel', 'tcg,' + ACCEL[backend], '-M', 'virt',
            '-bios', 'none', '-nographic', '-kernel', elf] + list(extra)
    return machina.run(argv, timeout=timeout)


def _describe(r):
    return 'exit %d\n--- stdout\n%s\n--- stderr\n%s' % (r.returncode, r.stdout[-3000:],
                                                       r.stderr[-2000:])


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('prog', _programs('isa', 'priv'))
def test_guest_program(guest_build, backend, prog):
    r = _run(backend, os.path.join(guest_build, prog + '.elf'))
    assert r.returncode == 0 and 'PASS' in r.stdout and 'FAIL' not in r.stdout, _describe(r)


@pytest.mark.parametrize('prog', _programs('diff'))
def test_signature_same_on_both_backends(guest_build, prog):
    out = {}
    for be in BACKENDS:
        r = _run(be, os.path.join(guest_build, prog + '.elf'))
        assert r.returncode == 0, _describe(r)
        out[be] = r.stdout
    assert out['interp'] == out['native']
    assert out['interp'] == out['native-tier']
    assert len(out['native']) > 100        # a real signature, not an empty run


@pytest.fixture(scope='module')
def linux():
    if not shutil.which('riscv64-linux-gnu-gcc'):
        pytest.fail('riscv64-linux-gnu-gcc is required (scripts/deps.sh installs it)')
    return machina.linux_guest(build=True)


@pytest.mark.parametrize('backend', BACKENDS)
def test_linux_checksum(machine, linux, backend):
    m = machine('riscv64', '-accel', 'tcg,' + ACCEL[backend], '-M', 'virt', '-m', '256',
                '-kernel', linux['kernel'], '-initrd', linux['initrd'],
                '-append', 'console=ttyS0 machina.run=test')
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    got = m.wait_for(re.compile(r'MACHINA-CHECKSUM ([0-9a-f]{16})'), timeout=600)
    assert got.group(1) == linux['checksum']
    m.wait_for('reboot: Power down', timeout=60)
    assert m.wait(timeout=60) == 0


def test_out_asm_shows_host_code_per_guest_insn(guest_build, tmp_path):
    log = tmp_path / 'out.log'
    r = _run('native', os.path.join(guest_build, 'isa', 'rv64m.elf'), '-d', 'out_asm',
             '-D', str(log))
    assert r.returncode == 0, _describe(r)
    text = log.read_text()
    assert re.search(r'OUT: \[size=\d+\]', text)
    assert re.search(r'-- guest pc 0x0+80000000', text)
    assert re.search(r'0x[0-9a-f]+:\s+(mov|movabs|call|jmp)\s', text)


def test_unknown_backend_names_the_valid_ones():
    r = machina.run([binary('riscv64'), '-accel', 'tcg,backend=llvm', '-M', 'virt',
                     '-nographic'], timeout=30)
    assert r.returncode != 0
    assert "Invalid backend 'llvm'" in r.stderr and 'native' in r.stderr, r.stderr


@pytest.mark.parametrize('value, why', [('-1', 'a number'), ('x', 'a number'),
                                        ('4294967296', 'too large')])
def test_bad_tier_threshold_is_a_one_line_error(value, why):
    r = machina.run([binary('riscv64'), '-accel', 'tcg,x-tier-threshold=' + value, '-M',
                     'virt', '-nographic'], timeout=30)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and 'x-tier-threshold' in lines[0] and why in lines[0], r.stderr


def test_tier_threshold_in_accel_help():
    r = machina.run([binary('riscv64'), '-accel', 'tcg,help'], timeout=30)
    assert 'x-tier-threshold' in r.stdout + r.stderr
