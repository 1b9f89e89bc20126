"""The gdbstub (-gdb, -s): the real gdb-multiarch in batch mode against
machina-system-riscv64 running tests/guest/riscv64/gdb/target.c, plus raw
Remote Serial Protocol exchanges over a Python socket for the framing."""
import os
import re
import shutil
import socket
import subprocess
import time

import pytest

from machina import BUILD, ROOT, Machine, binary, run

GDB = shutil.which('gdb-multiarch')
CROSS = 'riscv64-linux-gnu-'
GUEST_DIR = os.path.join(ROOT, 'tests', 'guest', 'riscv64')
RESET_VECTOR = 0x1000           # the virt machine's boot ROM


@pytest.fixture(scope='module')
def elf():
    if not shutil.which(CROSS + 'gcc'):
        pytest.skip('no %sgcc cross compiler' % CROSS)
    if not os.path.exists(binary('riscv64')):
        pytest.skip('machina-system-riscv64 not built')
    out = os.path.join(BUILD, 'guest-riscv64')
    r = subprocess.run(['make', '-s', '-C', GUEST_DIR, 'O=' + out, 'TEST_DIRS=gdb'],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, 'guest build failed:\n' + r.stdout + r.stderr
    return os.path.join(out, 'gdb', 'target.elf')


def symbol(elf, name):
    r = subprocess.run([CROSS + 'nm', elf], capture_output=True, text=True, check=True)
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:  # local (t) symbols too
            return int(parts[0], 16)
    raise AssertionError('no symbol %s' % name)


def guest(elf, *extra, qmp=False):
    """A stopped (-S) machine with a gdbstub on a unix socket in its tmpdir."""
    m = Machine('riscv64', '-M', 'virt', '-bios', 'none', '-kernel', elf, '-S', *extra,
                qmp=qmp)
    m.gdb_path = os.path.join(m.tmpdir, 'gdb.sock')
    m.argv += ['-gdb', 'unix:%s,server=on' % m.gdb_path]
    m.start()
    deadline = time.monotonic() + 20
    while not os.path.exists(m.gdb_path):
        assert m.proc.poll() is None, m.stderr
        assert time.monotonic() < deadline, 'no gdb socket'
        time.sleep(0.05)
    return m


def gdb(elf, target, *commands, timeout=60):
    if not GDB:
        pytest.skip('gdb-multiarch not installed')
    argv = [GDB, '-batch', '-nx', elf, '-ex', 'set confirm off',
            '-ex', 'target remote %s' % target]
    for c in commands:
        argv += ['-ex', c]
    r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    return r.stdout + r.stderr


def reg(out, name):
    """Values of `info registers NAME` lines, in order."""
    return [int(v, 16) for v in re.findall(r'^%s\s+(0x[0-9a-f]+)' % name, out, re.M)]


# ------------------------------------------------------------ with gdb

def test_reset_vector_breakpoint_memory_and_set_var(elf):
    with guest(elf) as m:
        out = gdb(elf, m.gdb_path, 'info registers pc', 'break gdb_marker', 'continue',
                  'info registers pc', 'x/4xw &gdb_data', 'set var gdb_value = 42',
                  'print gdb_value', 'detach')
        pcs = reg(out, 'pc')
        assert pcs[:2] == [RESET_VECTOR, symbol(elf, 'gdb_marker')], out
        assert re.search(r'<gdb_data>:\s+0x11223344\s+0x55667788\s+0x99aabbcc\s+0xddeeff00',
                         out), out
        assert '= 42' in out, out
        # detach resumes: the program prints the value gdb wrote and fails with 3
        assert m.wait(30) == 3, m.output + m.stderr
        assert 'gdb_value=42' in m.output


def test_detach_lets_the_program_finish(elf):
    with guest(elf) as m:
        out = gdb(elf, m.gdb_path, 'break gdb_marker', 'continue', 'detach')
        assert 'Breakpoint 1, gdb_marker' in out, out
        assert m.wait(30) == 0, m.output + m.stderr
        assert 'gdb_value=7' in m.output


def test_hardware_breakpoint_and_delete(elf):
    """hbreak (Z1) stops like break; after delete (z1) the guest runs to the end."""
    with guest(elf) as m:
        out = gdb(elf, m.gdb_path, 'hbreak gdb_marker', 'continue', 'info registers pc',
                  'delete', 'break test_exit', 'continue', 'info registers pc', 'detach')
        pcs = reg(out, 'pc')
        assert pcs == [symbol(elf, 'gdb_marker'), symbol(elf, 'test_exit')], out
        assert m.wait(30) == 0, m.output + m.stderr
        assert 'gdb_value=7' in m.output


def test_stepi_advances_by_one_instruction(elf):
    with guest(elf) as m:
        out = gdb(elf, m.gdb_path, 'break main', 'continue', 'info registers pc',
                  'x/2i $pc', 'stepi', 'info registers pc', 'stepi', 'info registers pc')
        pcs = reg(out, 'pc')
        insns = re.findall(r'^(?:=> )?\s*(0x[0-9a-f]+) <main\+?\d*>:', out, re.M)
        assert len(pcs) == 3 and len(insns) >= 2, out
        assert pcs[0] == int(insns[0], 16)
        # main's first instructions are straight-line code: +2 or +4 bytes each
        assert pcs[1] == int(insns[1], 16) and pcs[1] - pcs[0] in (2, 4), out
        assert pcs[2] - pcs[1] in (2, 4), out


def test_csr_write_takes_effect(elf):
    """mscratch written by gdb reads back through the hart's CSR path."""
    with guest(elf) as m:
        out = gdb(elf, m.gdb_path, 'set var $mscratch = 0x1234abcd',
                  'info registers mscratch', 'info registers misa')
        assert reg(out, 'mscratch') == [0x1234abcd], out
        misa = reg(out, 'misa')
        assert misa and misa[0] >> 62 == 2, out     # MXL = 2: RV64


def test_register_write_takes_effect(elf):
    """Writing the pc ('P') moves the guest: jumping over main's stores."""
    with guest(elf) as m:
        out = gdb(elf, m.gdb_path, 'break gdb_marker', 'set var $pc = gdb_marker',
                  'continue', 'x/4xw &gdb_data', 'detach')
        # stopped at gdb_marker before main stored anything: .bss still zero
        assert re.search(r'<gdb_data>:\s+0x00000000\s+0x00000000\s+0x00000000\s+0x00000000',
                         out), out


def test_info_threads_smp2(elf):
    with guest(elf, '-smp', '2') as m:
        out = gdb(elf, m.gdb_path, 'info threads', 'thread 2', 'info registers pc',
                  'info registers mhartid', 'info registers priv')
        assert re.search(r'^\*?\s+1\s+Thread 1\b', out, re.M), out
        assert re.search(r'^\*?\s+2\s+Thread 2\b', out, re.M), out
        assert reg(out, 'pc') == [RESET_VECTOR], out
        # the csr feature: thread 2 is hart 1, in M-mode (priv 3) after reset
        assert reg(out, 'mhartid') == [1], out
        assert re.search(r'^priv\s+0x3\b', out, re.M), out


def test_kill_ends_the_emulator(elf):
    with guest(elf) as m:
        gdb(elf, m.gdb_path, 'kill')
        assert m.wait(30) == 0
        assert m.proc.poll() is not None


def test_tcp_port(elf):
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    m = Machine('riscv64', '-M', 'virt', '-bios', 'none', '-kernel', elf, '-S',
                '-gdb', 'tcp:127.0.0.1:%d' % port)
    with m:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and m.proc.poll() is None, m.stderr
                time.sleep(0.05)
        time.sleep(0.2)
        out = gdb(elf, '127.0.0.1:%d' % port, 'info registers pc', 'detach')
        assert reg(out, 'pc') == [RESET_VECTOR], out
        assert m.wait(30) == 0, m.output + m.stderr


# ------------------------------------------------------------ command line

@pytest.mark.parametrize('dev', ['bogus', 'tcp:127.0.0.1:notaport'])
def test_bad_gdb_device_is_a_one_line_error(dev):
    exe = binary('riscv64')
    if not os.path.exists(exe):
        pytest.skip('machina-system-riscv64 not built')
    r = run([exe, '-M', 'virt', '-bios', 'none', '-display', 'none', '-gdb', dev], timeout=20)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and '-gdb' in lines[0], r.stderr


# ------------------------------------------------------------ raw RSP

class RSP:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(10)
        self.sock.connect(path)
        self.buf = b''

    def recv_until(self, pred):
        while not pred(self.buf):
            data = self.sock.recv(4096)
            assert data, 'stub closed the connection'
            self.buf += data

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, payload, csum=None):
        data = payload.encode()
        c = sum(data) & 0xff if csum is None else csum
        self.sock.sendall(b'$' + data + b'#%02x' % c)

    def ack(self):
        self.recv_until(lambda b: len(b) >= 1)
        a, self.buf = self.buf[:1], self.buf[1:]
        return a

    def packet(self):
        """The next packet's payload (checksum verified), acked with '+'."""
        self.recv_until(lambda b: re.search(rb'\$[^#]*#[0-9a-f]{2}', b))
        mt = re.search(rb'\$([^#]*)#([0-9a-f]{2})', self.buf)
        assert self.buf[:mt.start()] == b'', self.buf
        self.buf = self.buf[mt.end():]
        assert sum(mt.group(1)) & 0xff == int(mt.group(2), 16)
        self.sock.sendall(b'+')
        return mt.group(1).decode()

    def cmd(self, payload):
        self.send(payload)
        assert self.ack() == b'+'
        return self.packet()

    def close(self):
        self.sock.close()


