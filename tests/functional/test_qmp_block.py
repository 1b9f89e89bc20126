"""Block management over QMP and HMP: query-blockstats counting a Linux
guest's real disk I/O (and "info blockstats"), "info block", and the
removable-media commands (eject, change, blockdev-*-tray/-medium) with
Debian's qemu-system-x86_64 as the oracle for their errors."""
import json
import os
import re
import shutil
import subprocess

import pytest

import machina
from machina import QMPClient, binary
from test_virtio import linux, image, sh, poweroff  # noqa: F401 (fixtures)


# ------------------------------------------------------------ blockstats

@pytest.mark.parametrize('iothread', [False, True], ids=['main-loop', 'iothread'])
def test_blockstats_count_guest_io(machine, linux, image, iothread):  # noqa: F811
    """Completions in the main loop or in an iothread count the same."""
    path, _ = image
    extra = ['-object', 'iothread,id=io0'] if iothread else []
    dev = 'virtio-blk-device,drive=d0,id=vd0' + (',iothread=io0' if iothread else '')
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                '-drive', 'file=%s,format=raw,if=none,id=d0' % path, *extra,
                '-device', dev, qmp=True)
    m.wait_for('machina:/# ', timeout=600)
    q = m.qmp()
    before = q.command('query-blockstats')
    assert [s['device'] for s in before] == ['d0']
    st0 = before[0]['stats']
    assert before[0]['qdev'] == 'vd0'
    assert before[0]['node-name'].startswith('#block')
    assert before[0]['parent']['node-name'].startswith('#block')
    assert st0['account_invalid'] is True and st0['timed_stats'] == []
    rc, _ = sh(m, 'dd if=/dev/vda of=/dev/null bs=4096 count=64 iflag=direct')
    assert rc == 0
    rc, _ = sh(m, 'dd if=/dev/zero of=/dev/vda bs=4096 count=8 seek=100 oflag=direct '
                  'conv=fsync')
    assert rc == 0
    st = q.command('query-blockstats')[0]['stats']
    assert st['rd_bytes'] - st0['rd_bytes'] >= 64 * 4096
    assert st['rd_operations'] - st0['rd_operations'] >= 1
    assert st['wr_bytes'] - st0['wr_bytes'] == 8 * 4096
    assert st['wr_operations'] > st0['wr_operations']
    assert st['flush_operations'] > st0['flush_operations']
    assert st['wr_highest_offset'] == 108 * 4096
    assert st['rd_total_time_ns'] > 0 and st['wr_total_time_ns'] > 0
    assert 'idle_time_ns' in st and st['idle_time_ns'] >= 0
    assert st['failed_rd_operations'] == st['invalid_rd_operations'] == 0
    # The protocol node saw the same furthest write.
    parent = q.command('query-blockstats')[0]['parent']
    assert parent['stats']['wr_highest_offset'] == 108 * 4096
    text = q.command('human-monitor-command', **{'command-line': 'info blockstats'})
    got = re.match(r'd0: rd_bytes=(\d+) wr_bytes=(\d+) rd_operations=\d+ '
                   r'wr_operations=\d+ flush_operations=\d+ wr_total_time_ns=\d+ '
                   r'rd_total_time_ns=\d+ flush_total_time_ns=\d+ rd_merged=0 '
                   r'wr_merged=0 idle_time_ns=\d+\r?\n$', text)
    assert got, text
    assert int(got.group(2)) == st['wr_bytes']
    text = q.command('human-monitor-command', **{'command-line': 'info block'})
    assert re.match(r'd0 \(#block\d+\): %s \(raw\)\r?\n'
                    r'    Attached to:      vd0\r?\n'
                    r'    Cache mode:       writeback\r?\n$' % re.escape(path), text), text
    # A virtio disk is not removable (QEMU's words).
    with pytest.raises(machina.QMPError) as e:
        q.command('eject', device='d0')
    assert "Device 'd0' is not removable" in str(e.value)
    poweroff(m)


# ------------------------------------------------------- removable media

def test_eject_and_change_a_drive_without_device(machine, tmp_path):
    if not os.path.exists(binary('x86_64')):
        pytest.skip('machina-system-x86_64 is not built')
    a, b = tmp_path / 'a.img', tmp_path / 'b.img'
    a.write_bytes(b'\0' * (1 << 20))
    b.write_bytes(b'\0' * (2 << 20))
    m = machine('x86_64', '-M', 'pc', '-S', '-display', 'none', '-nodefaults',
                '-drive', 'if=none,id=cd,file=%s,format=raw' % a,
                '-blockdev', 'driver=file,node-name=f2,filename=%s' % b,
                '-blockdev', 'driver=raw,node-name=n2,file=f2',
                nographic=False, qmp=True)
    q = m.qmp()
    info = q.command('query-block')[0]
    assert info['device'] == 'cd' and info['removable'] is True
    assert 'tray_open' not in info            # no device: no tray
    q.command('eject', device='cd')
    info = q.command('query-block')[0]
    assert info['removable'] is True and 'inserted' not in info
    hmp = q.command('human-monitor-command', **{'command-line': 'info block'})
    assert hmp.replace('\r', '') == 'cd: [not inserted]\n    Removable device: not locked, tray closed\n'
    # Nothing inside: eject again is fine, as in QEMU.
    q.command('eject', device='cd')
    q.command('human-monitor-command', **{'command-line': 'change cd %s raw read-only' % b})
    ins = q.command('query-block')[0]['inserted']
    assert ins['file'] == str(b) and ins['ro'] is True
    assert ins['image']['virtual-size'] == 2 << 20
    q.command('human-monitor-command', **{'command-line': 'eject cd'})
    # -blockdev node in, via the open-tray/insert/close sequence.
    q.command('blockdev-open-tray', device='cd')
    with pytest.raises(machina.QMPError) as e:
        q.command('blockdev-insert-medium', id='cd', **{'node-name': 'n2'})
    assert "Device 'cd' not found" in str(e.value)   # id= names a device, not a drive
    q.command('blockdev-close-tray', device='cd')
    stats = q.command('query-blockstats')
    assert stats[0]['device'] == 'cd' and 'node-name' not in stats[0]


