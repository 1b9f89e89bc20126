"""KVM and the x86_64 machines (pc, microvm), end to end.

The guest is our own Multiboot test kernel (tests/guest/x86_64/): it checks
boot information, CPUID, port I/O, in-kernel MMIO, PCI, SMP start-up, PIT,
LAPIC timer and UART interrupts, and a ring-3 workload, and ends through
isa-debug-exit (status 1 = all passed).  The same kernel runs on Debian's
qemu-system-x86_64 -accel kvm -M pc as the reference.

This host's /dev/kvm may be KVM-PVM: guest ring 3 runs natively, ring 0 and
real mode are emulated (~1.2M instructions/s), so the kernel keeps ring-0
work tiny and stock Linux only gets as far as its first console lines.
"""
import os
import re
import shutil
import subprocess

import pytest

from machina import ROOT, Machine, binary, cache_dir, run

GUEST = os.path.join(ROOT, 'tests', 'guest', 'x86_64')
DEBUG_EXIT = ['-device', 'isa-debug-exit,iobase=0xf4,iosize=4']
CHECKS = ['boot', 'cpuid', 'pio', 'mmio', 'mmio-exit', 'smp', 'pit', 'lapic', 'uart', 'ring3']
PVM = os.path.exists('/sys/module/kvm_pvm')


def kvm_usable():
    try:
        fd = os.open('/dev/kvm', os.O_RDWR)
    except OSError as e:
        return False, '/dev/kvm is not usable here (%s)' % e.strerror
    os.close(fd)
    return True, ''


def need_kvm():
    ok, why = kvm_usable()
    if not ok:
        pytest.skip(why)


def need_binary():
    if not os.path.exists(binary('x86_64')):
        pytest.skip('machina-system-x86_64 is not built')


