"""Command-line behaviour of the system emulators: help lists, version,
and the one-line errors for bad options and values (QEMU's conventions)."""
import os
import re
import subprocess

import pytest

from machina import Machine, binary, run

RV = binary('riscv64')
PROG = 'machina-system-riscv64'


def fails_one_line(args, *must_contain, hint=False):
    """Run with args; it must exit 1 with one stderr line naming the option
    (plus, where QEMU gives one, a hint line when hint=True)."""
    r = run([RV] + args)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.splitlines()
    assert len(lines) == (2 if hint else 1), r.stderr
    assert lines[0].startswith(PROG + ': '), lines[0]
    for s in must_contain:
        assert s in lines[0], (s, lines[0])
    assert r.stdout == ''
    return lines[0]


def machines_available():
    r = run([RV, '-M', 'help'])
    return r.returncode == 0 and len(r.stdout.splitlines()) > 1


needs_machine = pytest.mark.skipif(not machines_available(),
                                   reason='no machine type registered in this build yet')


# ------------------------------------------------------------------ version/help

def test_version_riscv64():
    r = run([RV, '-version'])
    assert r.returncode == 0
    assert r.stdout.startswith('machina-system-riscv64 version ')


def test_version_x86_64():
    r = run([binary('x86_64'), '--version'])
    assert r.returncode == 0
    assert r.stdout.startswith('machina-system-x86_64 version ')


@pytest.mark.parametrize('opt', ['-h', '-help', '--help'])
def test_usage(opt):
    r = run([RV, opt])
    assert r.returncode == 0
    assert r.stdout.startswith('usage: machina-system-riscv64 [options]')
    for o in ('-machine', '-m ', '-smp', '-cpu', '-accel', '-kernel', '-initrd',
              '-append', '-bios', '-chardev', '-serial', '-nographic', '-device',
              '-object', '-d ', '-D ', '-S ', '-no-reboot', '-no-shutdown'):
        assert '\n' + o in r.stdout, o
    assert r.stderr == ''


def test_log_help():
    r = run([RV, '-d', 'help'])
    assert r.returncode == 0
    names = [l.split()[0] for l in r.stdout.splitlines() if l.strip()]
    for item in ('in_asm', 'out_asm', 'int', 'exec', 'guest_errors', 'unimp'):
        assert item in names, r.stdout


def test_chardev_help():
    r = run([RV, '-chardev', 'help'])
    assert r.returncode == 0
    for backend in ('null', 'stdio', 'file', 'socket', 'pty', 'ringbuf'):
        assert re.search(r'^  %s\s' % backend, r.stdout, re.M), r.stdout


def test_accel_help():
    r = run([RV, '-accel', 'help'])
    assert r.returncode == 0
    assert r.stdout.startswith('Accelerators supported in machina-system-riscv64:')


def test_device_help():
    r = run([RV, '-device', 'help'])
    assert r.returncode == 0
    assert r.stderr == ''


def test_device_help_unknown():
    fails_one_line(['-device', 'no-such-device,help'], '-device no-such-device,help',
                   "Device 'no-such-device' not found")      # QEMU's wording for NAME,help


def test_object_help_lists_memory_backends():
    r = run([RV, '-object', 'help'])
    assert r.returncode == 0
    assert 'memory-backend-ram' in r.stdout.split()
    assert 'memory-backend-file' in r.stdout.split()
    r = run([RV, '-object', 'memory-backend-file,help'])
    assert r.returncode == 0
    assert 'mem-path=<str>' in r.stdout and 'size=<size>' in r.stdout


def test_cpu_help():
    r = run([RV, '-cpu', 'help'])
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == 'Available CPUs:'
    # Models are shown without the "-riscv-cpu" type suffix.
    assert not any(l.endswith('-riscv-cpu') for l in lines)


def test_machine_help():
    r = run([RV, '-M', 'help'])
    assert r.returncode == 0
    assert r.stdout.startswith('Supported machines are:')


@needs_machine
def test_machine_help_lists_virt():
    r = run([RV, '-machine', 'help'])
    assert re.search(r'^virt\s+RISC-V VirtIO board \(default\)$', r.stdout, re.M), r.stdout


# ------------------------------------------------------------------ errors

