"""virtio under KVM on the x86 machines: virtio-mmio on microvm, modern
virtio-pci on pc (MSI-X and INTx), driven by the x86 test kernel's own
driver (tests/guest/x86_64/virtio.c).

The kernel writes a pattern to sector 1 of a virtio-blk disk and reads it
back, reads sector 0 (written here) and prints its FNV-1a checksum, reads
virtio-rng, and waits for an interrupt after every request.  The fast paths
are checked on the devices' counters (qom-get x-kicks-* / x-irqs-*): every
kick of a ready queue arrived through an ioeventfd (KVM_IOEVENTFD, served in
the main loop) and none through a vCPU exit into the device model, and the
interrupts went out through irqfds (KVM_IRQFD: the IOAPIC line of a
virtio-mmio transport, MSI routes of virtio-pci vectors).  With
ioeventfd=off,x-irqfd=off the same kernel passes on the plain paths, which
the counters tell apart.  Debian's qemu-system-x86_64 -M pc runs the same
kernel as the reference.  QEMU's microvm is no reference for this kernel:
its virtio-mmio transports are legacy (version 1) unless forced, it has no
MP table, and on a Multiboot boot its ACPI tables are not in the BIOS area;
microvm's ACPI tables are checked with ACPICA's disassembler instead.
"""
import os
import random
import re
import shutil
import subprocess

import pytest

from machina import Machine
from test_kvm import DEBUG_EXIT, kernel, need_binary, need_kvm  # noqa: F401

SECTOR = 512
CHECKS = ['virtio-blk-rw', 'virtio-rng', 'virtio-irq']


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xffffffff
    return h


@pytest.fixture
def disk(tmp_path):
    """A 1 MiB raw disk whose sector 0 holds bytes the guest checksums."""
    rnd = random.Random(7)
    head = bytes(rnd.getrandbits(8) for _ in range(SECTOR))
    path = tmp_path / 'disk.img'
    path.write_bytes(head + bytes(1024 * 1024 - SECTOR))
    return str(path), fnv1a(head)


def devices(transport, blk_opts='', rng_opts=''):
    suffix = 'pci' if transport == 'pci' else 'device'
    return ['-drive', 'file=%s,format=raw,if=none,id=d0',
            '-device', 'virtio-blk-%s,drive=d0,id=blk0%s' % (suffix, blk_opts),
            '-object', 'rng-random,id=r0,filename=/dev/urandom',
            '-device', 'virtio-rng-%s,rng=r0,id=rng0%s' % (suffix, rng_opts)]


def counters(q, dev):
    return {name: int(q.command('qom-get', path='/machine/peripheral/' + dev,
                                property='x-' + name))
            for name in ('kicks-exit', 'kicks-ioeventfd', 'irqs-plain', 'irqs-irqfd')}


def check_output(out, checksum, msix):
    for name in CHECKS + (['virtio-msix-mask'] if msix else []):
        assert re.search(r'^%s: ok' % name, out, re.M), (name, out[-2000:])
    assert 'virtio-blk-host: ok checksum=%x' % checksum in out, out[-2000:]


def check_disk(path):
    with open(path, 'rb') as f:
        f.seek(SECTOR)
        data = f.read(SECTOR)
    assert data == bytes((i * 7 + 1) & 0xff for i in range(SECTOR))


def run_virtio(kernel, disk, mach, transport, append='virtio', **opts):
    """Boot, let the kernel's checks pass, and return (output, counters)."""
    path, _ = disk
    args = [a % path if '%s' in a else a for a in devices(transport, **opts)]
    with Machine('x86_64', '-M', mach, '-m', '256', '-kernel', kernel,
                 '-append', append + ' hold', *DEBUG_EXIT, *args, qmp=True) as m:
        m.wait_for('ALL TESTS PASSED', timeout=90)
        m.wait_for('holding')
        q = m.qmp()
        stats = {dev: counters(q, dev) for dev in ('blk0', 'rng0')}
        q.command('quit')
        m.wait(timeout=30)
        return m.output, stats


def test_virtio_mmio_on_microvm_uses_ioeventfd_and_irqfd(kernel, disk):
    need_binary()
    need_kvm()
    out, stats = run_virtio(kernel, disk, 'microvm', 'mmio')
    check_output(out, disk[1], msix=False)
    assert re.search(r'virtio-blk: virtio-mmio at feb00[0-9a-f]00, gsi 2[0-3]', out)
    check_disk(disk[0])
    for dev, c in stats.items():
        # Every kick after QueueReady went through KVM_IOEVENTFD.
        assert c['kicks-ioeventfd'] > 0 and c['kicks-exit'] == 0, (dev, c)
        # The line was raised through a (resampled) irqfd only.
        assert c['irqs-irqfd'] > 0 and c['irqs-plain'] == 0, (dev, c)
    # blk: a write and two reads, each one kick and one interrupt at least.
    assert stats['blk0']['kicks-ioeventfd'] == 3, stats


