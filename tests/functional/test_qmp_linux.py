"""The monitor with Linux running on the riscv64 virt board: stop and cont
around a live guest (the shell still answers after), and HMP's x walking
the kernel's own Sv39/Sv48 page tables: the kernel image seen at its
virtual base must be the bytes xp shows at its physical load address.
"""
import re
import shutil

import pytest

import machina
from test_qmp import pick_machine

# Linux/riscv64 maps the kernel image at this virtual address; OpenSBI
# (fw_dynamic) hands over to the kernel loaded 2 MiB into RAM.
KERNEL_VA = 0xffffffff80000000
KERNEL_PA = 0x80200000


@pytest.fixture(scope='module')
def linux():
    if pick_machine() != ('riscv64', 'virt'):
        pytest.skip('needs the riscv64 virt machine')
    if not shutil.which('riscv64-linux-gnu-gcc'):
        pytest.skip('needs the riscv64 cross toolchain (scripts/deps.sh)')
    return machina.linux_guest(build=True)


def test_stop_cont_and_x_with_linux(machine, linux):
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0', qmp=True)
    m.wait_for('machina:/# ', timeout=600)
    q = m.qmp()
    hmp = lambda line: q.command('human-monitor-command', command_line=line)

    q.command('stop')
    q.event_wait('STOP')
    assert q.command('query-status')['status'] == 'paused'
    regs = hmp('info registers')
    assert re.search(r'\bpc\s+[0-9a-f]{16}', regs), regs
    satp = int(re.search(r'\bsatp\s+([0-9a-f]{16})', regs).group(1), 16)
    assert satp >> 60 in (8, 9)             # the kernel runs with paging on
    virt = hmp('x /8xw 0x%x' % KERNEL_VA)
    phys = hmp('xp /8xw 0x%x' % KERNEL_PA)
    values = lambda text: [l.split(':', 1)[1] for l in text.splitlines()]
    assert values(virt) == values(phys), (virt, phys)
    assert virt.startswith('%016x: ' % KERNEL_VA)
    # info mem lists the kernel image's mapping.
    mem = hmp('info mem').splitlines()
    assert mem[0].split() == ['vaddr', 'paddr', 'size', 'attr']
    found = False
    for line in mem[2:]:
        va, pa, size, attr = line.split()
        va, pa, size = int(va, 16), int(pa, 16), int(size, 16)
        if va <= KERNEL_VA < va + size:
            assert pa + (KERNEL_VA - va) == KERNEL_PA and attr[0] == 'r', line
            found = True
    assert found, mem[:40]
    # The instruction at the stopped pc disassembles (or the CPU was in
    # M-mode firmware, where x reads physical memory: either way, no error).
    assert not hmp('x /2i $pc').startswith('Error')

    q.command('cont')
    q.event_wait('RESUME')
    m.send('echo typed-$((6*7))\n')
    m.wait_for('typed-42', timeout=60)
    q.command('system_reset')
    assert q.event_wait('RESET')['data'] == {'guest': False,
                                             'reason': 'host-qmp-system-reset'}
    m.wait_for(re.compile(r'OpenSBI v\d+\.\d+'), timeout=120)
    q.command('quit')
    assert q.event_wait('SHUTDOWN')['data']['reason'] == 'host-qmp-quit'
    assert m.wait(timeout=60) == 0
