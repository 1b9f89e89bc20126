"""HMP against a running machina-system-*: over a pty (as a person at a
terminal), over the stdio mux shared with the serial port (-nographic,
Ctrl-A c), over TCP with socat, and through QMP's human-monitor-command.
xp reads guest memory that holds a firmware image of ours: its output must
show the file's bytes.
"""
import os
import re
import select
import shutil
import subprocess
import time
import tty

import pytest

from test_qmp import pick_machine, free_port

PROMPT = b'(qemu) '


@pytest.fixture
def board():
    return pick_machine()


def firmware_file(tmpdir, board):
    """A firmware image of known bytes and the address the board loads it at."""
    target, _ = board
    data = bytes((i * 37 + 11) & 0xff for i in range(64 * 1024))
    path = os.path.join(tmpdir, 'fw.bin')
    with open(path, 'wb') as f:
        f.write(data)
    base = 0x80000000 if target == 'riscv64' else (1 << 32) - len(data)
    return path, base, data


def xp_line(base, data, count):
    words = ['0x%08x' % int.from_bytes(data[i * 4:i * 4 + 4], 'little')
             for i in range(count)]
    return '%016x: %s' % (base, ' '.join(words))


class Pty:
    """The terminal side of a -monitor pty: raw mode, read until the prompt."""

    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.buf = b''

    def read_until(self, token, timeout=10):
        deadline = time.monotonic() + timeout
        while token not in self.buf:
            left = deadline - time.monotonic()
            assert left > 0, 'timeout waiting for %r, have %r' % (token, self.buf[-500:])
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                self.buf += os.read(self.fd, 65536)
        out, self.buf = self.buf.split(token, 1)
        return out

    def command(self, line):
        os.write(self.fd, line.encode() + b'\r')
        out = self.read_until(PROMPT).decode()
        # The echo of the line, then its output.
        echo, _, rest = out.partition('\r\n')
        assert echo == line, (echo, line)
        return rest

    def close(self):
        os.close(self.fd)


def test_hmp_over_pty(machine, board, tmp_path):
    fw, base, data = firmware_file(str(tmp_path), board)
    m = machine(board[0], '-M', board[1], '-S', '-display', 'none', '-bios', fw,
                '-monitor', 'pty', nographic=False)
    path = m.wait_for(re.compile(r'char device redirected to (/dev/pts/\d+) '
                                 r'\(label compat_monitor0\)'), stderr=True).group(1)
    t = Pty(path)
    try:
        assert b"Machina 0.1.0 monitor - type 'help' for more information" in \
            t.read_until(PROMPT)
        assert t.command('info status') == 'VM status: paused (prelaunch)\r\n'
        mtree = t.command('info mtree')
        assert mtree.startswith('address-space: memory\r\n')
        assert '(prio 0, i/o): system\r\n' in mtree
        qtree = t.command('info qtree')
        assert qtree.startswith('bus: main-system-bus\r\n')
        # The firmware image, read back through the system address space.
        assert t.command('xp /4xw 0x%x' % base) == xp_line(base, data, 4) + '\r\n'
        assert t.command('xp /2xg 0x%x' % (base + 8)) == '%016x: 0x%016x 0x%016x\r\n' % (
            base + 8, int.from_bytes(data[8:16], 'little'),
            int.from_bytes(data[16:24], 'little'))
        assert t.command('xp /3ub 0x%x' % base) == '%016x: %s\r\n' % (
            base, ' '.join('%3u' % b for b in data[:3]))
        assert t.command('print 0x%x+4' % base) == '0x%x\r\n' % (base + 4)
        assert t.command('nosuch') == "unknown command: 'nosuch'\r\n"
        assert 'info mtree [-f]' in t.command('help info')
        regs = t.command('info registers')
        assert len(regs.splitlines()) > 4
        assert t.command('info cpus').startswith('* CPU #0: thread_id=')
        assert 'compat_monitor0: filename=pty:' in t.command('info chardev')
        t.command('cont')
        assert t.command('info status') == 'VM status: running\r\n'
        t.command('stop')
        assert t.command('info status') == 'VM status: paused\r\n'
        os.write(t.fd, b'quit\r')
        assert m.wait() == 0
    finally:
        t.close()