def test_unknown_option():
    assert fails_one_line(['-foo']) == PROG + ': -foo: invalid option'
    assert fails_one_line(['--bar', 'x']) == PROG + ': --bar: invalid option'


@pytest.mark.parametrize('opt', ['-m', '-kernel', '-M', '-smp', '-device', '-serial'])
def test_missing_argument(opt):
    assert fails_one_line([opt]) == '%s: %s: requires an argument' % (PROG, opt)


def test_bad_memory_size():
    assert fails_one_line(['-m', '12Q']) == PROG + ": -m 12Q: invalid size '12Q'"
    fails_one_line(['-m', '-5'], '-m -5', "invalid size '-5'")
    fails_one_line(['-m', 'size=1G,slots=4'], "Invalid parameter 'slots'")


def test_bad_smp():
    fails_one_line(['-smp', 'four'], '-smp four', "Parameter 'cpus' expects a number")
    fails_one_line(['-smp', '4,sockets=3'], 'product of the hierarchy must match maxcpus')
    fails_one_line(['-smp', '2,dies=2'], "Invalid parameter 'dies'")


def test_bad_log_item():
    fails_one_line(['-d', 'in_asm,bogus'], '-d in_asm,bogus', "'bogus'")


def test_monitor_bad_spec():
    # The monitor's chardev is created like any other: its errors name the option.
    fails_one_line(['-M', 'virt', '-qmp', 'bogus:x'], '-qmp bogus:x')
    fails_one_line(['-M', 'virt', '-mon', 'chardev=nope'], '-mon chardev=nope',
                   'chardev "nope" not found')


def test_unknown_machine():
    r = run([RV, '-M', 'nosuchboard'])
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == PROG + ": -machine nosuchboard: unsupported machine type 'nosuchboard'"
    assert lines[1:] == ['Use -machine help to list supported machines']


def test_unknown_accel():
    if not machines_available():
        pytest.skip('no machine type registered in this build yet')
    fails_one_line(['-accel', 'warp'], '-accel warp', 'invalid accelerator warp')


def test_accel_help_unknown():
    fails_one_line(['-accel', 'warp,help'], 'invalid accelerator warp')


def test_bad_chardev():
    fails_one_line(['-chardev', 'bogus,id=c0'], '-chardev bogus,id=c0')
    fails_one_line(['-chardev', 'null'], '-chardev null', "Parameter 'id' is missing")


def test_bad_serial():
    fails_one_line(['-serial', 'bogus:thing'], '-serial bogus:thing')


def test_bad_object():
    fails_one_line(['-object', 'no-such-type,id=o1'], '-object no-such-type,id=o1',
                   'invalid object type: no-such-type')
    fails_one_line(['-object', 'memory-backend-ram,id=m0'], 'memory-backend-ram,id=m0',
                   "'size'")
    fails_one_line(['-object', 'memory-backend-ram,id=m0,size=1Z'],
                   "-object memory-backend-ram,id=m0,size=1Z", "size", hint=True)
    fails_one_line(['-object', 'memory-backend-file,id=m0,size=1M'], "'mem-path'")


def test_positional_argument_rejected():
    fails_one_line(['disk.img'], 'disk.img')


def test_display_other_than_none():
    fails_one_line(['-display', 'gtk'], '-display gtk')


# ------------------------------------------------------- machine-level errors

@needs_machine
def test_bad_device():
    fails_one_line(['-device', 'no-such-dev'], '-device no-such-dev',
                   "'no-such-dev' is not a valid device model name")


@needs_machine
def test_bad_cpu_model():
    fails_one_line(['-cpu', 'pentium'], '-cpu pentium', "unable to find CPU model 'pentium'")
    fails_one_line(['-cpu', 'rv64,bogus=on'], '-cpu rv64,bogus=on',
                   "Property 'rv64-riscv-cpu.bogus' not found")


@needs_machine
def test_too_many_cpus():
    fails_one_line(['-smp', '64'], '-smp 64', 'The max CPUs supported by machine')


@needs_machine
def test_unknown_machine_property():
    fails_one_line(['-M', 'virt,bogus=1'], '-machine virt,bogus=1', "bogus")


