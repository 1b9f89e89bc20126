"""virtio-blk with iothread=ID on the riscv virt machine (virtio-mmio and
virtio-pci), and without (kicks through the main loop, or with ioeventfd=off
inside the register write): Linux reads an image the host wrote and writes data the host
sees; the requests really run in the iothread (its thread wakes up once per
request, the main-loop disk beside it leaves it asleep); stop/cont, reset
and quit with requests in flight; a wrong iothread id is a one-line error."""
import hashlib
import os
import re
import subprocess

import pytest

import machina
from test_virtio import machina_bin, sh, poweroff, small_fs  # noqa: F401


@pytest.fixture(scope='module')
def linux():
    return machina.linux_guest_or_skip()


def make_image(tmp_path, name, mib=4):
    data = os.urandom(mib * 1024 * 1024)
    path = tmp_path / name
    path.write_bytes(data)
    return str(path), hashlib.md5(data).hexdigest()


def boot(machine, linux, *extra):
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                *extra, qmp=True)
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    m.wait_for('machina:/# ', timeout=60)
    return m


def task_stat(pid, tid):
    """(voluntary context switches, comm) of one thread of pid."""
    base = '/proc/%d/task/%d/' % (pid, tid)
    with open(base + 'status') as f:
        ctxt = int(re.search(r'^voluntary_ctxt_switches:\s+(\d+)', f.read(), re.M).group(1))
    with open(base + 'comm') as f:
        return ctxt, f.read().strip()


@pytest.mark.parametrize('dev,aio,extra', [
    ('virtio-blk-device', 'io_uring', ',iothread=io1'),
    ('virtio-blk-pci', 'threads', ',iothread=io1'),
    # No iothread: kicks go to the main loop (ioeventfd=on, the default) ...
    ('virtio-blk-pci', 'io_uring', ''),
    # ... or, with ioeventfd=off, are served inside the vCPU's register write.
    ('virtio-blk-pci', 'io_uring', ',ioeventfd=off'),
])
def test_iothread_disk_reads_and_writes(machine, linux, tmp_path, dev, aio, extra):
    path, md5 = make_image(tmp_path, 'disk.img')
    m = boot(machine, linux, '-object', 'iothread,id=io1',
             '-drive', 'file=%s,format=raw,if=none,id=d0,aio=%s,cache=none' % (path, aio),
             '-device', '%s,drive=d0,id=blk0,serial=IOT-1%s' % (dev, extra))
    rc, out = sh(m, 'cat /sys/block/vda/serial; md5sum /dev/vda')
    assert rc == 0 and 'IOT-1' in out and md5 in out
    rc, _ = sh(m, "printf 'machina-iothread-write-0123456789' | "
                  "dd of=/dev/vda bs=512 seek=16 conv=notrunc,fsync && sync")
    assert rc == 0
    with open(path, 'rb') as f:
        f.seek(16 * 512)
        want = b'machina-iothread-write-0123456789'
        assert f.read(len(want)) == want
    # Many concurrent direct requests (4 threads), then the whole disk again.
    rc, out = sh(m, 'blkbench -w -R -q 4 -n 512 -s 1 /dev/vda && '
                    'blkbench -q 4 /dev/vda')
    assert rc == 0 and out.count('BLKBENCH') == 2, out
    # Which way the kicks came: eventfds (iothread, or the main loop with
    # ioeventfd on), or register writes served in the vCPU (ioeventfd=off).
    q = m.qmp()
    kicks = {k: int(q.command('qom-get', path='/machine/peripheral/blk0', property='x-' + k))
             for k in ('kicks-exit', 'kicks-ioeventfd')}
    if 'ioeventfd=off' in extra:
        assert kicks['kicks-exit'] > 100 and kicks['kicks-ioeventfd'] == 0, kicks
    else:
        assert kicks['kicks-ioeventfd'] > 100 and kicks['kicks-exit'] == 0, kicks
    poweroff(m)


