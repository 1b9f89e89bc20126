"""PCI hotplug on the x86 pc machine under KVM: device_add puts a
virtio-pci device into a free slot of pci.0 and raises the ACPI PCI
hotplug GPE; our test kernel (tests/guest/x86_64/hotplug.c) sees the
event, reads the slot bitmap and the new device's configuration space;
device_del asks the guest, which ejects the slot, and only then does
DEVICE_DELETED arrive.  On riscv virt nothing hot-plugs onto pcie.0, with
QEMU's error."""
import re

import pytest

from machina import Machine, QMPError
from test_kvm import DEBUG_EXIT, kernel, need_binary, need_kvm  # noqa: F401 (fixture)


def test_virtio_rng_pci_hotplug_and_unplug(kernel):  # noqa: F811
    need_binary()
    need_kvm()
    with Machine('x86_64', '-M', 'pc', '-accel', 'kvm', '-kernel', kernel,
                 '-append', 'hotplug', *DEBUG_EXIT, qmp=True) as m:
        m.wait_for('hotplug: ready', timeout=120)
        q = m.qmp()
        q.command('device_add', driver='virtio-rng-pci', id='rng0')
        got = m.wait_for(re.compile(r'hotplug: slot (\d+) added vendor=([0-9a-f]{4}) device=([0-9a-f]{4}) class'),
                         timeout=60)
        slot = int(got.group(1))
        assert slot > 0                              # 00.0 is the host bridge
        assert (got.group(2), got.group(3)) == ('1af4', '1044')   # virtio 1.2 §4.1.2
        assert 'rng0' in [p['name'] for p in q.command('qom-list', path='/machine/peripheral')]
        # While the guest is stopped it cannot eject: the request stays
        # pending and a second one gets QEMU's words.
        q.command('stop')
        q.command('device_del', id='rng0')
        with pytest.raises(QMPError) as e:
            q.command('device_del', id='rng0')
        assert 'Device rng0 is already in the process of unplug' in str(e.value)
        assert 'rng0' in [p['name'] for p in q.command('qom-list', path='/machine/peripheral')]
        q.command('cont')
        m.wait_for('hotplug: slot %d removal requested' % slot, timeout=60)
        ev = q.event_wait('DEVICE_DELETED', timeout=60)
        assert ev['data']['device'] == 'rng0'
        assert ev['data']['path'] == '/machine/peripheral/rng0'
        m.wait_for('hotplug: slot %d ejected, config reads ffffffff' % slot, timeout=60)
        assert 'rng0' not in [p['name'] for p in q.command('qom-list',
                                                           path='/machine/peripheral')]
        with pytest.raises(QMPError) as e:
            q.command('device_del', id='rng0')
        assert "Device 'rng0' not found" in str(e.value)
        # The slot is free again: the next device may take it.
        q.command('device_add', driver='virtio-rng-pci', id='rng1')
        got = m.wait_for(re.compile(r'hotplug: slot (\d+) added vendor=1af4 device=1044'),
                         timeout=60)
        q.command('quit')
        m.wait(timeout=30)


def test_pci_hotplug_refused_without_controller(machine):
    """riscv virt's pcie.0 has no hotplug controller (neither has QEMU's):
    device_add of a PCI device at run time is refused with QEMU's words."""
    import os
    from machina import binary
    if not os.path.exists(binary('riscv64')):
        pytest.skip('machina-system-riscv64 is not built')
    m = machine('riscv64', '-M', 'virt', '-S', '-display', 'none', '-nodefaults',
                nographic=False, qmp=True)
    q = m.qmp()
    with pytest.raises(QMPError) as e:
        q.command('device_add', driver='virtio-rng-pci', id='r1')
    assert "Bus 'pcie.0' does not support hotplugging" in str(e.value)
