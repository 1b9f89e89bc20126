"""The run loop seen from outside: a Linux guest (tests/guest/riscv64) on the
virt machine, driven through the serial console.  What is tested is system/:
exit statuses, reset and power-off handling (-no-reboot, -no-shutdown),
signals, -nographic's mux (Ctrl-A x), -serial file:, -S and memory backends.
Booting itself is the riscv tests' business (test_riscv_boot.py)."""
import os
import re
import signal

import pytest

from machina import binary, linux_guest, run

RV = binary('riscv64')


def virt_available():
    r = run([RV, '-M', 'help'])
    return r.returncode == 0 and re.search(r'^virt ', r.stdout, re.M) is not None


pytestmark = pytest.mark.skipif(not virt_available(),
                                reason='the virt machine is not linked into this build yet')


@pytest.fixture(scope='module')
def guest():
    return linux_guest(build=True)


def boot_args(guest, run_what, *extra, mem='256'):
    return ['-M', 'virt', '-m', mem, '-bios', 'default', '-kernel', guest['kernel'],
            '-initrd', guest['initrd'],
            '-append', 'console=ttyS0 machina.run=%s' % run_what] + list(extra)


BOOT = 120          # seconds: Linux on the interpreter back end


def test_guest_workload_and_poweroff_status(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'test'))
    m.wait_for('MACHINA-INIT-READY run=test', timeout=BOOT)
    m.wait_for('MACHINA-CHECKSUM %s' % guest['checksum'], timeout=BOOT)
    assert m.wait(timeout=60) == 0


def test_interactive_shell(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell'))
    m.wait_for('machina:/# ', timeout=BOOT)
    m.send('echo $((6*7)) && cat /sys/devices/system/cpu/online\n')
    m.wait_for(re.compile(r'\b42\r?\n0\r?\n'), timeout=30)
    m.send('exit\n')
    m.wait_for('reboot: Power down', timeout=30)
    assert m.wait(timeout=30) == 0


def test_ctrl_a_x_quits(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell'))
    m.wait_for('machina:/# ', timeout=BOOT)
    m.send('\x01x')
    assert m.wait(timeout=30) == 0
    assert 'terminated' in m.output


def test_reset_reboots_the_guest(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell'))
    m.wait_for('machina:/# ', timeout=BOOT)
    m.send('reboot -f\n')
    # A second boot, from the firmware on.
    m.wait_for('OpenSBI v', timeout=60)
    m.wait_for('machina:/# ', timeout=BOOT)
    m.send('poweroff -f\n')
    assert m.wait(timeout=60) == 0


def test_no_reboot_exits_on_reset(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell', '-no-reboot'))
    m.wait_for('machina:/# ', timeout=BOOT)
    m.send('reboot -f\n')
    assert m.wait(timeout=60) == 0
    assert m.output.count('OpenSBI v') == 1


def test_no_shutdown_stays_until_signal(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell', '-no-shutdown'))
    m.wait_for('machina:/# ', timeout=BOOT)
    m.send('poweroff -f\n')
    m.wait_for('reboot: Power down', timeout=60)
    assert m.proc.poll() is None            # stopped, not gone
    m.terminate(signal.SIGTERM)
    assert m.wait(timeout=30) == 0
    assert 'terminating on signal 15' in m.stderr


def test_sigint_is_a_clean_exit(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell'))
    m.wait_for('MACHINA-INIT-READY', timeout=BOOT)
    m.terminate(signal.SIGINT)
    assert m.wait(timeout=30) == 0
    assert 'terminating on signal 2' in m.stderr


def test_serial_to_file(tmp_path, guest):
    log = tmp_path / 'serial.log'
    r = run([RV] + boot_args(guest, 'test', '-display', 'none', '-serial', 'file:%s' % log),
            timeout=BOOT + 60)
    assert r.returncode == 0, r.stderr
    assert 'MACHINA-CHECKSUM %s' % guest['checksum'] in log.read_text(errors='replace')
    assert r.stdout == ''


def test_memory_backend_is_the_guest_ram(machine, guest):
    m = machine('riscv64', *boot_args(guest, 'shell', '-object',
                                      'memory-backend-ram,id=mem0,size=192M',
                                      '-M', 'virt,memory-backend=mem0', mem='192'))
    m.wait_for('machina:/# ', timeout=BOOT)
    # The marker is assembled by awk so that the echoed command cannot match.
    m.send("awk '/MemTotal/ {print \"MEM\" \"KB=\" $2}' /proc/meminfo\n")
    total = int(m.wait_for(re.compile(r'\nMEMKB=(\d+)\r?\n'), timeout=30).group(1))
    # 192 MiB minus what the kernel and firmware keep for themselves.
    assert 150 * 1024 < total <= 192 * 1024
    m.send('poweroff -f\n')
    assert m.wait(timeout=60) == 0


def test_paused_start_runs_nothing(machine, guest, tmp_path):
    log = tmp_path / 'serial.log'
    m = machine('riscv64', *boot_args(guest, 'test', '-S', '-display', 'none',
                                      '-serial', 'file:%s' % log,
                                      '-chardev', 'pty,id=ready'))
    # The pty backend announces itself once signal handling is set up.
    m.wait_for('char device redirected to /dev/pts/', stderr=True)
    m.terminate(signal.SIGTERM)
    assert m.wait(timeout=30) == 0
    assert log.read_bytes() == b''          # the firmware never ran