def test_iothread_does_the_work(machine, linux, tmp_path):
    """vda is served by io1, vdb by the main loop: only vda's requests wake io1.

    An idle iothread sleeps in epoll_wait with nothing to time out, so its
    voluntary context switches count its wake-ups: one per kick at least."""
    a, _ = make_image(tmp_path, 'a.img')
    b, _ = make_image(tmp_path, 'b.img')
    m = boot(machine, linux, '-object', 'iothread,id=io1',
             '-drive', 'file=%s,format=raw,if=none,id=d0,cache=none' % a,
             '-device', 'virtio-blk-device,drive=d0,iothread=io1',
             '-drive', 'file=%s,format=raw,if=none,id=d1,cache=none' % b,
             '-device', 'virtio-blk-device,drive=d1')
    q = m.qmp()
    (info,) = q.command('query-iothreads')
    pid, tid = m.proc.pid, info['thread-id']
    assert info['id'] == 'io1' and tid != pid
    before, comm = task_stat(pid, tid)
    assert comm == 'IO io1'
    # The first -device sits in the last slot, which Linux probes first: vda.
    # 512 synchronous 4 KiB reads from the main-loop disk ...
    rc, _ = sh(m, 'dd if=/dev/vdb of=/dev/null bs=4k count=512 iflag=direct')
    assert rc == 0
    idle, _ = task_stat(pid, tid)
    assert idle - before < 16, (before, idle)
    # ... and from the iothread's disk.
    rc, _ = sh(m, 'dd if=/dev/vda of=/dev/null bs=4k count=512 iflag=direct')
    assert rc == 0
    busy, _ = task_stat(pid, tid)
    assert busy - idle >= 256, (idle, busy)
    print('io1 wake-ups: main-loop disk %d, iothread disk %d' % (idle - before, busy - idle))
    poweroff(m)


def test_iothread_stop_cont_reset_quit_in_flight(machine, linux, tmp_path):
    path, md5 = make_image(tmp_path, 'disk.img', mib=8)
    m = boot(machine, linux, '-object', 'iothread,id=io1',
             '-drive', 'file=%s,format=raw,if=none,id=d0,aio=io_uring,cache=none' % path,
             '-device', 'virtio-blk-pci,drive=d0,iothread=io1')
    q = m.qmp()
    # Direct reads in a loop in the background: requests are always in flight.
    m.send('(while :; do blkbench -R -q 8 -n 4096 /dev/vda >/dev/null || echo BENCH-$((0))FAIL; '
           'done) &\n')
    rc, _ = sh(m, 'sleep 1')
    assert rc == 0
    for _ in range(3):
        q.command('stop')
        assert q.command('query-status')['status'] == 'paused'
        q.command('cont')
        assert q.command('query-status')['status'] == 'running'
    # Reset with requests in flight: the guest boots again and reads its disk.
    q.command('system_reset')
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    m.wait_for('machina:/# ', timeout=60)
    assert 'BENCH-0FAIL' not in m.output
    rc, out = sh(m, 'md5sum /dev/vda')
    assert rc == 0 and md5 in out
    # Quit with requests in flight: a clean exit.
    m.send('(while :; do blkbench -R -q 8 -n 4096 /dev/vda >/dev/null; done) &\n')
    rc, _ = sh(m, 'sleep 1')
    q.command('quit')
    assert m.wait(timeout=60) == 0


def test_iothread_ids(machine):
    """Thread ids of iothreads whose names Linux cuts to the same 15 bytes."""
    m = machine('riscv64', '-M', 'virt', '-bios', 'none', '-S',
                '-object', 'iothread,id=iothread-disk-a',
                '-object', 'iothread,id=iothread-disk-b', qmp=True)
    iot = {t['id']: t['thread-id'] for t in m.qmp().command('query-iothreads')}
    assert set(iot) == {'iothread-disk-a', 'iothread-disk-b'}
    assert len(set(iot.values())) == 2
    for tid in iot.values():
        with open('/proc/%d/task/%d/comm' % (m.proc.pid, tid)) as f:
            assert f.read().strip() == 'IO iothread-dis'


def test_iothread_bad_id(tmp_path):
    exe = machina_bin()
    path, _ = make_image(tmp_path, 'disk.img', mib=1)
    base = [exe, '-M', 'virt', '-bios', 'none', '-nographic', '-S',
            '-object', 'iothread,id=io1', '-object', 'rng-random,id=r0,filename=/dev/urandom',
            '-drive', 'file=%s,format=raw,if=none,id=d0' % path]
    for dev, value, msg in (('virtio-blk-device', 'nope', "'nope'"),
                            ('virtio-blk-pci', 'nope', "'nope'"),
                            ('virtio-blk-device', 'r0', "is not a 'iothread'")):
        p = machina.run(base + ['-device', '%s,drive=d0,iothread=%s' % (dev, value)])
        assert p.returncode == 1, p.stderr
        lines = p.stderr.strip().splitlines()
        assert len(lines) == 1 and 'iothread' in lines[0] and msg in lines[0], p.stderr


