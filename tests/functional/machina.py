"""The shared harness of the functional tests: find binaries, start machines,
wait for serial output, and always clean up.

    from machina import Machine, binary, run, linux_guest

    def test_boot(machine):                     # the pytest fixture (conftest.py)
        m = machine('riscv64', '-M', 'virt', '-kernel', k, '-append', '...')
        m.wait_for('MACHINA-INIT-READY', timeout=60)
        m.send('poweroff -f\\n')
        assert m.wait() == 0

Machines run with -nographic unless told otherwise, so the first serial port
is the process's stdin/stdout.  Nothing here sleeps for a fixed time: every
wait is on output, on process exit, or on a deadline.
"""
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get('MACHINA_BUILD', os.path.join(ROOT, 'build'))
CACHE = os.environ.get('MACHINA_CACHE',
                       os.path.join(os.path.expanduser('~'), '.cache', 'machina'))
TAIL = 2048          # bytes of output quoted in a failure message


def binary(target):
    """Path of build/machina-system-<target>."""
    return os.path.join(BUILD, 'machina-system-' + target)


# MACHINA_TCG_BACKEND=interp|native: run every riscv64 machine the tests
# start on that TCG back end (unless the test chooses -accel itself).
TCG_BACKEND = os.environ.get('MACHINA_TCG_BACKEND', '')


def with_tcg_backend(argv, backend=None):
    """argv with -accel tcg,backend=B added for a machina-system-riscv64
    command line that does not pick an accelerator; B defaults to
    $MACHINA_TCG_BACKEND (nothing is added when that is unset)."""
    backend = backend or TCG_BACKEND
    argv = list(argv)
    if (not backend or not argv or
            os.path.basename(str(argv[0])) != 'machina-system-riscv64' or
            any(str(a) == '-accel' or 'accel=' in str(a) for a in argv[1:])):
        return argv
    return argv[:1] + ['-accel', 'tcg,backend=' + backend] + argv[1:]


def run(argv, timeout=60, **kw):
    """Run a command to completion, capturing text output."""
    return subprocess.run(with_tcg_backend(argv), capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, **kw)


class MachineError(AssertionError):
    """A wait failed; the message carries the end of the machine's output."""


