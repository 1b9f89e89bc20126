"""The tcg accelerator through machina-system-riscv64: its options, the
-d logs of the JIT pipeline, a tiny code cache that must flush, and
self-modifying code (also behind indirect jumps and returns, which the
native back end resolves through the jump cache in generated code), with
small bare-metal programs built here."""
import os
import re
import shutil
import subprocess

import pytest

from machina import binary, run

CROSS = shutil.which('riscv64-linux-gnu-gcc')

# Sums 1..1000, rewrites one of its own instructions (in the same block as
# the store) and checks both results; reports through sifive_test (virt).
PROGRAM = r"""
.globl _start
_start:
    li a0, 0
    li a1, 1000
1:  add a0, a0, a1
    addi a1, a1, -1
    bnez a1, 1b
    li t0, 500500
    bne a0, t0, fail
    lla t3, patchme
    li t4, 0x02a00613           /* addi a2, zero, 42 */
    sw t4, 0(t3)
.option push
.option norvc
patchme:
    addi a2, zero, 1
.option pop
    li t0, 42
    bne a2, t0, fail
    li t1, 0x100000
    li t2, 0x5555
    sw t2, 0(t1)
2:  j 2b
fail:
    li t1, 0x100000
    li t2, 0x13333
    sw t2, 0(t1)
3:  j 3b
"""

# Indirect calls (jalr), direct calls to another page and returns all go
# through the jump cache; then the callee, and a return site, are rewritten
# by plain stores (the JIT keeps code coherent with stores, without
# fence.i) and must run as their new code, not as a stale cached block.
STALE_PROGRAM = r"""
.globl _start
_start:
    lla s0, func
    li s1, 0
    li s2, 0
1:  jalr ra, 0(s0)
    add s2, s2, a0
    jal ra, func                /* other page: lookup with a constant pc */
    add s2, s2, a0
    addi s1, s1, 1
    li t0, 50
    blt s1, t0, 1b
    li t0, 100
    bne s2, t0, fail
    li t4, 0x00200513           /* addi a0, zero, 2 */
    sw t4, 0(s0)
    jalr ra, 0(s0)
    li t0, 2
    bne a0, t0, fail
    jal ra, func
    li t0, 2
    bne a0, t0, fail
    li s1, 0
2:  lla t3, patch_ret
    jalr ra, 0(t3)
.option push
.option norvc
retsite:
    addi a1, zero, 7
.option pop
    bnez s1, 3f
    li t0, 7
    bne a1, t0, fail
    li s1, 1
    j 2b
3:  li t0, 9
    bne a1, t0, fail
    li t1, 0x100000
    li t2, 0x5555
    sw t2, 0(t1)
4:  j 4b
fail:
    li t1, 0x100000
    li t2, 0x13333
    sw t2, 0(t1)
5:  j 5b

.balign 4096
.option push
.option norvc
func:
    addi a0, zero, 1
    ret
.option pop
/* On the second call, rewrite the caller's return site, then return to it. */
patch_ret:
    beqz s1, 6f
    lla t3, retsite
    li t4, 0x00900593           /* addi a1, zero, 9 */
    sw t4, 0(t3)
6:  ret
"""