@needs_machine
def test_missing_memory_backend():
    fails_one_line(['-M', 'virt,memory-backend=nope'], "Memory backend 'nope' not found")


@needs_machine
def test_memory_backend_size_mismatch():
    fails_one_line(['-object', 'memory-backend-ram,id=m0,size=64M', '-m', '128M',
                    '-M', 'virt,memory-backend=m0'], '-m 128M', "'m0'")


@needs_machine
def test_initrd_without_kernel():
    fails_one_line(['-initrd', '/dev/null'], '-initrd only allowed with -kernel')


@needs_machine
def test_dumpdtb(tmp_path):
    out = tmp_path / 'virt.dtb'
    r = run([RV, '-M', 'virt,dumpdtb=%s' % out, '-smp', '2', '-m', '256'])
    assert r.returncode == 0, r.stderr
    data = out.read_bytes()
    assert data[:4] == bytes.fromhex('d00dfeed')      # FDT magic, big-endian
    if os.path.exists('/usr/bin/dtc'):
        dts = subprocess.run(['dtc', '-I', 'dtb', '-O', 'dts', str(out)],
                             capture_output=True, text=True).stdout
        assert 'cpu@1' in dts and 'memory@80000000' in dts


@needs_machine
def test_sigterm_exits_cleanly(machine):
    m = machine('riscv64', '-M', 'virt', '-bios', 'none', '-S', '-serial', 'pty')
    m.wait_for('char device redirected to /dev/pts/', stderr=True)
    m.terminate()
    assert m.wait(timeout=20) == 0
    assert 'terminating on signal 15' in m.stderr


def test_global_sets_device_defaults(tmp_path):
    """-global DRIVER.PROP=VALUE (both spellings) as QEMU's: a default for
    every such device, which -device's own properties override."""
    drives = []
    for n in range(3):
        img = tmp_path / ('d%d.img' % n)
        img.write_bytes(b'\0' * 65536)
        drives += ['-drive', 'if=none,id=d%d,file=%s,format=raw' % (n, img)]
    with Machine('riscv64', '-M', 'virt', '-S', '-display', 'none', *drives,
                 '-global', 'virtio-blk-device.serial=GLOBAL1',
                 '-global', 'driver=virtio-blk-device,property=num-queues,value=3',
                 '-device', 'virtio-blk-device,drive=d0,id=b0',
                 '-device', 'virtio-blk-device,drive=d1,id=b1,serial=OWN',
                 '-device', 'virtio-blk-pci,drive=d2,id=b2',
                 nographic=False, qmp=True) as m:
        q = m.qmp()

        def get(dev, prop):
            return q.command('qom-get', path='/machine/peripheral/' + dev, property=prop)
        assert get('b0', 'serial') == 'GLOBAL1'
        assert get('b0', 'num-queues') == 3
        assert get('b1', 'serial') == 'OWN'            # -device wins
        assert get('b1', 'num-queues') == 3
        # virtio-blk-pci wraps a virtio-blk-device, which the global reaches
        # (as in QEMU, where the proxy's properties alias its inner device's).
        assert get('b2', 'serial') == 'GLOBAL1'


@pytest.mark.parametrize('args,msg', [
    (['-global', 'virtio-blk-device'], '-global virtio-blk-device: expects DRIVER.PROP=VALUE'),
    (['-global', 'driver=virtio-blk-device,value=1'],
     'expects driver=DRIVER,property=PROP,value=VALUE'),
    (['-global', 'virtio-blk-device.bogus=1', '-drive', 'if=none,id=d0,file=/dev/null,format=raw',
      '-device', 'virtio-blk-device,drive=d0'],
     "can't apply global virtio-blk-device.bogus=1: Property 'virtio-blk-device.bogus' not found"),
])
def test_global_errors(args, msg):
    fails_one_line(['-M', 'virt', '-display', 'none', '-S'] + args, msg)


def test_global_unknown_driver_is_a_warning(tmp_path):
    r = run([RV, '-M', 'virt,dumpdtb=%s' % (tmp_path / 'x.dtb'), '-global', 'nosuchdev.x=1'])
    assert r.returncode == 0, r.stderr
    assert 'warning: global nosuchdev.x has invalid class name' in r.stderr