def test_rsp_framing(elf):
    with guest(elf) as m:
        r = RSP(m.gdb_path)
        try:
            r.send('?', csum=0)                 # bad checksum: '-' and keep going
            assert r.ack() == b'-'
            assert r.cmd('?') == 'T05thread:01;'
            assert r.cmd('qSupported:multiprocess+') .startswith('PacketSize=')
            assert r.cmd('vMustReplyEmpty') == ''
            assert r.cmd('Bogus') == ''         # unknown packet: empty reply
            g = r.cmd('g')
            assert len(g) == 33 * 16 and int(g[-16:][:2], 16) == 0 \
                and g[-16:] == '0010000000000000'   # pc (little-endian) = 0x1000
            assert r.cmd('p20') == '0010000000000000'
            assert r.cmd('p1000') == 'E14'
            assert r.cmd('m0,4') == 'E14'       # nothing mapped at 0
            assert r.cmd('M80000878,4:deadbeef') == 'OK'
            assert r.cmd('m80000878,4') == 'deadbeef'
            xml, off = '', 0
            while True:                         # 'm': more follows, 'l': last piece
                part = r.cmd('qXfer:features:read:target.xml:%x,3fff' % off)
                assert part[0] in 'ml' and len(part) > 1, part
                xml += part[1:]
                off += len(part) - 1
                if part[0] == 'l':
                    break
            assert xml.startswith('<?xml') and xml.rstrip().endswith('</target>')
            assert 'org.gnu.gdb.riscv.cpu' in xml and 'org.gnu.gdb.riscv.fpu' in xml
            assert 'org.gnu.gdb.riscv.csr' in xml and 'name="mstatus"' in xml
            assert r.cmd('qXfer:features:read:nosuch.xml:0,100').startswith('E')
            assert r.cmd('qfThreadInfo') == 'm1'
            assert r.cmd('qsThreadInfo') == 'l'
            assert r.cmd('T1') == 'OK' and r.cmd('T5') == 'E22'
            assert r.cmd('QStartNoAckMode') == 'OK'
            r.send('qC')                        # no more acks from here
            assert r.packet() == 'QC1'
        finally:
            r.close()