def build_program(d, text):
    src, elf = d / 'prog.S', d / 'prog.elf'
    src.write_text(text)
    r = subprocess.run([CROSS, '-march=rv64gc', '-mabi=lp64d', '-nostdlib', '-static',
                        '-Wl,-Ttext=0x80000000', '-Wl,--no-warn-rwx-segments',
                        '-o', str(elf), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return str(elf)


def virt_binary():
    path = binary('riscv64')
    if not os.path.exists(path):
        pytest.skip('machina-system-riscv64 is not built')
    p = run([path, '-machine', 'help'])
    if p.returncode != 0 or not re.search(r'^virt\s', p.stdout, re.M):
        pytest.skip('this machina-system-riscv64 has no virt machine yet')
    return path


@pytest.fixture(scope='module')
def program(tmp_path_factory):
    if not CROSS:
        pytest.skip('needs the riscv64 cross toolchain (scripts/deps.sh)')
    return build_program(tmp_path_factory.mktemp('tcg'), PROGRAM)


@pytest.fixture(scope='module')
def stale_program(tmp_path_factory):
    if not CROSS:
        pytest.skip('needs the riscv64 cross toolchain (scripts/deps.sh)')
    return build_program(tmp_path_factory.mktemp('tcg-stale'), STALE_PROGRAM)


def boot(path, elf, *args, timeout=60):
    return run([path, '-M', 'virt', '-bios', 'none', '-nographic', '-kernel', elf] +
               list(args), timeout=timeout)


def test_program_passes(program):
    r = boot(virt_binary(), program, '-accel', 'tcg')
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize('backend', ['native', 'interp'])
def test_rewritten_code_behind_indirect_jumps(stale_program, backend):
    r = boot(virt_binary(), stale_program, '-accel', 'tcg,backend=' + backend)
    assert r.returncode == 0, r.stderr


def test_tiny_code_cache(program):
    r = boot(virt_binary(), program, '-accel', 'tcg,tb-size=1,backend=interp,thread=single')
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize('opt,msg', [
    ('backend=llvm', "Invalid backend 'llvm'"),
    ('thread=multi', 'thread=single'),
    ('bogus=1', "Invalid parameter 'bogus'"),
])
def test_bad_options_are_errors(program, opt, msg):
    r = boot(virt_binary(), program, '-accel', 'tcg,' + opt)
    assert r.returncode != 0
    assert msg in r.stderr


def test_debug_logs(program, tmp_path):
    log = tmp_path / 'jit.log'
    r = boot(virt_binary(), program, '-d', 'in_asm,op,op_opt,out_asm,exec',
             '-D', str(log))
    assert r.returncode == 0, r.stderr
    text = log.read_text(errors='replace')
    assert 'IN: \n0x80000000:' in text
    assert 'OP:\n' in text
    assert ' ---- 0000000080000000 0000000000000000\n' in text
    assert 'OP after optimization and liveness analysis:\n' in text
    assert 'OUT: [size=' in text
    assert re.search(r'Trace 0: 0x[0-9a-f]+ \[0000000080000000/', text)
    # The store into the code page drops the blocks it overlaps: the
    # patched instruction is translated again.
    assert len(re.findall(r'0x[0-9a-f]+:\s+00100613', text)) >= 1
    assert len(re.findall(r'0x[0-9a-f]+:\s+02a00613', text)) >= 1


def test_dfilter_limits_logs_to_ranges(program, tmp_path):
    """-dfilter as QEMU's: only blocks starting in the range are logged."""
    log = tmp_path / 'jit.log'
    r = boot(virt_binary(), program, '-d', 'in_asm,out_asm,exec', '-dfilter', '0x80000000+4',
             '-D', str(log))
    assert r.returncode == 0, r.stderr
    text = log.read_text(errors='replace')
    assert 'IN: \n0x80000000:' in text
    starts = re.findall(r'IN: \n(0x[0-9a-f]+):', text)
    traces = re.findall(r'Trace 0: 0x[0-9a-f]+ \[([0-9a-f]+)/', text)
    assert starts and all(int(pc, 16) < 0x80000004 for pc in starts), starts
    assert traces and all(int(pc, 16) < 0x80000004 for pc in traces), traces
    full = tmp_path / 'all.log'
    r = boot(virt_binary(), program, '-d', 'in_asm', '-D', str(full))
    assert r.returncode == 0, r.stderr
    assert len(re.findall(r'IN: \n', full.read_text(errors='replace'))) > len(starts)
    r = boot(virt_binary(), program, '-dfilter', '0x80000000')
    assert r.returncode != 0
    assert "-dfilter 0x80000000: invalid range '0x80000000'" in r.stderr


def test_perfmap_names_blocks_by_guest_pc(program):
    """-perfmap as QEMU's: /tmp/perf-PID.map with a line per translated block."""
    import glob
    before = set(glob.glob('/tmp/perf-*.map'))
    r = boot(virt_binary(), program, '-perfmap', '-accel', 'tcg,backend=native,x-tier-threshold=0')
    assert r.returncode == 0, r.stderr
    new = [p for p in set(glob.glob('/tmp/perf-*.map')) - before]
    assert len(new) == 1, new
    try:
        lines = open(new[0]).read().splitlines()
    finally:
        os.unlink(new[0])
    entries = [l.split() for l in lines]
    assert entries and all(len(e) == 3 for e in entries), lines[:5]
    pcs = {int(e[2].split('guest-0x')[1], 16) for e in entries}
    assert 0x80000000 in pcs
    assert all(int(e[1], 16) > 0 for e in entries)
    # Distinct blocks do not overlap in the code buffer.
    spans = sorted((int(e[0], 16), int(e[1], 16)) for e in entries)
    assert all(a + n <= b for (a, n), (b, _) in zip(spans, spans[1:]))


# One block per fence (each ends at the jump after it): which of them get a
# host barrier in the IR.
FENCE_PROGRAM = r"""
.globl _start
_start:
    fence rw,rw
    j 1f
1:  fence w,w
    j 2f
2:  fence r,rw
    j 3f
3:  fence.tso
    j 4f
4:  fence rw,w
    j 5f
5:  fence iorw,iorw
    j 6f
6:  fence w,r
    j 7f
7:  li t0, 0x80100000
    j 10f
10: amoadd.w.aqrl a0, a1, (t0)
    j 8f
8:  li t1, 0x100000
    li t2, 0x5555
    sw t2, 0(t1)
9:  j 9b
"""


def test_fences_get_a_host_barrier_only_for_store_load_order(tmp_path):
    """The host is x86-64 (TSO): only a fence ordering earlier writes before
    later reads needs mfence (the IR's mb); fence.tso, w,w, r,rw and rw,w
    do not, and an AMO's aq/rl needs none (harts never run concurrently)."""
    if not CROSS:
        pytest.skip('needs the riscv64 cross toolchain (scripts/deps.sh)')
    elf = build_program(tmp_path, FENCE_PROGRAM)
    log = tmp_path / 'op.log'
    r = boot(virt_binary(), elf, '-d', 'in_asm,op', '-D', str(log))
    assert r.returncode == 0, r.stderr
    # First instruction's encoding -> does its block's IR have an mb?
    barrier = {}
    for b in log.read_text(errors='replace').split('IN: \n')[1:]:
        m = re.match(r'0x[0-9a-f]+:\s+([0-9a-f]{8})\s', b)
        if m:
            barrier[m.group(1)] = bool(re.search(r'^\s*mb\s*$', b, re.M))
    want = {
        '0330000f': True,       # fence rw,rw
        '0110000f': False,      # fence w,w
        '0230000f': False,      # fence r,rw
        '8330000f': False,      # fence.tso
        '0310000f': False,      # fence rw,w (release)
        '0ff0000f': True,       # fence iorw,iorw
        '0120000f': True,       # fence w,r
        '06b2a52f': False,      # amoadd.w.aqrl
    }
    assert {k: barrier.get(k) for k in want} == want, barrier
