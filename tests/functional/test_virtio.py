"""Virtio devices on the riscv virt machine's virtio-mmio slots, driven by
Linux from tests/guest/riscv64 (busybox shell over the serial console):
virtio-blk reads an image the host wrote and writes data the host sees,
virtio-rng hands out bytes, virtconsole carries data both ways; plus the
command-line side (-drive/-blockdev errors, image locking against a second
process and against qemu-img)."""
import hashlib
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

import machina

QEMU_IO = shutil.which('qemu-io')


def machina_bin():
    return machina.riscv64_binary_or_skip()


@pytest.fixture(scope='module')
def linux():
    return machina.linux_guest_or_skip()


@pytest.fixture
def image(tmp_path):
    """A 4 MiB image of random bytes; returns (path, md5)."""
    data = os.urandom(4 * 1024 * 1024)
    path = tmp_path / 'disk.img'
    path.write_bytes(data)
    return str(path), hashlib.md5(data).hexdigest()


def shell(machine, linux, *extra):
    """Boot Linux to its shell prompt with extra options."""
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                *extra)
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    m.wait_for('machina:/# ', timeout=60)
    return m


_seq = [0]


def sh(m, cmd, timeout=120):
    """Run cmd in the guest shell; returns (exit status, output text).

    The end marker is built by the shell ($?), so the echoed command line
    never matches it."""
    _seq[0] += 1
    n = _seq[0]
    m.send('echo B@@%d$((0))@@; %s; echo E@@%d-$?@@\n' % (n, cmd, n))
    m.wait_for('B@@%d0@@' % n, timeout=timeout)
    got = m.wait_for(re.compile(r'(?s)(.*?)E@@%d-(\d+)@@' % n), timeout=timeout)
    return int(got.group(2)), got.group(1)


def poweroff(m):
    m.send('exit\n')
    m.wait_for('reboot: Power down', timeout=60)
    assert m.wait(timeout=60) == 0


def test_virtio_blk_reads_host_image(machine, linux, image):
    path, md5 = image
    # io_uring and O_DIRECT (cache=none) on the host side.
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=none,id=d0,aio=io_uring,'
              'cache=none' % path,
              '-device', 'virtio-blk-device,drive=d0,serial=MACHINA-SN1')
    rc, out = sh(m, 'md5sum /dev/vda')
    assert rc == 0 and md5 in out
    rc, out = sh(m, 'cat /sys/block/vda/size /sys/block/vda/serial')
    assert rc == 0 and '8192' in out and 'MACHINA-SN1' in out
    poweroff(m)


def test_virtio_blk_guest_writes_reach_host(machine, linux, image):
    path, _ = image
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=virtio,cache=writethrough'
              % path)
    rc, _ = sh(m, "printf 'machina-virtio-write-0123456789' | "
                  "dd of=/dev/vda bs=512 seek=8 conv=notrunc,fsync && sync")
    assert rc == 0
    with open(path, 'rb') as f:
        f.seek(8 * 512)
        assert f.read(31) == b'machina-virtio-write-0123456789'
    # The guest reads back what it wrote, past its own page cache.
    rc, out = sh(m, 'echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=512 skip=8 '
                    'count=1 2>/dev/null | head -c 20')
    assert rc == 0 and 'machina-virtio-write' in out
    poweroff(m)


def test_virtio_blk_window_and_readonly(machine, linux, image):
    """raw offset=/size= shows the guest a window; readonly=on refuses writes."""
    path, _ = image
    with open(path, 'rb') as f:
        f.seek(1024 * 1024)
        window_md5 = hashlib.md5(f.read(1024 * 1024)).hexdigest()
    m = shell(machine, linux,
              '-blockdev', 'driver=raw,node-name=win,offset=1M,size=1M,read-only=on,'
              'file.driver=file,file.filename=%s' % path,
              '-device', 'virtio-blk-device,drive=win')
    rc, out = sh(m, 'cat /sys/block/vda/size /sys/block/vda/ro; md5sum /dev/vda')
    assert rc == 0
    assert re.search(r'\b2048\b', out) and re.search(r'^1\s*$', out, re.M)
    assert window_md5 in out
    rc, out = sh(m, 'echo x | dd of=/dev/vda conv=fsync 2>&1')
    assert rc != 0
    poweroff(m)