def test_ctrl_c_and_debug_runstate(elf):
    with guest(elf, qmp=True) as m:
        r = RSP(m.gdb_path)
        try:
            assert r.cmd('?').startswith('T05')
            # -S: the guest never ran, gdb attaching leaves it "prelaunch"
            assert m.qmp().command('query-status')['status'] == 'prelaunch'
            # run crt0's park loop (wfi; j park) so the guest never ends
            park = symbol(elf, 'park').to_bytes(8, 'little').hex()
            assert r.cmd('P20=' + park) == 'OK'
            r.send('vCont;c')
            assert r.ack() == b'+'
            assert m.qmp().command('query-status')['status'] == 'running'
            # state packets while running are refused (all-stop), not raced
            r.send('Z0,80000000,2')
            assert r.ack() == b'+' and r.packet() == 'E10'
            r.send_raw(b'\x03')
            assert r.packet() == 'T02thread:01;'
            st = m.qmp().command('query-status')
            assert st == {'status': 'debug', 'running': False, 'singlestep': False}, st
            # stopped in the loop (wfi, or the jump back after it)
            pc = int.from_bytes(bytes.fromhex(r.cmd('p20')), 'little')
            assert symbol(elf, 'park') <= pc < symbol(elf, 'park') + 8, hex(pc)
            m.qmp().command('cont')
            assert m.qmp().command('query-status')['status'] == 'running'
        finally:
            r.close()