def test_virtio_pci_msix_on_pc_uses_ioeventfd_and_irqfd(kernel, disk):
    need_binary()
    need_kvm()
    out, stats = run_virtio(kernel, disk, 'pc', 'pci')
    check_output(out, disk[1], msix=True)
    assert 'virtio-rng: virtio-pci at 00:3.0, MSI-X' in out
    check_disk(disk[0])
    for dev, c in stats.items():
        assert c['kicks-ioeventfd'] > 0 and c['kicks-exit'] == 0, (dev, c)
    assert stats['blk0']['irqs-irqfd'] == 3 and stats['blk0']['irqs-plain'] == 0, stats
    # rng: the request made while its vector was masked went to the pending
    # bit (the irqfd detached from the route); the others, including the one
    # after the vector was reprogrammed, went through the updated route.
    assert stats['rng0']['irqs-plain'] == 1, stats
    assert stats['rng0']['irqs-irqfd'] == 2, stats


def test_virtio_pci_intx_on_pc_through_piix3(kernel, disk):
    """No MSI-X: INTx# through PIIX3 PIRQB/C to ISA IRQs 10/11, as the MP
    table's PCI entries say (slot 2 INTA# -> PIRQB, slot 3 -> PIRQC)."""
    need_binary()
    need_kvm()
    out, stats = run_virtio(kernel, disk, 'pc', 'pci', append='virtio virtio-intx')
    check_output(out, disk[1], msix=False)
    assert 'virtio-blk: virtio-pci at 00:2.0, INTx on IOAPIC pin 10' in out
    assert 'virtio-rng: virtio-pci at 00:3.0, INTx on IOAPIC pin 11' in out
    for dev, c in stats.items():
        assert c['kicks-ioeventfd'] > 0 and c['kicks-exit'] == 0, (dev, c)
        assert c['irqs-plain'] > 0 and c['irqs-irqfd'] == 0, (dev, c)


def test_virtio_pci_plain_paths_without_ioeventfd_and_irqfd(kernel, disk):
    """ioeventfd=off,x-irqfd=off: kicks exit to the device model, MSI-X
    messages are DMA writes to 0xfee00000 that become KVM_SIGNAL_MSI."""
    need_binary()
    need_kvm()
    off = ',ioeventfd=off,x-irqfd=off'
    out, stats = run_virtio(kernel, disk, 'pc', 'pci', blk_opts=off, rng_opts=off)
    check_output(out, disk[1], msix=True)
    for dev, c in stats.items():
        assert c['kicks-exit'] > 0 and c['kicks-ioeventfd'] == 0, (dev, c)
        assert c['irqs-plain'] > 0 and c['irqs-irqfd'] == 0, (dev, c)


def test_counters_are_read_only(kernel):
    need_binary()
    need_kvm()
    with Machine('x86_64', '-M', 'microvm', '-kernel', kernel, '-append', 'hold',
                 '-device', 'virtio-rng-device,id=rng0', *DEBUG_EXIT, qmp=True) as m:
        m.wait_for('holding', timeout=60)
        q = m.qmp()
        r = q.cmd('qom-set', {'path': '/machine/peripheral/rng0',
                              'property': 'x-kicks-exit', 'value': '5'})
        assert 'error' in r and 'read-only' in r['error']['desc'], r
        q.command('quit')
        m.wait(timeout=30)


@pytest.mark.parametrize('mode', ['virtio', 'virtio virtio-intx'])
def test_same_virtio_kernel_on_qemu(kernel, disk, mode):
    """The reference: QEMU's pc with modern-only virtio-pci devices (its
    SeaBIOS assigns PIRQs and writes the MP table's PCI entries)."""
    need_kvm()
    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        pytest.skip('qemu-system-x86_64 is not installed')
    path, checksum = disk
    args = [a % path if '%s' in a else a
            for a in devices('pci', blk_opts=',disable-legacy=on',
                             rng_opts=',disable-legacy=on')]
    with Machine('x86_64', '-accel', 'kvm', '-M', 'pc', '-m', '256', '-kernel', kernel,
                 '-append', mode, *DEBUG_EXIT, '-no-reboot', *args, binary_path=qemu) as m:
        m.wait_for('ALL TESTS PASSED', timeout=120)
        assert m.wait(timeout=30) == 1
        check_output(m.output, checksum, msix='intx' not in mode)
    check_disk(path)