def test_iothread_in_use_cannot_be_deleted(machine, tmp_path):
    path, _ = make_image(tmp_path, 'disk.img', mib=1)
    machina_bin()
    m = machine('riscv64', '-M', 'virt', '-bios', 'none', '-S', '-object', 'iothread,id=io1',
                '-drive', 'file=%s,format=raw,if=none,id=d0,aio=io_uring' % path,
                '-device', 'virtio-blk-pci,drive=d0,iothread=io1', qmp=True)
    q = m.qmp()
    r = q.cmd('object-del', {'id': 'io1'})
    assert r['error']['desc'] == "object 'io1' is in use, can not be deleted"
    assert [t['id'] for t in q.command('query-iothreads')] == ['io1']
    q.command('quit')
    assert m.wait(timeout=30) == 0


@pytest.mark.parametrize('dev', ['virtio-blk-device', 'virtio-blk-pci'])
def test_iothread_dataplane_takes_no_bql(machine, linux, tmp_path, dev):
    """The iothread pops, submits, completes and interrupts without the BQL:
    x-bql-takes (every BQL acquisition by the iothread's thread) stays ~0
    while 512 reads go through it (kicks by ioeventfd prove they did)."""
    path, _ = make_image(tmp_path, 'disk.img')
    m = boot(machine, linux, '-object', 'iothread,id=io1',
             '-drive', 'file=%s,format=raw,if=none,id=d0,cache=none,aio=io_uring' % path,
             '-device', '%s,drive=d0,id=blk0,iothread=io1' % dev)
    q = m.qmp()

    def get(prop):
        return int(q.command('qom-get', path='/machine/peripheral/blk0', property=prop))

    takes, kicks = get('x-bql-takes'), get('x-kicks-ioeventfd')
    rc, _ = sh(m, 'dd if=/dev/vda of=/dev/null bs=4k count=512 iflag=direct')
    assert rc == 0
    assert get('x-kicks-ioeventfd') - kicks >= 256
    after = get("x-bql-takes")
    print("%s: x-bql-takes %d -> %d" % (dev, takes, after))
    assert after - takes < 8, (takes, after)
    poweroff(m)


def test_iothread_needs_ioeventfd(tmp_path):
    """As QEMU: kicks reach an iothread only through ioeventfds."""
    exe = machina_bin()
    path, _ = make_image(tmp_path, 'disk.img', mib=1)
    p = machina.run([exe, '-M', 'virt', '-bios', 'none', '-nographic', '-S',
                     '-object', 'iothread,id=io1',
                     '-drive', 'file=%s,format=raw,if=none,id=d0' % path,
                     '-device', 'virtio-blk-pci,drive=d0,iothread=io1,ioeventfd=off'])
    assert p.returncode == 1, p.stderr
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and 'iothread' in lines[0] and 'ioeventfd' in lines[0], p.stderr


def test_iothread_enospc_stop_retry_cont(machine, linux, small_fs):
    """werror=enospc on an iothread disk: the error is reported from the main
    loop (BLOCK_IO_ERROR, STOP); cont with the disk still full retries in the
    iothread, fails and stops again; with space, cont finishes the write."""
    img = small_fs / 'disk.img'
    with open(img, 'wb') as f:
        f.truncate(4 * 1024 * 1024)
    m = boot(machine, linux, '-object', 'iothread,id=io1',
             '-drive', 'file=%s,format=raw,if=none,id=d0,aio=io_uring' % img,
             '-device', 'virtio-blk-pci,drive=d0,iothread=io1')
    q = m.qmp()
    m.send('dd if=/dev/urandom of=/dev/vda bs=64k count=16 oflag=direct; '
           'echo DD-RC-$?-DONE\n')
    for _ in range(2):
        ev = q.event_wait('BLOCK_IO_ERROR', timeout=120)['data']
        assert ev['operation'] == 'write' and ev['action'] == 'stop' and ev['nospace']
        q.event_wait('STOP', timeout=120)
        assert q.command('query-status')['running'] is False
        q.command('cont')
    q.event_wait('STOP', timeout=120)
    subprocess.run(['mount', '-o', 'remount,size=8m', str(small_fs)], check=True)
    q.command('cont')
    m.wait_for('DD-RC-0-DONE', timeout=120)
    poweroff(m)