def test_virtio_rng(machine, linux):
    m = shell(machine, linux, '-object', 'rng-random,id=r0,filename=/dev/urandom',
              '-device', 'virtio-rng-device,rng=r0')
    rc, out = sh(m, 'cat /sys/class/misc/hw_random/rng_current; '
                    'head -c 256 /dev/hwrng | wc -c')
    assert rc == 0 and 'virtio_rng' in out and re.search(r'^\s*256\s*$', out, re.M)
    # Two reads differ: the bytes come from the host's source.
    rc, out = sh(m, 'head -c 16 /dev/hwrng | md5sum; head -c 16 /dev/hwrng | md5sum')
    sums = re.findall(r'([0-9a-f]{32})  -', out)
    assert rc == 0 and len(sums) == 2 and sums[0] != sums[1]
    poweroff(m)


def test_virtconsole_both_ways(machine, linux, tmp_path):
    sock = str(tmp_path / 'vc.sock')
    m = shell(machine, linux, '-chardev', 'socket,id=c0,path=%s,server=on,wait=off' % sock,
              '-device', 'virtio-serial-device', '-device', 'virtconsole,chardev=c0')
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    c.settimeout(60)
    try:
        # hvc0 is the SBI console; the virtio console is the next hvc.
        rc, out = sh(m, 'ls /sys/class/virtio-ports/; stty -F /dev/hvc1 raw -echo; '
                        'echo guest-to-host-$((40+2)) > /dev/hvc1')
        assert rc == 0 and 'vport' in out
        got = b''
        while b'guest-to-host-42' not in got:
            chunk = c.recv(4096)
            assert chunk, 'console socket closed'
            got += chunk
        m.send('head -c 12 /dev/hvc1 | tr a-z A-Z; echo\n')
        # Give the reader a moment to open the port: resend until it shows.
        deadline = time.monotonic() + 60
        while True:
            c.sendall(b'host2guest!\n')
            try:
                m.wait_for('HOST2GUEST!', timeout=5)
                break
            except machina.MachineError:
                if time.monotonic() > deadline:
                    raise
    finally:
        c.close()
    m.wait_for('machina:/# ', timeout=60)
    poweroff(m)


def test_malformed_descriptors_need_reset(tmp_path):
    """A bare-metal driver (tests/guest/riscv64/virtio/virtio-malformed.c)
    hands virtio-blk looping, out-of-range, MMIO and wrapping chains: each
    leaves the device in DEVICE_NEEDS_RESET with a -d guest_errors line, and
    the emulator runs on to the program's PASS."""
    exe = machina_bin()
    if not shutil.which('riscv64-linux-gnu-gcc'):
        pytest.skip('needs the riscv64 cross toolchain')
    out = os.path.join(machina.BUILD, 'guest-riscv64')
    r = subprocess.run(['make', '-s', '-C', os.path.join(machina.ROOT, 'tests', 'guest',
                                                         'riscv64'),
                        'O=' + out, 'TEST_DIRS=virtio'],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    img = tmp_path / 'sig.img'
    img.write_bytes(b'MACHINA-VIRTIO-DISK'.ljust(65536, b'\0'))
    p = machina.run([exe, '-M', 'virt', '-bios', 'none', '-nographic', '-d', 'guest_errors',
                     '-kernel', os.path.join(out, 'virtio', 'virtio-malformed.elf'),
                     '-drive', 'file=%s,format=raw,if=none,id=d0' % img,
                     '-device', 'virtio-blk-device,drive=d0'], timeout=120)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    assert 'PASS (' in p.stdout
    assert p.stdout.count('needs reset after') == 5
    for msg in ('descriptor chain loops', 'next index 13 out of range',
                'is not in guest RAM', 'wraps around', 'head index 9'):
        assert msg in p.stderr, p.stderr


def test_virtio_pci_on_the_pcie_host(machine, linux, image):
    """virtio-blk-pci and virtio-rng-pci behind the ECAM host: Linux finds
    them at 00:01.0 and 00:02.0 (1af4:1042, 1af4:1044) and uses them."""
    path, md5 = image
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=none,id=d0,aio=io_uring,'
              'cache=directsync' % path,
              '-device', 'virtio-blk-pci,drive=d0,serial=PCI-SN',
              '-device', 'virtio-rng-pci')
    rc, out = sh(m, 'cat /sys/bus/pci/devices/0000:00:01.0/vendor '
                    '/sys/bus/pci/devices/0000:00:01.0/device '
                    '/sys/bus/pci/devices/0000:00:02.0/device')
    assert rc == 0 and out.split()[-3:] == ['0x1af4', '0x1042', '0x1044']
    rc, out = sh(m, 'md5sum /dev/vda; cat /sys/block/vda/serial; echo; '
                    'head -c 64 /dev/hwrng | wc -c')
    assert rc == 0 and md5 in out and 'PCI-SN' in out
    assert re.search(r'^\s*64\s*$', out, re.M)
    rc, _ = sh(m, "printf 'written-over-pci' | dd of=/dev/vda bs=512 seek=3 "
                  "conv=notrunc,fsync")
    assert rc == 0
    with open(path, 'rb') as f:
        f.seek(3 * 512)
        assert f.read(16) == b'written-over-pci'
    poweroff(m)