def oracle_exchange(argv, tmpdir, requests):
    sock = os.path.join(tmpdir, 'blk.sock')
    p = subprocess.Popen(argv + ['-qmp', 'unix:%s,server=on,wait=off' % sock],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        q = QMPClient(sock, alive=p)
        q.send_raw(json.dumps({'execute': 'qmp_capabilities'}))
        q.reply()
        out = []
        for req in requests:
            q.send_raw(json.dumps(req))
            out.append(q.reply())
        q.close()
        return out
    finally:
        p.kill()
        p.wait()
        if os.path.exists(sock):
            os.unlink(sock)


@pytest.mark.skipif(not shutil.which('qemu-system-x86_64'),
                    reason='no qemu-system-x86_64 to compare with')
def test_media_errors_match_qemu(tmp_path):
    if not os.path.exists(binary('x86_64')):
        pytest.skip('machina-system-x86_64 is not built')
    img, img2 = tmp_path / 'o.img', tmp_path / 'o2.img'
    img.write_bytes(b'\0' * (1 << 20))
    img2.write_bytes(b'\0' * (2 << 20))
    opts = ['-M', 'pc', '-S', '-display', 'none', '-nodefaults',
            '-drive', 'if=none,id=d0,file=%s,format=raw,file.locking=off' % img,
            '-blockdev', 'driver=file,node-name=f1,filename=%s,locking=off' % img,
            '-blockdev', 'driver=raw,node-name=n1,file=f1',
            '-device', 'virtio-blk-pci,drive=n1,id=vb',
            '-drive', 'if=virtio,file=%s,format=raw,file.locking=off' % img]
    reqs = [
        {'execute': 'eject', 'arguments': {'device': 'nope'}},
        {'execute': 'eject', 'arguments': {'id': 'nope'}},
        {'execute': 'eject', 'arguments': {'id': 'vb', 'device': 'd0'}},
        {'execute': 'eject'},
        {'execute': 'eject', 'arguments': {'device': 'virtio0'}},
        {'execute': 'eject', 'arguments': {'id': 'vb'}},
        {'execute': 'blockdev-open-tray', 'arguments': {'device': 'd0'}},
        {'execute': 'blockdev-open-tray', 'arguments': {'device': 'virtio0'}},
        {'execute': 'blockdev-close-tray', 'arguments': {'device': 'virtio0'}},
        {'execute': 'blockdev-close-tray', 'arguments': {'device': 'd0'}},
        {'execute': 'blockdev-remove-medium', 'arguments': {'id': 'vb'}},
        {'execute': 'blockdev-change-medium', 'arguments': {
            'device': 'virtio0', 'filename': str(img2), 'format': 'raw'}},
        {'execute': 'eject', 'arguments': {'device': 'd0'}},
        {'execute': 'eject', 'arguments': {'device': 'd0'}},
        {'execute': 'blockdev-insert-medium', 'arguments': {'id': 'vb', 'node-name': 'n1'}},
        {'execute': 'blockdev-insert-medium', 'arguments': {'id': 'nope', 'node-name': 'n1'}},
        {'execute': 'blockdev-change-medium', 'arguments': {
            'device': 'd0', 'filename': str(img2), 'format': 'raw',
            'read-only-mode': 'read-only'}},
        {'execute': 'blockdev-change-medium', 'arguments': {
            'device': 'd0', 'filename': str(img2), 'read-only-mode': 'bogus'}},
        {'execute': 'human-monitor-command', 'arguments': {'command-line': 'eject virtio0'}},
        {'execute': 'human-monitor-command', 'arguments': {'command-line': 'eject nope'}},
        {'execute': 'human-monitor-command', 'arguments': {'command-line': 'info block d0'}},
        {'execute': 'human-monitor-command', 'arguments': {'command-line': 'info balloon'}},
        {'execute': 'human-monitor-command', 'arguments': {'command-line': 'info network'}},
        {'execute': 'human-monitor-command', 'arguments': {'command-line': 'info blockstats'}},
    ]
    theirs = oracle_exchange(['qemu-system-x86_64'] + opts, str(tmp_path), reqs)
    ours = oracle_exchange([binary('x86_64')] + opts, str(tmp_path), reqs)
    for req, a, b in zip(reqs, ours, theirs):
        assert a.get('error') == b.get('error'), (req, a, b)
        assert ('return' in a) == ('return' in b), (req, a, b)
        if req['execute'] == 'human-monitor-command':
            # Node names carry random digits in both.
            norm = [re.sub(r'#block\d+', '#block', x['return']) for x in (a, b)]
            assert norm[0] == norm[1], (req, a, b)
