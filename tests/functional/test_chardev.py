"""Chardev backends against a real peer (socat), through tests/chardev-echo:
a program that opens one chardev from a -chardev string and echoes its
input in upper case.  It runs the same code a machine's serial port uses."""
import os
import select
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from machina import BUILD, run

ECHO = os.path.join(BUILD, 'tests', 'chardev-echo')

pytestmark = [
    pytest.mark.skipif(not os.path.exists(ECHO), reason='chardev-echo not built'),
    pytest.mark.skipif(shutil.which('socat') is None, reason='socat not installed'),
]


class Echo:
    """A running chardev-echo; always killed at the end."""

    def __init__(self, spec):
        self.p = subprocess.Popen([ECHO, spec], stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = b''
        self.err = b''

    def wait_line(self, prefix, timeout=10):
        """The first stdout line starting with prefix (consumed with all before it)."""
        end = time.monotonic() + timeout
        while True:
            lines = self.out.split(b'\n')
            for i, line in enumerate(lines[:-1]):
                if line.decode().startswith(prefix):
                    self.out = b'\n'.join(lines[i + 1:])
                    return line.decode()
            left = end - time.monotonic()
            if left <= 0 or self.p.poll() is not None and not self._pending():
                raise AssertionError('no %r line; stdout %r stderr %r' %
                                     (prefix, self.out, self.stderr_now()))
            r, _, _ = select.select([self.p.stdout], [], [], min(left, 0.5))
            if r:
                chunk = os.read(self.p.stdout.fileno(), 4096)
                if not chunk and self.p.poll() is not None:
                    continue
                self.out += chunk

    def _pending(self):
        r, _, _ = select.select([self.p.stdout], [], [], 0)
        return bool(r)

    def stderr_now(self, timeout=0.2):
        r, _, _ = select.select([self.p.stderr], [], [], timeout)
        if r:
            self.err += os.read(self.p.stderr.fileno(), 4096)
        return self.err.decode(errors='replace')

    def filename(self):
        return self.wait_line('chardev ').split(' ', 1)[1]

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(5)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


@pytest.fixture
def echo():
    started = []

    def start(spec):
        e = Echo(spec)
        started.append(e)
        return e
    yield start
    for e in started:
        e.stop()


@pytest.fixture
def tmpdir_short():
    # Unix socket paths are limited to 107 bytes: keep them short.
    d = tempfile.mkdtemp(prefix='mchr')
    yield d
    shutil.rmtree(d, ignore_errors=True)


def socat_send(address, text, timeout=10):
    """Connect with socat, send text, return what came back before EOF + 1 s."""
    r = subprocess.run(['socat', '-t', '1', '-', address], input=text.encode(),
                       capture_output=True, timeout=timeout)
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_tcp_server_echoes_to_socat(echo):
    e = echo('socket,id=s0,host=127.0.0.1,port=0,server=on,wait=off')
    name = e.filename()
    assert name.startswith('disconnected:tcp:127.0.0.1:')
    port = int(name.split(':')[3].split(',')[0])
    assert socat_send('TCP:127.0.0.1:%d' % port, 'hello machina\n') == 'HELLO MACHINA\n'
    e.wait_line('event opened')
    e.wait_line('event closed')
    # The server takes the next client after the first left.
    assert socat_send('TCP:127.0.0.1:%d' % port, 'again\n') == 'AGAIN\n'
    e.wait_line('event opened')
    assert e.stop() == 0


def test_tcp_server_wait_blocks_until_client(echo):
    port = free_port()
    e = echo('socket,id=s0,host=127.0.0.1,port=%d,server=on' % port)
    # wait=on is the default for servers: nothing is open before a client.
    deadline = time.monotonic() + 10
    while 'waiting for connection on: disconnected:tcp:127.0.0.1:%d' % port \
            not in e.stderr_now():
        assert time.monotonic() < deadline, e.err
    assert socat_send('TCP:127.0.0.1:%d' % port, 'first\n') == 'FIRST\n'
    # The open returned only once the client was there: the name shows both ends.
    assert e.filename().startswith('tcp:127.0.0.1:%d,server=on <-> 127.0.0.1:' % port)
    e.wait_line('event closed')


def test_unix_server_echoes_to_socat(echo, tmpdir_short):
    path = os.path.join(tmpdir_short, 's.sock')
    e = echo('socket,id=u0,path=%s,server=on,wait=off' % path)
    assert e.filename() == 'disconnected:unix:%s,server=on' % path
    assert socat_send('UNIX-CONNECT:' + path, 'over unix\n') == 'OVER UNIX\n'
    e.wait_line('event closed')
    assert e.stop() == 0
    # The server removes its socket file on the way out.
    assert not os.path.exists(path)


def test_client_connects_to_socat_listener(echo, tmpdir_short):
    path = os.path.join(tmpdir_short, 'l.sock')
    peer = subprocess.Popen(['socat', '-t', '2', 'UNIX-LISTEN:' + path, '-'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(path):
            assert time.monotonic() < deadline, 'socat did not listen'
            time.sleep(0.02)
        e = echo('socket,id=c0,path=%s' % path)
        e.wait_line('event opened')
        out, err = peer.communicate(b'from the peer\n', timeout=10)
        assert out.decode() == 'FROM THE PEER\n', err
        e.wait_line('event closed')
    finally:
        if peer.poll() is None:
            peer.kill()
            peer.wait()


def test_client_to_closed_port_names_address():
    port = free_port()
    r = run([ECHO, 'socket,id=c0,host=127.0.0.1,port=%d' % port], timeout=20)
    assert r.returncode == 1
    assert '127.0.0.1:%d' % port in r.stderr
    assert 'Connection refused' in r.stderr


def test_bad_option_is_named():
    r = run([ECHO, 'socket,id=c0,path=/tmp/x,colour=blue'], timeout=20)
    assert r.returncode == 1
    assert "Invalid parameter 'colour'" in r.stderr
    r = run([ECHO, 'ringbuf,id=r0,size=100'], timeout=20)
    assert r.returncode == 1
    assert 'power of two' in r.stderr


def test_chardev_help_lists_backends():
    r = run([ECHO, 'help'], timeout=20)
    assert r.returncode == 0
    names = [l.split()[0] for l in r.stdout.splitlines() if l.startswith('  ')
             and not l.startswith('      ')]
    for b in ('file', 'null', 'pipe', 'pty', 'ringbuf', 'socket', 'stdio'):
        assert b in names
    assert 'mux' not in names


def test_pty_talks_to_socat(echo):
    e = echo('pty,id=p0')
    name = e.filename()
    assert name.startswith('pty:/dev/pts/')
    dev = name[4:]
    deadline = time.monotonic() + 10
    while 'char device redirected to %s (label p0)' % dev not in e.stderr_now():
        assert time.monotonic() < deadline, e.err
    peer = subprocess.Popen(['socat', '-t', '3', '-', dev + ',raw,echo=0'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        # The backend notices the reader within its 1 s poll.
        e.wait_line('event opened')
        peer.stdin.write(b'serial line\n')
        peer.stdin.flush()
        got = b''
        deadline = time.monotonic() + 10
        while b'SERIAL LINE\n' not in got:
            assert time.monotonic() < deadline, got
            r, _, _ = select.select([peer.stdout], [], [], 0.5)
            if r:
                got += os.read(peer.stdout.fileno(), 4096)
    finally:
        peer.kill()
        peer.wait()


def test_stdio_pipe_echo():
    # stdin at EOF does not end the program (a guest console outlives it), so
    # drive it with a pipe and stop it with SIGTERM.
    proc = subprocess.Popen([ECHO, 'stdio,id=s0'], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        proc.stdin.write(b'piped input\n')
        proc.stdin.flush()
        got = b''
        deadline = time.monotonic() + 10
        while b'PIPED INPUT\n' not in got:
            assert time.monotonic() < deadline, got
            r, _, _ = select.select([proc.stdout], [], [], 0.5)
            if r:
                got += os.read(proc.stdout.fileno(), 4096)
        assert got.startswith(b'chardev stdio\n')
    finally:
        proc.terminate()
        assert proc.wait(10) == 0


def _tty_echo(spec):
    """chardev-echo with a pseudo-terminal as its stdin/stdout."""
    import pty
    import termios
    import signal
    master, slave = pty.openpty()
    before = termios.tcgetattr(slave)

    def default_signals():
        # A runner started in the background (nohup, a non-interactive
        # shell's `&`) passes SIGHUP/SIGQUIT down as ignored; the program
        # under test must see them as a terminal user's shell would give them.
        for sig in (signal.SIGHUP, signal.SIGQUIT, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)

    proc = subprocess.Popen([ECHO, spec], stdin=slave, stdout=slave,
                            stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=default_signals)
    return proc, master, slave, before


def _read_until(fd, want, timeout=10):
    got = b''
    deadline = time.monotonic() + timeout
    while want not in got:
        assert time.monotonic() < deadline, got
        r, _, _ = select.select([fd], [], [], 0.5)
        if r:
            got += os.read(fd, 4096)
    return got


@pytest.mark.parametrize('sig', ['SIGTERM', 'SIGQUIT', 'SIGHUP'])
def test_stdio_tty_raw_and_restored(sig):
    import signal
    import termios
    proc, master, slave, before = _tty_echo('stdio,id=s0')
    try:
        _read_until(master, b'chardev stdio')
        now = termios.tcgetattr(slave)
        # Raw while running: no canonical mode, no local echo.
        assert not now[3] & termios.ICANON
        assert not now[3] & termios.ECHO
        os.write(master, b'k')          # a single key, no newline needed
        _read_until(master, b'K')
        proc.send_signal(getattr(signal, sig))
        proc.wait(10)
        # Whichever way it ended, the terminal is as it was.
        assert termios.tcgetattr(slave) == before
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)


def test_mux_ctrl_a_x_terminates():
    import termios
    proc, master, slave, before = _tty_echo('stdio,id=m0,mux=on,signal=off')
    try:
        _read_until(master, b'chardev mux:m0-base')
        assert not termios.tcgetattr(slave)[3] & termios.ISIG   # signal=off
        os.write(master, b'abc\x01h')
        got = _read_until(master, b'C-a x')
        # Input typed before the command is delivered (and echoed) first.
        assert b'ABC' in got and got.index(b'ABC') < got.index(b'C-a h')
        os.write(master, b'\x01x')
        _read_until(master, b'machina: terminated')
        assert proc.wait(10) == 0
        assert termios.tcgetattr(slave) == before
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
        os.close(slave)