def test_if_virtio_uses_mmio_then_slots_in_qemu_order(machine, linux, tmp_path):
    """Two if=virtio drives: the first lands in the last virtio-mmio slot,
    as QEMU fills them, which Linux probes first: vda is the first drive."""
    a, b = tmp_path / 'a.img', tmp_path / 'b.img'
    a.write_bytes(b'first-drive'.ljust(65536, b'\0'))
    b.write_bytes(b'second-drive'.ljust(131072, b'\0'))
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=virtio' % a,
              '-drive', 'file=%s,format=raw,if=virtio' % b)
    rc, out = sh(m, 'head -c 11 /dev/vda; echo; head -c 12 /dev/vdb; echo; '
                    'cat /sys/block/vda/size /sys/block/vdb/size')
    assert rc == 0 and 'first-drive' in out and 'second-drive' in out
    assert re.search(r'^128\s*$', out, re.M) and re.search(r'^256\s*$', out, re.M)
    poweroff(m)


@pytest.fixture
def small_fs(tmp_path):
    """A 512 KiB tmpfs (needs mount rights): writes past it fail with ENOSPC."""
    d = tmp_path / 'small'
    d.mkdir()
    r = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', str(d)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip('cannot mount a tmpfs here: ' + r.stderr.strip())
    try:
        yield d
    finally:
        subprocess.run(['umount', '-l', str(d)], capture_output=True)


def test_enospc_stops_the_vm_and_cont_retries(machine, linux, small_fs):
    """werror=enospc (QEMU's default): a write the host cannot store stops
    the VM instead of failing in the guest; after space is freed, cont
    retries it and the guest never sees an error."""
    img = small_fs / 'disk.img'
    with open(img, 'wb') as f:
        f.truncate(4 * 1024 * 1024)
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                '-drive', 'file=%s,format=raw,if=virtio' % img, qmp=True)
    m.wait_for('machina:/# ', timeout=600)
    q = m.qmp()
    m.send('dd if=/dev/urandom of=/dev/vda bs=64k count=16 oflag=direct; '
           'echo DD-RC-$?-DONE\n')
    ev = q.event_wait('BLOCK_IO_ERROR', timeout=120)['data']
    assert ev['device'] == 'virtio0' and ev['operation'] == 'write'
    assert ev['action'] == 'stop' and ev['nospace'] is True
    q.event_wait('STOP', timeout=120)
    assert q.command('query-status')['running'] is False
    subprocess.run(['mount', '-o', 'remount,size=8m', str(small_fs)], check=True)
    q.command('cont')
    m.wait_for('DD-RC-0-DONE', timeout=120)
    assert os.path.getsize(img) == 4 * 1024 * 1024
    poweroff(m)


def test_werror_report_fails_the_guest_write(machine, linux, small_fs):
    img = small_fs / 'disk.img'
    with open(img, 'wb') as f:
        f.truncate(4 * 1024 * 1024)
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=virtio,werror=report' % img)
    rc, out = sh(m, 'dd if=/dev/urandom of=/dev/vda bs=64k count=16 oflag=direct 2>&1')
    assert rc != 0 and 'error' in out.lower()
    rc, _ = sh(m, 'true')          # still running, still answering
    assert rc == 0
    poweroff(m)


def test_blkdiscard_punches_the_host_file(machine, linux, tmp_path):
    img = tmp_path / 'discard.img'
    img.write_bytes(b'\xaa' * (1024 * 1024))
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=virtio,discard=unmap' % img)
    rc, out = sh(m, 'blkdiscard -o 65536 -l 131072 /dev/vda 2>&1')
    assert rc == 0, out
    data = img.read_bytes()
    assert data[65536:65536 + 131072] == b'\0' * 131072
    assert data[:65536] == b'\xaa' * 65536 and data[196608:196608 + 16] == b'\xaa' * 16
    poweroff(m)


