"""The riscv virt machine end to end: its device tree against QEMU's, and
real firmware, U-Boot and Linux booting on it."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

import machina

QEMU = shutil.which('qemu-system-riscv64')
DTC = shutil.which('dtc')
OPENSBI = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin'
UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin'


def machina_bin():
    path = machina.binary('riscv64')
    if not os.path.exists(path):
        pytest.skip('machina-system-riscv64 is not built')
    p = machina.run([path, '-machine', 'help'])
    if p.returncode != 0 or not re.search(r'^virt\s', p.stdout, re.M):
        pytest.skip('this machina-system-riscv64 has no virt machine yet')
    return path


@pytest.fixture(scope='module')
def linux():
    """Kernel Image + initramfs from tests/guest (built once, then cached)."""
    return machina.linux_guest_or_skip()


# ---------------------------------------------------------------- device tree

def parse_dts(text):
    """dtc's dts output -> {node path: {property: value text}}."""
    nodes, stack = {}, []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith('/dts-v1/'):
            continue
        m = re.match(r'^([^\s=]+)\s*\{$', line)
        if m:
            name = m.group(1)
            path = '/' if name == '/' else (stack[-1].rstrip('/') + '/' + name)
            stack.append(path)
            nodes[path] = {}
            continue
        if line == '};':
            stack.pop()
            continue
        m = re.match(r'^([^\s=]+)\s*(?:=\s*(.*))?;$', line)
        if m and stack:
            nodes[stack[-1]][m.group(1)] = m.group(2) or ''
    return nodes


def resolve_phandles(nodes):
    """Replace phandle numbers by node paths in the properties that hold them,
    so two trees with different phandle numbering compare equal."""
    by_phandle = {}
    for path, props in nodes.items():
        if 'phandle' in props:
            by_phandle[int(props['phandle'].strip('<>'), 16)] = path
    out = {}
    for path, props in nodes.items():
        p = dict(props)
        p.pop('phandle', None)
        for key in ('interrupt-parent', 'regmap', 'cpu'):
            if key in p:
                p[key] = by_phandle.get(int(p[key].strip('<>'), 16), '?')
        if 'interrupts-extended' in p:
            cells = [int(c, 16) for c in p['interrupts-extended'].strip('<>').split()]
            p['interrupts-extended'] = ' '.join(
                '%s:%d' % (by_phandle.get(cells[i], '?'), cells[i + 1])
                for i in range(0, len(cells), 2))
        out[path] = p
    return out


# Nodes QEMU's virt has for devices Machina does not model (yet).
QEMU_ONLY = ('/pmu', '/fw-cfg@', '/flash@', '/platform-bus@')
# Properties that must be equal wherever both trees have the node.
KEY_PROPS = ('compatible', 'reg', 'interrupts', 'interrupt-parent', 'interrupts-extended',
             'riscv,ndev', 'clock-frequency', 'timebase-frequency', 'mmu-type',
             'device_type', '#address-cells', '#size-cells', '#interrupt-cells',
             'interrupt-controller', 'status', 'regmap', 'offset', 'value', 'cpu',
             'stdout-path', 'bootargs', 'linux,initrd-start', 'linux,initrd-end', 'ranges')


def dump_dts(argv, dtb):
    p = subprocess.run(argv + ['-machine', 'virt,dumpdtb=' + dtb], capture_output=True,
                       text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, '%s failed: %s' % (argv[0], p.stderr)
    d = subprocess.run([DTC, '-I', 'dtb', '-O', 'dts', dtb], capture_output=True,
                       text=True, timeout=60)
    assert d.returncode == 0, d.stderr
    return resolve_phandles(parse_dts(d.stdout))


DTB_CASES = {
    'default': [],
    'smp2-m256': ['-smp', '2', '-m', '256'],
    'kernel-initrd-append': ['-smp', '4', '-kernel', UBOOT, '-initrd', OPENSBI,
                             '-append', 'console=ttyS0 root=/dev/ram rw'],
    'bios-none': ['-bios', 'none', '-m', '512'],
    'smp8-m4g': ['-smp', '8', '-m', '4G'],
}


@pytest.mark.skipif(not QEMU or not DTC, reason='needs qemu-system-riscv64 and dtc')
@pytest.mark.parametrize('case', sorted(DTB_CASES))
def test_dumpdtb_matches_qemu(case):
    opts = DTB_CASES[case]
    if not os.path.exists(UBOOT) and UBOOT in opts:
        pytest.skip('needs u-boot-qemu')
    with tempfile.TemporaryDirectory() as tmp:
        ours = dump_dts([machina_bin(), '-nographic'] + opts, os.path.join(tmp, 'm.dtb'))
        theirs = dump_dts([QEMU, '-nographic'] + opts, os.path.join(tmp, 'q.dtb'))
    expected = {p for p in theirs if not p.startswith(QEMU_ONLY)}
    assert set(ours) == expected
    for path in sorted(expected):
        for key in KEY_PROPS:
            if key in theirs[path] or key in ours[path]:
                assert ours[path].get(key) == theirs[path].get(key), (path, key)


def test_bad_dtb_is_an_error():
    with tempfile.NamedTemporaryFile(suffix='.dtb') as f:
        f.write(b'not a device tree')
        f.flush()
        p = machina.run([machina_bin(), '-nographic', '-dtb', f.name])
    assert p.returncode == 1
    assert 'not a valid device tree' in p.stderr


def test_missing_firmware_is_an_error():
    p = machina.run([machina_bin(), '-nographic', '-bios', '/nonexistent/fw.bin'])
    assert p.returncode == 1
    assert "could not find firmware '/nonexistent/fw.bin'" in p.stderr


def test_too_many_cpus_is_an_error():
    p = machina.run([machina_bin(), '-nographic', '-smp', '9'])
    assert p.returncode == 1
    assert 'max CPUs' in p.stderr or 'maximum' in p.stderr


def test_dtb_override_is_used():
    if not DTC or not os.path.exists(UBOOT):
        pytest.skip('needs dtc and u-boot-qemu')
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, 'x.dts')
        with open(src, 'w') as f:
            f.write('/dts-v1/;\n/ { model = "machina-test-dtb"; #address-cells = <2>;'
                    ' #size-cells = <2>; };\n')
        dtb = os.path.join(tmp, 'x.dtb')
        subprocess.run([DTC, '-I', 'dts', '-O', 'dtb', '-o', dtb, src], check=True)
        out = os.path.join(tmp, 'out.dtb')
        p = machina.run([machina_bin(), '-nographic', '-dtb', dtb, '-kernel', UBOOT,
                         '-append', 'hello',
                         '-machine', 'virt,dumpdtb=' + out])
        assert p.returncode == 0, p.stderr
        d = subprocess.run([DTC, '-I', 'dtb', '-O', 'dts', out], capture_output=True,
                           text=True, check=True)
    nodes = parse_dts(d.stdout)
    assert nodes['/']['model'] == '"machina-test-dtb"'
    assert nodes['/chosen']['bootargs'] == '"hello"'