@pytest.fixture(scope='module')
def kernel():
    """Build the test kernel into the cache (keyed by its sources)."""
    srcs = [os.path.join(GUEST, f) for f in ('boot.S', 'kernel.c', 'kernel.h', 'virtio.c',
                                             'hotplug.c', 'primes.h', 'link.ld', 'Makefile')]
    out = cache_dir(*srcs)
    r = run(['make', '-s', '-C', GUEST, 'O=' + out], timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    return os.path.join(out, 'kernel.elf')


def run_kernel(machine, kernel, *extra, timeout=60):
    m = machine('x86_64', '-kernel', kernel, *DEBUG_EXIT, *extra)
    m.wait_for('MACHINA-X86-TEST start', timeout=timeout)
    return m


def test_accel_help_names_kvm():
    need_binary()
    r = run([binary('x86_64'), '-accel', 'help'])
    assert r.returncode == 0
    line = [l for l in r.stdout.splitlines() if l.startswith('kvm')]
    assert line, r.stdout
    # A PVM host is named as such: ring 0 is emulated there.
    assert ('KVM-PVM' in line[0]) == PVM


def test_kvm_device_missing_is_one_clear_error():
    need_binary()
    r = run([binary('x86_64'), '-M', 'microvm', '-accel', 'kvm,device=/nonexistent',
             '-nographic'])
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert 'Could not access KVM kernel module (/nonexistent)' in lines[0]
    assert 'No such file or directory' in lines[0]


def test_machine_list_has_pc_and_microvm():
    need_binary()
    out = run([binary('x86_64'), '-M', 'help']).stdout
    assert re.search(r'^microvm\s+microvm \(i386\)', out, re.M), out
    assert re.search(r'^pc\s+Standard PC \(i440FX \+ PIIX, 1996\)', out, re.M), out


@pytest.mark.parametrize('mach,smp', [('pc', '2'), ('microvm', '4,sockets=1,cores=2,threads=2')])
def test_test_kernel_passes(machine, kernel, mach, smp):
    need_binary()
    need_kvm()
    m = run_kernel(machine, kernel, '-M', mach, '-m', '256', '-smp', smp)
    m.wait_for('ALL TESTS PASSED', timeout=60)
    assert m.wait(timeout=30) == 1            # isa-debug-exit 0 -> (0 << 1) | 1
    out = m.output
    for name in CHECKS:
        assert re.search(r'^%s: ok' % name, out, re.M), name
    ncpus = int(smp.split(',')[0])
    assert 'smp: %d of %d cpus from the MP table answered' % (ncpus, ncpus) in out
    # CPUID leaf 1 reports logical processors per package from -smp.
    per_pkg = 4 if mach == 'microvm' else 1
    assert 'logical=%d hypervisor=1' % per_pkg in out
    # Multiboot memory: 636 KiB below the EBDA/MP tables, the rest above 1 MiB.
    assert 'mem_lower=636K mem_upper=%dK' % (255 * 1024) in out
    assert (mach == 'pc') == ('pci: ok' in out)
    assert (mach == 'microvm') == ('virtio-mmio: 8 transports, 8 empty' in out)


def test_memory_above_4g_and_cpu_host(machine, kernel):
    """-m 5G: 3 GiB below the PCI hole, 2 GiB above 4 GiB (a sixth e820
    entry); -cpu host passes KVM's supported CPUID through."""
    need_binary()
    need_kvm()
    m = run_kernel(machine, kernel, '-M', 'pc', '-m', '5G', '-cpu', 'host')
    m.wait_for('ALL TESTS PASSED')
    assert m.wait() == 1
    assert 'mem_upper=%dK mmap_entries=6' % (3 * 1024 * 1024 - 1024) in m.output


def test_reset_through_i8042_reboots(machine, kernel):
    need_binary()
    need_kvm()
    m = run_kernel(machine, kernel, '-M', 'pc', '-append', 'reset')
    m.wait_for('reset: rebooting through the i8042')
    m.wait_for('MACHINA-X86-TEST start')
    m.wait_for('reset: second boot after reset')
    m.wait_for('ALL TESTS PASSED')
    assert m.wait() == 1


def test_reset_with_no_reboot_exits_0(machine, kernel):
    need_binary()
    need_kvm()
    m = run_kernel(machine, kernel, '-M', 'pc', '-append', 'reset', '-no-reboot')
    m.wait_for('reset: rebooting through the i8042')
    assert m.wait() == 0
    assert m.output.count('MACHINA-X86-TEST start') == 1


def tick_numbers(text):
    return [int(n) for n in re.findall(r'tick (\d+)', text)]


def test_stop_cont_reset_over_qmp(kernel):
    """QMP stop parks the vCPU threads (no more guest output), "info
    registers" then reads them from KVM, cont resumes the guest where it
    was, system_reset reboots it from the top."""
    need_binary()
    need_kvm()
    with Machine('x86_64', '-M', 'pc', '-kernel', kernel, '-append', 'ticker',
                 *DEBUG_EXIT, qmp=True) as m:
        m.wait_for('tick 2', timeout=60)
        q = m.qmp()
        q.command('stop')
        assert q.command('query-status')['status'] == 'paused'
        before = tick_numbers(m.output)
        regs = q.command('human-monitor-command', **{'command-line': 'info registers'})
        assert re.search(r'RIP=[0-9a-f]{16}', regs), regs
        assert 'CR0=80000011' in regs              # paging + protected mode
        # A stopped guest prints nothing: no tick arrives within a second
        # (the guest ticks at 10 Hz).
        with pytest.raises(AssertionError):
            m.wait_for('tick %d' % (before[-1] + 1), timeout=1)
        q.command('cont')
        assert q.command('query-status')['status'] == 'running'
        m.wait_for('tick %d' % (before[-1] + 2), timeout=30)
        q.command('system_reset')
        m.wait_for('MACHINA-X86-TEST start', timeout=30)
        m.wait_for('tick 1', timeout=60)
        q.command('quit')
        m.wait(timeout=30)


def test_tiny_bios_reset_vector(machine, tmp_path):
    need_binary()
    need_kvm()
    bios = str(tmp_path / 'tiny.bin')
    assert run([os.path.join(GUEST, 'make-tiny-bios.py'), bios]).returncode == 0
    for mach in ('microvm', 'pc'):
        m = machine('x86_64', '-M', mach, '-bios', bios, *DEBUG_EXIT)
        m.wait_for('GUEST-READY', timeout=30)
        assert m.wait() == 1


def test_second_uart_on_a_chardev(tmp_path):
    """-device isa-serial at COM2 (0x2f8, IRQ 3) on a file chardev."""
    need_binary()
    need_kvm()
    bios, out = str(tmp_path / 'com2.bin'), tmp_path / 'com2.txt'
    assert run([os.path.join(GUEST, 'make-tiny-bios.py'), bios, 'HELLO-COM2',
                '0x2f8']).returncode == 0
    r = run([binary('x86_64'), '-M', 'microvm', '-bios', bios, *DEBUG_EXIT, '-nographic',
             '-chardev', 'file,id=c2,path=%s' % out,
             '-device', 'isa-serial,iobase=0x2f8,irq=3,chardev=c2'])
    assert r.returncode == 1, r.stderr
    assert out.read_text().startswith('HELLO-COM2')
    r = run([binary('x86_64'), '-M', 'microvm', '-nographic',
             '-device', 'isa-serial,iobase=0x2f8,chardev=nope'])
    assert r.returncode == 1
    assert "Property 'isa-serial.chardev' can't find value 'nope'" in r.stderr
    r = run([binary('x86_64'), '-M', 'microvm', '-nographic',
             '-device', 'isa-serial,iobase=0x3f8'])
    assert r.returncode == 1
    assert 'I/O ports 0x3f8-0x3ff are already in use' in r.stderr


def test_bad_kernel_is_an_error():
    need_binary()
    need_kvm()
    r = run([binary('x86_64'), '-M', 'pc', '-kernel', '/etc/hostname', '-nographic'])
    assert r.returncode == 1
    assert 'neither a Multiboot image, a Linux bzImage nor an ELF' in r.stderr
    r = run([binary('x86_64'), '-M', 'pc', '-kernel', '/nonexistent', '-nographic'])
    assert r.returncode == 1
    assert 'could not load kernel' in r.stderr


def test_same_kernel_on_qemu(kernel):
    """The reference: Debian's QEMU boots the same image (through SeaBIOS,
    which is slow on a PVM host since it runs in emulated real mode)."""
    need_kvm()
    qemu = shutil.which('qemu-system-x86_64')
    if not qemu:
        pytest.skip('qemu-system-x86_64 is not installed')
    with Machine('x86_64', '-accel', 'kvm', '-M', 'pc', '-m', '256', '-smp', '2',
                 '-kernel', kernel, *DEBUG_EXIT, '-no-reboot', binary_path=qemu) as m:
        m.wait_for('ALL TESTS PASSED', timeout=120)
        assert m.wait(timeout=30) == 1
        for name in CHECKS:
            assert re.search(r'^%s: ok' % name, m.output, re.M), name


def test_stock_linux_first_console_output(machine):
    """Debian's amd64 kernel, booted directly by the Linux boot protocol
    (64-bit entry at startup_64), reaches its first console output.

    Debian builds without CONFIG_X86_VERBOSE_BOOTUP, so the decompressor is
    silent except for warnings; "nokaslr" makes it print one ("KASLR
    disabled") through the early serial console that earlyprintk=ttyS0
    set up.  That line proves the bzImage load, boot_params (command line,
    e820), the identity page tables and the long-mode entry are right.

    How far it gets: on a VT-x/SVM host it boots on.  On a KVM-PVM host
    every ring-0 instruction is emulated (~1.2M/s): the line comes after
    ~10 s (relocating the 8 MB image and clearing its BSS), and then the
    kernel sits in the XZ decompressor of a ~30 MB kernel, which at that
    speed takes hours -- so "Linux version" never appears here."""
    m = start_stock_linux(machine)
    m.wait_for("KASLR disabled: 'nokaslr' on cmdline.", timeout=180)


def test_stock_linux_kernel_banner(machine):
    """Past the decompressor: the kernel proper prints its banner."""
    if PVM:
        pytest.skip('needs VT-x/SVM: this host\'s /dev/kvm is KVM-PVM, which emulates '
                    'guest ring 0 (~1.2M instructions/s), so the XZ decompressor alone '
                    'would take hours')
    m = start_stock_linux(machine)
    m.wait_for('Linux version', timeout=120)


def start_stock_linux(machine):
    need_binary()
    need_kvm()
    script = os.path.join(GUEST, 'get-linux.sh')
    r = subprocess.run([script], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.skip('Debian kernel package not available: ' + r.stderr[-300:])
    bz = os.path.join(r.stdout.strip().splitlines()[-1], 'bzImage')
    return machine('x86_64', '-M', 'pc', '-m', '512', '-kernel', bz,
                   '-append', 'earlyprintk=ttyS0 console=ttyS0 nokaslr')


def test_info_registers_while_running(kernel):
    """"info registers" on a running KVM guest: the read runs on the vCPU
    thread (kicked out of KVM_RUN for the moment), the guest goes on."""
    need_binary()
    need_kvm()
    with Machine('x86_64', '-M', 'pc', '-kernel', kernel, '-append', 'ticker',
                 *DEBUG_EXIT, qmp=True) as m:
        m.wait_for('tick 2', timeout=60)
        q = m.qmp()
        for _ in range(5):
            regs = q.command('human-monitor-command', **{'command-line': 'info registers'})
            got = re.search(r'RIP=([0-9a-f]{16})', regs)
            assert got, regs
            assert 'CR0=80000011' in regs
        assert q.command('query-status')['status'] == 'running'
        before = tick_numbers(m.output)
        m.wait_for('tick %d' % (before[-1] + 2), timeout=30)
        q.command('quit')
        m.wait(timeout=30)