def test_packed_rings_with_linux(machine, linux, image):
    """packed=on (as QEMU's property) offers VIRTIO_F_RING_PACKED: Linux
    takes it on virtio-mmio and virtio-pci, and the disks work."""
    path, md5 = image
    copy = path + '.2'
    with open(path, 'rb') as f, open(copy, 'wb') as g:
        g.write(f.read())
    m = shell(machine, linux, '-drive', 'file=%s,format=raw,if=none,id=d0' % path,
              '-device', 'virtio-blk-device,drive=d0,packed=on',
              '-drive', 'file=%s,format=raw,if=none,id=d1' % copy,
              '-device', 'virtio-blk-pci,drive=d1,packed=on')
    # Feature bit 34 in the driver's view (one character per bit).
    rc, out = sh(m, 'for f in /sys/bus/virtio/devices/*/features; do '
                    'echo PKD-$(cut -c35 $f); done; md5sum /dev/vda /dev/vdb')
    assert rc == 0 and out.count('PKD-1') == 2, out
    assert out.count(md5) == 2
    rc, _ = sh(m, "printf 'packed-write' | dd of=/dev/vdb bs=512 seek=2 conv=notrunc,fsync")
    assert rc == 0
    with open(copy, 'rb') as f:
        f.seek(1024)
        assert f.read(12) == b'packed-write'
    poweroff(m)


def test_blk_queues_block_size_and_named_port(machine, linux, image, tmp_path):
    """num-queues=2 on two harts gives Linux two blk-mq queues;
    logical_block_size=4096 is what the guest sees; a virtserialport named
    on virtio-serial-pci shows its name and carries data to the host."""
    path, md5 = image
    sock = str(tmp_path / 'port.sock')
    m = shell(machine, linux, '-smp', '2',
              '-drive', 'file=%s,format=raw,if=none,id=d0' % path,
              '-device', 'virtio-blk-device,drive=d0,num-queues=2,logical_block_size=4096,'
              'physical_block_size=4096',
              '-device', 'virtio-serial-pci',
              '-chardev', 'socket,id=p1,path=%s,server=on,wait=off' % sock,
              '-device', 'virtserialport,chardev=p1,name=org.machina.port0')
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    c.settimeout(60)
    try:
        rc, out = sh(m, 'cat /sys/block/vda/queue/logical_block_size; '
                        'echo MQ-$(ls /sys/block/vda/mq | wc -l); '
                        'cat /sys/class/virtio-ports/*/name; md5sum /dev/vda')
        assert rc == 0 and re.search(r'^4096\s*$', out, re.M)
        assert 'MQ-2' in out and 'org.machina.port0' in out
        assert md5 in out
        rc, _ = sh(m, 'echo to-the-named-port > /dev/vport1p1')
        assert rc == 0
        got = b''
        while b'to-the-named-port' not in got:
            chunk = c.recv(4096)
            assert chunk, 'port socket closed'
            got += chunk
    finally:
        c.close()
    poweroff(m)


def test_balloon_inflate_and_deflate_over_qmp(machine, linux):
    """QMP balloon sets the target; Linux's virtio_balloon gives the pages
    back (actual falls to the target) and takes them again (deflate)."""
    mib = 1024 * 1024
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                '-device', 'virtio-balloon-device', qmp=True)
    m.wait_for('machina:/# ', timeout=600)
    q = m.qmp()
    assert q.command('query-balloon')['actual'] == 256 * mib

    def wait_actual(want):
        deadline = time.monotonic() + 120
        while q.command('query-balloon')['actual'] != want:
            assert time.monotonic() < deadline, q.command('query-balloon')
            time.sleep(0.05)                 # a poll interval, not a guess at timing

    q.command('balloon', value=200 * mib)
    wait_actual(200 * mib)
    assert q.event_wait('BALLOON_CHANGE', timeout=60)['data']['actual'] <= 256 * mib
    rc, out = sh(m, 'cat /proc/meminfo | head -2')
    assert rc == 0
    q.command('balloon', value=256 * mib)
    wait_actual(256 * mib)
    with pytest.raises(machina.QMPError):
        q.command('balloon', value=0)
    poweroff(m)