class Machine:
    """One emulator process with its serial console on stdin/stdout.

    args: the command-line arguments after the binary.  nographic: add
    -nographic (serial 0 on a mux over stdio) unless args already choose
    the serial port or display.  The process starts on start() or when used
    as a context manager, and is always killed by close().
    """

    def __init__(self, target='riscv64', *args, nographic=True, binary_path=None,
                 env=None, qmp=False):
        self.argv = with_tcg_backend([binary_path or binary(target)] + [str(a) for a in args])
        if nographic and not ({'-nographic', '-serial', '-display'} & set(self.argv)):
            self.argv.append('-nographic')
        self.env = env
        self.proc = None
        self.tmpdir = tempfile.mkdtemp(prefix='machina-test-')
        # qmp=True: a QMP server on a socket in tmpdir, for self.qmp().
        self.qmp_path = os.path.join(self.tmpdir, 'qmp.sock') if qmp else None
        self._qmp = None
        if qmp:
            self.argv += ['-qmp', 'unix:%s,server=on,wait=off' % self.qmp_path]
        self._out = bytearray()          # all stdout (the serial console)
        self._err = bytearray()
        self._pos = 0                    # wait_for consumes up to here
        self._err_pos = 0
        self._cond = threading.Condition()
        self._threads = []
        self._eof = 0                    # streams at end of file
        self._out_eof = False

    # -------------------------------------------------------------- life
    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=self.env, start_new_session=True)
        for stream, buf in ((self.proc.stdout, self._out), (self.proc.stderr, self._err)):
            t = threading.Thread(target=self._reader, args=(stream, buf), daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def _reader(self, stream, buf):
        fd = stream.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b''
            with self._cond:
                if not data:
                    self._eof += 1
                    if buf is self._out:
                        self._out_eof = True
                    self._cond.notify_all()
                    return
                buf.extend(data)
                self._cond.notify_all()

    def __enter__(self):
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def qmp(self, timeout=10):
        """The machine's QMP client (made with qmp=True), connected and past
        capabilities negotiation."""
        if self._qmp is None:
            if not self.qmp_path:
                raise MachineError('machine was not started with qmp=True')
            self._qmp = QMPClient(self.qmp_path, timeout=timeout, alive=self.proc)
        return self._qmp

    def close(self):
        """Kill the process (if still running) and remove the temp dir."""
        if self._qmp is not None:
            self._qmp.close()
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        if self.proc is not None:
            self.proc.wait()
            for t in self._threads:
                t.join(timeout=5)
            for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    f.close()
                except (OSError, ValueError):
                    pass
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    # ------------------------------------------------------------ output
    @property
    def output(self):
        """Everything the guest printed so far (text)."""
        with self._cond:
            return self._out.decode(errors='replace')

    @property
    def stderr(self):
        with self._cond:
            return self._err.decode(errors='replace')

    def _tail(self):
        out = self._out[-TAIL:].decode(errors='replace')
        err = self._err[-TAIL:].decode(errors='replace')
        return ('\n--- last %d bytes of serial output ---\n%s\n--- stderr ---\n%s'
                % (TAIL, out, err))

    def wait_for(self, pattern, timeout=30, stderr=False):
        """Wait until pattern (a str, or a compiled regex) appears in the
        serial output (or stderr) after the previous match there; returns
        the regex match."""
        rx = pattern if hasattr(pattern, 'search') else re.compile(re.escape(pattern))
        deadline = time.monotonic() + timeout
        buf = self._err if stderr else self._out
        with self._cond:
            while True:
                pos = self._err_pos if stderr else self._pos
                text = buf[pos:].decode(errors='replace')
                m = rx.search(text)
                if m:
                    pos += len(text[:m.end()].encode(errors='replace'))
                    if stderr:
                        self._err_pos = pos
                    else:
                        self._pos = pos
                    return m
                # Only once the serial output is drained: the process may be
                # gone while its last bytes are still in the pipe.
                if (self._err_eof_done() if stderr else self._out_eof) and \
                        self.proc.poll() is not None:
                    raise MachineError('machine exited (status %s) before %r appeared%s'
                                       % (self.proc.returncode, rx.pattern, self._tail()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise MachineError('timeout after %ss waiting for %r%s'
                                       % (timeout, rx.pattern, self._tail()))
                self._cond.wait(min(left, 1.0))

    def _err_eof_done(self):
        return self._eof - (1 if self._out_eof else 0) >= 1

    def send(self, text):
        """Type text on the serial console."""
        data = text.encode() if isinstance(text, str) else text
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def wait(self, timeout=30):
        """Wait for the process to exit; returns its exit status.

        Also waits (briefly) for the reader threads to reach end of file, so
        that output written just before the exit is in .output/.stderr."""
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with self._cond:
                tail = self._tail()
            raise MachineError('machine still running after %ss%s' % (timeout, tail))
        try:
            self.wait_output_closed(timeout=5)
        except MachineError:
            pass            # a child kept the pipes open: report what we have
        return status

    def wait_output_closed(self, timeout=30):
        """Wait until both output pipes are closed (process gone)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._eof < 2:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise MachineError('output still open after %ss%s'
                                       % (timeout, self._tail()))
                self._cond.wait(min(left, 1.0))

    def terminate(self, sig=signal.SIGTERM):
        """Send a signal to the emulator (not its process group)."""
        self.proc.send_signal(sig)


# -------------------------------------------------------------------- QMP

class QMPError(AssertionError):
    """A QMP error reply: .cls and .desc as the server sent them."""

    def __init__(self, reply):
        err = reply['error']
        self.cls, self.desc, self.reply = err['class'], err['desc'], reply
        super().__init__('%s: %s' % (self.cls, self.desc))


class QMPClient:
    """A small QMP client (docs/monitor.md): connect to a unix socket path
    or a (host, port) pair, read the greeting, negotiate, run commands.
    Events that arrive meanwhile are kept in .events for event_wait()."""

    def __init__(self, addr, timeout=10, negotiate=True, alive=None):
        import json
        import socket
        self._json = json
        deadline = time.monotonic() + timeout
        while True:
            try:
                if isinstance(addr, tuple):
                    self.sock = socket.create_connection(addr, timeout=timeout)
                else:
                    self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    self.sock.settimeout(timeout)
                    self.sock.connect(addr)
                break
            except OSError:
                # The server socket appears once the machine has started.
                if time.monotonic() > deadline or (alive and alive.poll() is not None):
                    raise
                time.sleep(0.05)
        self.timeout = timeout
        self._buf = b''
        self.events = []
        self.greeting = self.recv()
        if negotiate:
            self.cmd('qmp_capabilities')

    def close(self):
        for sock in (getattr(self, '_wsock', None), self.sock):
            try:
                if sock is not None:
                    sock.close()
            except OSError:
                pass

    def send_raw(self, data):
        # A dup'ed socket: recv() in another thread changes the timeout of its own.
        if not hasattr(self, '_wsock'):
            self._wsock = self.sock.dup()
            self._wsock.settimeout(self.timeout * 6)
        self._wsock.sendall(data.encode() if isinstance(data, str) else data)

    def recv(self, timeout=None):
        """The next message (a dict), event or not."""
        dec = self._json.JSONDecoder()
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            text = self._buf.decode(errors='replace').lstrip()
            if text:
                try:
                    obj, end = dec.raw_decode(text)
                    self._buf = text[end:].encode()
                    return obj
                except ValueError:
                    pass
            left = deadline - time.monotonic()
            if left <= 0:
                raise MachineError('QMP: no message within %ss (have %r)'
                                   % (timeout or self.timeout, self._buf[-200:]))
            self.sock.settimeout(left)
            data = self.sock.recv(65536)
            if not data:
                raise MachineError('QMP: connection closed (have %r)' % self._buf[-200:])
            self._buf += data

    def reply(self, timeout=None):
        """The next non-event message; events go to .events."""
        while True:
            msg = self.recv(timeout)
            if 'event' in msg:
                self.events.append(msg)
                continue
            return msg

    def cmd(self, name, args=None, id=None):
        """Run a command; its whole reply ({"return": ...} or {"error": ...})."""
        req = {'execute': name}
        if args is not None:
            req['arguments'] = args
        if id is not None:
            req['id'] = id
        self.send_raw(self._json.dumps(req))
        return self.reply()

    def command(self, name, **args):
        """Run a command; its return value, or QMPError."""
        r = self.cmd(name, {k.replace('_', '-'): v for k, v in args.items()} or None)
        if 'error' in r:
            raise QMPError(r)
        return r['return']

    def event_wait(self, name, timeout=None):
        """Wait for (and consume) the first event called name."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, ev in enumerate(self.events):
                if ev['event'] == name:
                    return self.events.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise MachineError('QMP: no %s event within %ss (got %r)'
                                   % (name, timeout or self.timeout,
                                      [e['event'] for e in self.events]))
            self.events.append(self.recv(left))
            if 'event' not in self.events[-1]:
                raise MachineError('QMP: unexpected reply %r' % self.events.pop())


# ------------------------------------------------------------ guest images

def _recipe_hash(paths):
    h = hashlib.sha256()
    for p in paths:
        with open(p, 'rb') as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def linux_guest(build=True, timeout=1800):
    """The riscv64 Linux test guest (tests/guest/riscv64/build-linux.sh).

    Returns a dict with 'dir', 'kernel', 'initrd', 'checksum' (the expected
    MACHINA-CHECKSUM of machina.run=test).  The images are cached under
    ~/.cache/machina/ by recipe hash; with build=False, returns None if they
    are not built yet instead of spending minutes building them.
    """
    script = os.path.join(ROOT, 'tests', 'guest', 'riscv64', 'build-linux.sh')
    argv = [script] + ([] if build else ['--cached'])
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                       stdin=subprocess.DEVNULL)
    if r.returncode == 2 and not build:
        return None
    if r.returncode != 0:
        raise RuntimeError('guest image build failed:\n' + r.stderr[-TAIL:])
    d = r.stdout.strip().splitlines()[-1]
    with open(os.path.join(d, 'expected-checksum')) as f:
        checksum = f.read().strip()
    return {'dir': d, 'kernel': os.path.join(d, 'Image'),
            'initrd': os.path.join(d, 'initramfs.cpio.gz'), 'checksum': checksum}


def riscv64_binary_or_skip():
    """machina-system-riscv64's path; skips the calling test if it is not built."""
    import pytest
    path = binary('riscv64')
    if not os.path.exists(path):
        pytest.skip('machina-system-riscv64 is not built')
    return path


def linux_guest_or_skip():
    """linux_guest(build=True) for riscv64 tests; skips the calling test when
    the emulator is not built or the cross toolchain is missing."""
    import pytest
    riscv64_binary_or_skip()
    if not shutil.which('riscv64-linux-gnu-gcc'):
        pytest.skip('needs the riscv64 cross toolchain (scripts/deps.sh)')
    return linux_guest(build=True)


def cache_dir(*recipe_files):
    """~/.cache/machina/<hash of the recipe files>/ for a test's own artefacts
    (created if missing)."""
    d = os.path.join(CACHE, _recipe_hash(recipe_files))
    os.makedirs(d, exist_ok=True)
    return d