def test_microvm_transports_found_through_acpi(kernel, disk):
    """A kernel without VIRTIO_MMIO_CMDLINE_DEVICES finds the transports
    in the DSDT: the test kernel takes them from there (virtio-acpi)."""
    need_binary()
    need_kvm()
    out, stats = run_virtio(kernel, disk, 'microvm', 'mmio', append='virtio virtio-acpi')
    check_output(out, disk[1], msix=False)
    assert re.search(r'virtio-blk: virtio-mmio at feb00e00, gsi 23 \(from ACPI\)', out), out
    assert stats['blk0']['kicks-ioeventfd'] == 3, stats


def acpi_tables(blob, base):
    """{signature: bytes} from the RSDP at the start of blob (at base),
    checking every checksum on the way."""
    import struct
    assert blob[:8] == b'RSD PTR '
    assert sum(blob[:20]) % 256 == 0 and sum(blob[:36]) % 256 == 0
    assert blob[15] == 2                              # ACPI 2.0+: XSDT
    xsdt = struct.unpack_from('<Q', blob, 24)[0] - base
    rsdt = struct.unpack_from('<I', blob, 16)[0] - base
    tables = {}
    for table, width in ((xsdt, 8), (rsdt, 4)):
        n = struct.unpack_from('<I', blob, table + 4)[0]
        assert sum(blob[table:table + n]) % 256 == 0
        for off in range(table + 36, table + n, width):
            t = struct.unpack_from('<Q' if width == 8 else '<I', blob, off)[0] - base
            length = struct.unpack_from('<I', blob, t + 4)[0]
            tables[blob[t:t + 4].decode()] = blob[t:t + length]
    fadt = tables['FACP']
    assert struct.unpack_from('<I', fadt, 112)[0] & (1 << 20)       # HW_REDUCED_ACPI
    dsdt = struct.unpack_from('<Q', fadt, 140)[0] - base
    assert struct.unpack_from('<I', fadt, 40)[0] - base == dsdt
    tables['DSDT'] = blob[dsdt:dsdt + struct.unpack_from('<I', blob, dsdt + 4)[0]]
    for sig, t in tables.items():
        assert sum(t) % 256 == 0, sig
    return tables


def test_microvm_acpi_tables_disassemble(kernel, tmp_path):
    """The tables at 0xf0000, read back with pmemsave: checksums, the
    hardware-reduced FADT, and ACPICA's disassembler (the peer) reading the
    DSDT as eight LNRO0005 devices with their registers and level GSIs and
    the MADT as the CPUs, the IOAPIC and the IRQ 0 -> GSI 2 override."""
    need_binary()
    need_kvm()
    dump = tmp_path / 'acpi.bin'
    with Machine('x86_64', '-M', 'microvm', '-smp', '2', '-kernel', kernel,
                 '-append', 'hold', *DEBUG_EXIT, qmp=True) as m:
        m.wait_for('holding', timeout=60)
        q = m.qmp()
        q.command('pmemsave', val=0xf0000, size=4096, filename=str(dump))
        q.command('quit')
        m.wait(timeout=30)
    tables = acpi_tables(dump.read_bytes(), 0xf0000)
    assert sorted(tables) == ['APIC', 'DSDT', 'FACP']
    iasl = shutil.which('iasl')
    if not iasl:
        pytest.skip('iasl (acpica-tools) is not installed')
    for sig in ('DSDT', 'APIC'):
        (tmp_path / (sig + '.dat')).write_bytes(tables[sig])
        r = subprocess.run([iasl, '-d', sig + '.dat'], cwd=tmp_path, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
    dsl = (tmp_path / 'DSDT.dsl').read_text()
    devices = re.findall(r'Device \((VR0\d)\)', dsl)
    assert devices == ['VR0%d' % i for i in range(8)], dsl
    assert dsl.count('Name (_HID, "LNRO0005")') == 8
    for i in range(8):
        assert '0x%08X,         // Address Base' % (0xfeb00000 + 0x200 * i) in dsl, dsl
        assert '0x%08X,\n' % (16 + i) in dsl
    assert dsl.count('Interrupt (ResourceConsumer, Level, ActiveHigh, Exclusive, ,, )') == 8
    madt = (tmp_path / 'APIC.dsl').read_text()
    assert madt.count('[Processor Local APIC]') == 2
    assert re.search(r'Address : FEC00000', madt)
    assert re.search(r'Source : 00\n.*Interrupt : 00000002', madt), madt