def test_block_resize_grows_the_guest_disk(machine, linux, image):
    """block_resize grows the image; virtio-blk tells Linux (config change)
    and /sys/block/vda/size follows; query-block reports the backend."""
    path, _ = image
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                '-drive', 'file=%s,format=raw,if=virtio,cache=none' % path, qmp=True)
    m.wait_for('machina:/# ', timeout=600)
    q = m.qmp()
    info = q.command('query-block')
    assert len(info) == 1 and info[0]['device'] == 'virtio0'
    ins = info[0]['inserted']
    assert ins['file'] == path and ins['drv'] == 'raw' and ins['ro'] is False
    assert ins['cache'] == {'writeback': True, 'direct': True, 'no-flush': False}
    assert ins['image']['virtual-size'] == 4 * 1024 * 1024
    q.command('block_resize', device='virtio0', size=8 * 1024 * 1024)
    assert os.path.getsize(path) == 8 * 1024 * 1024
    m.wait_for(re.compile(r'vda.*new size'), timeout=60)
    rc, out = sh(m, 'cat /sys/block/vda/size')
    assert rc == 0 and re.search(r'^16384\s*$', out, re.M)
    assert q.command('query-block')[0]['inserted']['image']['virtual-size'] == 8 << 20
    with pytest.raises(machina.QMPError) as e:
        q.command('block_resize', device='nosuch', size=1 << 20)
    assert "Cannot find device='nosuch' nor node-name=''" in str(e.value)
    poweroff(m)


def test_balloon_without_device_is_an_error(machine):
    m = machine('riscv64', '-M', 'virt', '-bios', 'none', '-S', qmp=True)
    with pytest.raises(machina.QMPError) as e:
        m.qmp().command('query-balloon')
    assert 'No balloon device has been activated' in str(e.value)


# ------------------------------------------------------------ command line

def test_drive_errors_are_clear(tmp_path):
    exe = machina_bin()
    p = machina.run([exe, '-M', 'virt', '-bios', 'none', '-nographic',
                     '-drive', 'file=%s/missing.img,if=virtio' % tmp_path])
    assert p.returncode == 1
    assert "Could not open '%s/missing.img': No such file or directory" % tmp_path \
        in p.stderr
    assert p.stderr.count('\n') == 1
    img = tmp_path / 'x.img'
    img.write_bytes(b'\0' * 65536)
    for opt, msg in (('cache=maybe', 'invalid cache option'),
                     ('format=vmdk9', "Unknown driver 'vmdk9'"),
                     ('werror=panic', "'panic' invalid write error action"),
                     ('offset=1M', 'has to be smaller or equal')):
        p = machina.run([exe, '-M', 'virt', '-bios', 'none', '-nographic', '-drive',
                         'file=%s,if=none,%s' % (img, opt)])
        assert p.returncode == 1 and msg in p.stderr, (opt, p.stderr)
    p = machina.run([exe, '-M', 'virt', '-bios', 'none', '-nographic',
                     '-device', 'virtio-blk-device,drive=nosuch'])
    assert p.returncode == 1
    assert "Property 'drive' can't find value 'nosuch'" in p.stderr


def test_image_locking_between_processes(machine, tmp_path):
    exe = machina_bin()
    img = str(tmp_path / 'locked.img')
    with open(img, 'wb') as f:
        f.truncate(1024 * 1024)
    first = machine('riscv64', '-M', 'virt', '-bios', 'none', '-S',
                    '-drive', 'file=%s,format=raw,if=virtio' % img, qmp=True)
    first.qmp().command('query-status')       # the machine (and its disk) exist
    p = machina.run([exe, '-M', 'virt', '-bios', 'none', '-nographic',
                     '-drive', 'file=%s,format=raw,if=virtio' % img])
    assert p.returncode == 1
    assert 'Failed to get "write" lock' in p.stderr
    # locking=off opts out, as in QEMU.
    second = machine('riscv64', '-M', 'virt', '-bios', 'none', '-S',
                     '-drive', 'file=%s,format=raw,if=virtio,file.locking=off' % img,
                     qmp=True)
    second.qmp().command('query-status')
    if QEMU_IO:
        # QEMU's tools see our locks (the same OFD lock bytes).
        q = machina.run([QEMU_IO, '-f', 'raw', '-c', 'write 0 512', img])
        assert q.returncode != 0 and 'Failed to get "write" lock' in q.stderr
        q = machina.run([QEMU_IO, '-U', '-r', '-f', 'raw', '-c', 'read 0 512', img])
        assert q.returncode == 0


def test_share_rw_allows_two_writers(machine, tmp_path):
    img = str(tmp_path / 'shared.img')
    with open(img, 'wb') as f:
        f.truncate(1024 * 1024)
    args = ('-M', 'virt', '-bios', 'none', '-S', '-drive',
            'file=%s,format=raw,if=none,id=d0' % img,
            '-device', 'virtio-blk-device,drive=d0,share-rw=on')
    a = machine('riscv64', *args, qmp=True)
    a.qmp().command('query-status')
    b = machine('riscv64', *args, qmp=True)
    b.qmp().command('query-status')