# ---------------------------------------------------------------- boots

def boot(machine, *args):
    machina_bin()
    return machine('riscv64', '-M', 'virt', *args)


@pytest.mark.skipif(not os.path.exists(OPENSBI), reason='needs the opensbi package')
def test_opensbi_banner(machine):
    m = boot(machine, '-bios', 'default')
    m.wait_for(re.compile(r'OpenSBI v\d+\.\d+'), timeout=60)
    m.wait_for(re.compile(r'Platform Name\s*:\s*riscv-virtio,qemu'), timeout=30)
    m.wait_for(re.compile(r'Platform HART Count\s*:\s*1'), timeout=30)


@pytest.mark.skipif(not os.path.exists(UBOOT), reason='needs the u-boot-qemu package')
def test_uboot_prompt_version_poweroff(machine):
    m = boot(machine, '-bios', 'default', '-kernel', UBOOT)
    m.wait_for(re.compile(r'U-Boot \d{4}\.\d+'), timeout=120)
    # Stop the autoboot countdown if there is one, then use the prompt.
    m.wait_for(re.compile(r'Hit any key|=>'), timeout=120)
    m.send('\n')
    m.wait_for('=> ', timeout=60)
    m.send('version\n')
    m.wait_for(re.compile(r'U-Boot \d{4}\.\d+'), timeout=30)
    m.wait_for('=> ', timeout=30)
    m.send('poweroff\n')
    assert m.wait(timeout=60) == 0


def test_linux_boots_to_init(machine, linux):
    m = boot(machine, '-m', '256', '-kernel', linux['kernel'], '-initrd', linux['initrd'],
             '-append', 'console=ttyS0 machina.run=test')
    m.wait_for(re.compile(r'Linux version 6\.1'), timeout=120)
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    got = m.wait_for(re.compile(r'MACHINA-CHECKSUM ([0-9a-f]{16})'), timeout=300)
    assert got.group(1) == linux['checksum']
    m.wait_for('reboot: Power down', timeout=60)
    assert m.wait(timeout=60) == 0


@pytest.mark.parametrize('harts', [2, 4])
def test_linux_smp_sees_all_harts(machine, linux, harts):
    m = boot(machine, '-m', '256', '-smp', str(harts), '-kernel', linux['kernel'],
             '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=smp')
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    got = m.wait_for(re.compile(r'MACHINA-CPUS-ONLINE (\d+) (\S+)\r?\n'), timeout=120)
    assert (got.group(1), got.group(2)) == (str(harts), '0-%d' % (harts - 1))
    assert m.wait(timeout=60) == 0


def test_linux_reboot_restarts_from_firmware(machine, linux):
    """reboot goes through SBI to the sifive_test device: the machine resets,
    the firmware and kernel are loaded afresh, and Linux boots again."""
    m = boot(machine, '-m', '256', '-kernel', linux['kernel'], '-initrd', linux['initrd'],
             '-append', 'console=ttyS0')
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    m.wait_for('machina:/# ', timeout=60)
    m.send('echo typed-$((6*7))\n')       # the UART's receive path and the shell
    m.wait_for('typed-42', timeout=60)
    m.send('reboot -f\n')
    m.wait_for('reboot: Restarting system', timeout=60)
    m.wait_for(re.compile(r'OpenSBI v\d+\.\d+'), timeout=120)
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    m.wait_for('machina:/# ', timeout=60)
    m.send('poweroff -f\n')
    m.wait_for('reboot: Power down', timeout=60)
    assert m.wait(timeout=60) == 0


def test_linux_without_sstc_uses_the_aclint_timer(machine, linux):
    """Without Sstc, Linux's timer goes through SBI: OpenSBI programs the
    ACLINT's mtimecmp and forwards MTIP as STIP."""
    m = boot(machine, '-m', '256', '-cpu', 'rv64,sstc=off', '-kernel', linux['kernel'],
             '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=test')
    m.wait_for(re.compile(r'Boot HART ISA Extensions\s*:\s*time\s*\n'), timeout=60)
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    got = m.wait_for(re.compile(r'MACHINA-CHECKSUM ([0-9a-f]{16})'), timeout=300)
    assert got.group(1) == linux['checksum']
    assert m.wait(timeout=60) == 0