def test_hmp_on_the_stdio_mux(machine, board):
    m = machine(board[0], '-M', board[1], '-S')        # -nographic: serial + HMP on stdio
    # The guest's console has the screen; Ctrl-A c brings up the monitor,
    # whose banner shows the first time, as QEMU's does.
    m.send(b'\x01c')
    m.wait_for("Machina 0.1.0 monitor - type 'help' for more information\r\n(qemu) ")
    m.send('info status\r')
    m.wait_for('VM status: paused (prelaunch)')
    m.send('info chardev\r')
    m.wait_for(re.compile(r'serial0: filename=mux:serial0-base'))
    m.send('info mtree -f\r')
    m.wait_for('FlatView #0')
    m.send('q\r')
    assert m.wait() == 0
    assert m.output.count('monitor - type') == 1


@pytest.mark.skipif(not shutil.which('socat'), reason='socat is not installed')
def test_hmp_over_tcp_with_socat(machine, board):
    port = free_port()
    m = machine(board[0], '-M', board[1], '-S', '-display', 'none', '-monitor',
                'tcp:127.0.0.1:%d,server=on,wait=off' % port, nographic=False)
    deadline = time.monotonic() + 10
    while True:
        r = subprocess.run(['socat', '-t', '1', '-', 'TCP:localhost:%d' % port],
                           input=b'info status\ninfo kvm\n', capture_output=True,
                           timeout=10)
        if r.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    out = r.stdout.decode()
    assert 'VM status: paused (prelaunch)\r\n' in out
    assert 'kvm support: ' in out


def test_hmp_through_qmp(machine, board, tmp_path):
    fw, base, data = firmware_file(str(tmp_path), board)
    m = machine(board[0], '-M', board[1], '-S', '-display', 'none', '-bios', fw,
                nographic=False, qmp=True)
    q = m.qmp()
    assert q.command('human-monitor-command', command_line='xp /4xw 0x%x' % base) == \
        xp_line(base, data, 4) + '\r\n'
    out = q.command('human-monitor-command', command_line='info qom-tree')
    assert out.startswith('/machine (')
    # HMP's stop is QMP's stop: the event arrives on the QMP side.
    q.command('cont')
    q.event_wait('RESUME')
    assert q.command('human-monitor-command', command_line='stop') == ''
    q.event_wait('STOP')
    out = q.command('human-monitor-command', command_line='device_add nosuch-device')
    assert out == "Error: 'nosuch-device' is not a valid device model name\r\n"
    # pmemsave writes the firmware's bytes back out.
    dump = os.path.join(str(tmp_path), 'dump.bin')
    assert q.command('human-monitor-command',
                     command_line='pmemsave 0x%x 4096 %s' % (base, dump)) == ''
    with open(dump, 'rb') as f:
        assert f.read() == data[:4096]
    if board[0] == 'riscv64':
        # At reset the hart is in M-mode: virtual is physical (memsave = pmemsave).
        q.command('memsave', val=base + 16, size=64, filename=dump)
        with open(dump, 'rb') as f:
            assert f.read() == data[16:80]


def test_hmp_ringbuf(machine, board):
    m = machine(board[0], '-M', board[1], '-S', '-display', 'none', '-chardev',
                'ringbuf,id=rb,size=1024', nographic=False, qmp=True)
    q = m.qmp()
    hmp = lambda line: q.command('human-monitor-command', command_line=line)
    assert hmp('ringbuf_write rb hello world') == ''
    assert hmp('ringbuf_read rb 5') == 'hello\r\n'
    assert q.command('ringbuf-read', device='rb', size=100) == ' world'
    assert hmp('chardev-remove rb') == ''
    assert hmp('ringbuf_read rb 5') == "Error: Device 'rb' not found\r\n"

