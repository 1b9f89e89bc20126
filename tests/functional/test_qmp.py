"""QMP against a running machina-system-*: socat exactly as users type it,
the harness's QMP client, events, bad input, several monitors at once, and
Debian's qemu-system-riscv64 as the oracle for error classes and messages.

The machine is the riscv64 virt board when this build has it, else x86_64
microvm; it runs with -S (nothing has to boot for the monitor to work).
"""
import json
import os
import re
import shutil
import socket
import subprocess
import threading

import pytest

from machina import Machine, QMPClient, QMPError, ROOT, binary, run


def pick_machine():
    for target, name in (('riscv64', 'virt'), ('x86_64', 'microvm')):
        if not os.path.exists(binary(target)):
            continue
        r = run([binary(target), '-M', 'help'])
        if re.search(r'^%s\s' % name, r.stdout, re.M):
            return target, name
    pytest.skip('no machine type in this build')


@pytest.fixture
def board():
    return pick_machine()


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(machine, board, *args, qmp=True):
    target, name = board
    return machine(target, '-M', name, '-S', '-display', 'none', *args,
                   nographic=False, qmp=qmp)


def lines_of(text):
    return [json.loads(l) for l in text.splitlines() if l.strip()]


def socat(port, text, timeout=10):
    """echo TEXT | socat - TCP:localhost:PORT (socat waits 1 s for replies)."""
    r = subprocess.run(['socat', '-t', '1', '-', 'TCP:localhost:%d' % port],
                       input=text.encode(), capture_output=True, timeout=timeout)
    assert r.returncode == 0, r.stderr
    return r.stdout.decode()


# ------------------------------------------------------------------ tests

@pytest.mark.skipif(not shutil.which('socat'), reason='socat is not installed')
def test_socat_like_a_user(machine, board):
    port = free_port()
    m = start(machine, board, '-qmp', 'tcp:127.0.0.1:%d,server=on,wait=off' % port,
              qmp=False)
    QMPClient(('127.0.0.1', port), negotiate=False, alive=m.proc).close()  # wait until up
    out = socat(port, '{"execute":"qmp_capabilities"}\n')
    msgs = lines_of(out)
    assert msgs[0]['QMP']['version']['package'] == 'machina-0.1.0'
    assert msgs[0]['QMP']['capabilities'] == ['oob']
    assert msgs[1] == {'return': {}}
    # Raw text on the wire: QEMU's spacing, CR LF line ends.
    assert '\r\n{"return": {}}\r\n' in out

    out = socat(port, '{"execute":"qmp_capabilities"}\n{"execute":"query-status"}\n')
    assert lines_of(out)[2] == {'return': {'status': 'prelaunch', 'singlestep': False,
                                           'running': False}}
    # Each connection starts a new session: negotiation is needed again.
    out = socat(port, '{"execute":"query-status"}\n')
    assert lines_of(out)[1]['error'] == {
        'class': 'CommandNotFound',
        'desc': "Expecting capabilities negotiation with 'qmp_capabilities'"}


def test_stop_cont_query_quit(machine, board):
    m = start(machine, board)
    q = m.qmp()
    assert q.command('query-status') == {'status': 'prelaunch', 'singlestep': False,
                                         'running': False}
    q.command('cont')
    ev = q.event_wait('RESUME')
    assert set(ev['timestamp']) == {'seconds', 'microseconds'}
    assert q.command('query-status')['status'] == 'running'
    q.command('stop')
    q.event_wait('STOP')
    assert q.command('query-status') == {'status': 'paused', 'singlestep': False,
                                         'running': False}
    q.command('system_reset')
    ev = q.event_wait('RESET')
    assert ev['data'] == {'guest': False, 'reason': 'host-qmp-system-reset'}
    q.command('system_powerdown')
    q.event_wait('POWERDOWN')
    assert q.cmd('quit', id='bye') == {'return': {}, 'id': 'bye'}
    ev = q.event_wait('SHUTDOWN')
    assert ev['data'] == {'guest': False, 'reason': 'host-qmp-quit'}
    assert m.wait() == 0


def test_queries(machine, board):
    target, _ = board
    m = start(machine, board, '-name', 'guest=vm7', '-object', 'iothread,id=io0')
    q = m.qmp()
    assert q.command('query-version')['qemu'] == {'major': 0, 'minor': 1, 'micro': 0}
    assert q.command('query-name') == {'name': 'vm7'}
    assert q.command('query-target') == {'arch': target}
    assert q.command('query-kvm').keys() == {'enabled', 'present'}
    assert q.command('query-memory-size-summary')['base-memory'] > 0
    cpus = q.command('query-cpus-fast')
    assert cpus and cpus[0]['cpu-index'] == 0 and cpus[0]['target'] == target
    assert cpus[0]['qom-path'].startswith('/machine/')
    iot = q.command('query-iothreads')
    assert [t['id'] for t in iot] == ['io0'] and iot[0]['thread-id'] > 0
    labels = {c['label']: c for c in q.command('query-chardev')}
    assert labels['compat_monitor0']['frontend-open'] is True
    names = [c['name'] for c in q.command('query-commands')]
    assert 'qmp_capabilities' in names and 'human-monitor-command' in names
    machines = q.command('query-machines')
    assert any(mc['name'] == board[1] for mc in machines)
    # qom: the tree and typed property values.
    props = {p['name']: p['type'] for p in q.command('qom-list', path='/machine')}
    assert props['type'] == 'string'
    assert q.command('qom-get', path='/machine', property='type').endswith('-machine')
    assert q.command('qom-get', path=cpus[0]['qom-path'], property='type')
    schema = q.command('query-qmp-schema')
    metas = {e['name']: e['meta-type'] for e in schema}
    assert metas['query-status'] == 'command' and metas['SHUTDOWN'] == 'event'
    types = {t['name']: t for t in q.command('qom-list-types', implements='machine')}
    assert types['%s-machine' % board[1]]['parent'] == 'machine'
    assert 'machine' not in types          # abstract types only when asked
    types = {t['name']: t for t in q.command('qom-list-types', implements='machine',
                                             abstract=True)}
    assert types['machine']['abstract'] is True
    assert q.command('query-current-machine') == {'wakeup-suspend-support': False}
    cpu_type = q.command('qom-get', path=cpus[0]['qom-path'], property='type')
    props = q.command('device-list-properties', typename=cpu_type)
    assert all(set(p) >= {'name', 'type'} for p in props)
    with pytest.raises(QMPError) as e:
        q.command('device-list-properties', typename='machine')
    assert e.value.desc == "Parameter 'typename' expects a non-abstract device type"
    hmp = q.command('human-monitor-command', command_line='info status')
    assert hmp == 'VM status: paused (prelaunch)\r\n'


def test_bad_input_keeps_serving(machine, board):
    m = start(machine, board)
    q = m.qmp()
    q.send_raw('{"execute": nope}\n')
    assert q.reply()['error']['desc'] == "JSON parse error, invalid keyword 'nope'"
    q.send_raw('[' * 1100 + ']' * 1100 + '\n')
    assert q.reply()['error']['desc'] == 'JSON nesting depth limit exceeded'
    # A megabyte of noise, then a real request: still answered.  The server
    # stops reading while its replies pile up, so send from a thread while
    # this one reads, as a real client must.
    noise = os.urandom(1 << 20) + b'\n{"execute":"query-status","id":"alive"}\n'
    sender = threading.Thread(target=q.send_raw, args=(noise,), daemon=True)
    sender.start()
    errors = 0
    while True:
        r = q.reply(timeout=60)
        if r.get('id') == 'alive':
            break
        assert r['error']['class'] == 'GenericError'
        errors += 1
    sender.join(timeout=60)
    assert errors > 1000
    assert r['return']['status'] == 'prelaunch'
    with pytest.raises(QMPError) as e:
        q.command('nosuch')
    assert (e.value.cls, e.value.desc) == ('CommandNotFound',
                                           'The command nosuch has not been found')
    with pytest.raises(QMPError) as e:
        q.command('qom-list', path=1)
    assert e.value.desc == "Invalid parameter type for 'path', expected: string"
    # A client that leaves mid-request is harmless; the next one is served.
    q.send_raw('{"execute": "query-sta')
    q.close()
    m._qmp = None
    q = m.qmp()
    assert q.command('query-status')['status'] == 'prelaunch'


def test_several_monitors(machine, board):
    m = Machine(board[0], '-M', board[1], '-S', '-display', 'none', nographic=False,
                qmp=True)
    path2 = os.path.join(m.tmpdir, 'pretty.sock')
    m.argv += ['-chardev', 'socket,id=c2,path=%s,server=on,wait=off' % path2,
               '-mon', 'chardev=c2,mode=control,pretty=on']
    m.start()
    try:
        q1 = m.qmp()
        q2 = QMPClient(path2, alive=m.proc)
        q2.send_raw('{"execute":"query-status"}')
        raw = b''
        while b'\r\n}\r\n' not in raw:
            raw += q2.sock.recv(4096)
        # pretty=on: QEMU's indented layout.
        assert raw.decode().endswith('{\r\n    "return": {\r\n        "status": "prelaunch",'
                                     '\r\n        "singlestep": false,\r\n'
                                     '        "running": false\r\n    }\r\n}\r\n')
        q1.command('cont')
        q1.event_wait('RESUME')
        q2.event_wait('RESUME')          # events go to every negotiated monitor
        q1.command('stop')
        q2.event_wait('STOP')
        q2.close()
    finally:
        m.close()


def test_docs_list_every_command_and_event(machine, board):
    with open(os.path.join(ROOT, 'docs', 'monitor.md')) as f:
        doc = f.read()
    m = start(machine, board)
    q = m.qmp()
    for c in q.command('query-commands'):
        assert '`%s`' % c['name'] in doc, c['name']
    for e in q.command('query-qmp-schema'):
        if e['meta-type'] == 'event':
            assert '`%s`' % e['name'] in doc, e['name']


# ------------------------------------------------------------ the oracle

ORACLE_EXCHANGES = [
    {'execute': 'query-status', 'arguments': {'x': 1}},
    {'execute': 'qom-list'},
    {'execute': 'qom-list', 'arguments': {'path': 1}},
    {'execute': 'qom-list', 'arguments': {'path': '/machine', 'x': 1}},
    {'execute': 'qom-get', 'arguments': {'path': '/nope', 'property': 'type'}},
    {'execute': 'device_del', 'arguments': {'id': 'nope'}},
    {'execute': 'device_add', 'arguments': {'driver': 'nope'}},
    {'execute': 'nope'},
    {'execute': 'human-monitor-command', 'arguments': {'command-line': 1}},
    {'execute': 'human-monitor-command', 'arguments': {'command-line': 'info status',
                                                       'cpu-index': 7}},
    {'arguments': {}},
    {'execute': 1},
    {'execute': 'stop', 'arguments': [1]},
    {'execute': 'stop', 'bogus': 1},
    {'execute': 'qmp_capabilities'},
    {'execute': 'ringbuf-write', 'arguments': {'device': 'rb', 'data': 'hello'}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'rb', 'size': 3}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'rb', 'size': 10, 'format': 'base64'}},
    {'execute': 'ringbuf-write', 'arguments': {'device': 'rb', 'data': 'aGk=',
                                               'format': 'base64'}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'rb', 'size': 8}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'rb', 'size': -1}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'rb', 'size': 1, 'format': 'hex'}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'nope', 'size': 1}},
    {'execute': 'ringbuf-read', 'arguments': {'device': 'compat_monitor0', 'size': 1}},
    {'execute': 'chardev-remove', 'arguments': {'id': 'nope'}},
    {'execute': 'chardev-remove', 'arguments': {'id': 'compat_monitor0'}},
    {'execute': 'chardev-remove', 'arguments': {'id': 'rb'}},
    {'execute': 'query-current-machine'},
    {'execute': 'device-list-properties', 'arguments': {'typename': 'nope'}},
    {'execute': 'device-list-properties', 'arguments': {'typename': 'device'}},
    {'execute': 'pmemsave', 'arguments': {'val': 2 ** 64 - 1, 'size': 1, 'filename': 'x'}},
    {'execute': 'pmemsave', 'arguments': {'val': 0, 'size': 1,
                                          'filename': '/nonexistent/dir/x'}},
    {'execute': 'memsave', 'arguments': {'val': 0, 'size': 1, 'filename': 'x',
                                         'cpu-index': 9}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'iothread', 'id': 'io1'}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'iothread', 'id': 'io1'}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'nope', 'id': 'x'}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'iothread', 'id': 'io2', 'foo': 1}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'iothread'}},
    {'execute': 'object-add', 'arguments': {'qom-type': 'iothread', 'id': '1x'}},
    {'execute': 'object-del', 'arguments': {'id': 'io1'}},
    {'execute': 'object-del', 'arguments': {'id': 'io1'}},
    {'execute': 'system_wakeup'},
    {'execute': 'device_add', 'arguments': {'driver': 'virtio-rng-device', 'id': 'r1'}},
    {'execute': 'device_add', 'arguments': {'driver': 'virtio-rng-pci', 'id': 'r2'}},
    {'execute': 'device_del', 'arguments': {'id': 'r0'}},
]


def exchange(argv, tmpdir, extra=()):
    extra = list(extra)
    path = os.path.join(tmpdir, 'oracle.sock')
    p = subprocess.Popen(argv + ['-qmp', 'unix:%s,server=on,wait=off' % path,
                                 '-chardev', 'ringbuf,id=rb'] + extra,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        q = QMPClient(path, alive=p)
        out = []
        for req in ORACLE_EXCHANGES:
            q.send_raw(json.dumps(req))
            out.append(q.reply())
        q.send_raw(b'[1]{"a": 1}@' + b"{'execute': 'nope', 'id': 'it\\'s'}[1,]")
        out += [q.reply() for _ in range(5)]
        q.close()
        return out
    finally:
        p.kill()
        p.wait()
        if os.path.exists(path):
            os.unlink(path)


@pytest.mark.skipif(not shutil.which('qemu-system-riscv64'),
                    reason='no qemu-system-riscv64 to compare with')
def test_errors_match_qemu(board, tmp_path):
    target, name = board
    if target != 'riscv64':
        pytest.skip('the oracle is the riscv64 virt board')
    # A virtio device of the board's own, for the hotplug refusals.
    devices = ['-device', 'virtio-rng-device,id=r0']
    theirs = exchange(['qemu-system-riscv64', '-M', 'virt', '-S', '-display', 'none',
                       '-nodefaults'], str(tmp_path), devices)
    ours = exchange([binary(target), '-M', name, '-S', '-display', 'none', '-nodefaults'],
                    str(tmp_path), devices)
    assert len(ours) == len(theirs)
    for req, a, b in zip(ORACLE_EXCHANGES + ['[1]', '{"a": 1}', '@', 'single quotes', '[1,]'], ours, theirs):
        if req == '[1,]':
            # json-c words this grammar error its own way.
            assert a['error']['class'] == b['error']['class'] == 'GenericError'
            assert a['error']['desc'].startswith('JSON parse error, ')
            continue
        assert a.get('error') == b.get('error'), (req, a, b)
        assert a.get('return') == b.get('return') or req.get('execute') == 'qmp_capabilities', \
            (req, a, b)
        assert a.get('id') == b.get('id'), (req, a, b)
        assert ('return' in a) == ('return' in b), (req, a, b)


# ------------------------------------------------------ guest power-off

# A bare-metal RISC-V program: write FINISHER_PASS (0x5555) to the virt
# board's sifive_test device at 0x100000, then spin.
POWEROFF = b''.join(w.to_bytes(4, 'little') for w in (
    0x001002b7,     # lui  t0, 0x100
    0x00005337,     # lui  t1, 0x5
    0x55530313,     # addi t1, t1, 0x555
    0x0062a023,     # sw   t1, 0(t0)
    0x0000006f,     # j    .
))


def riscv_virt():
    target, name = pick_machine()
    if (target, name) != ('riscv64', 'virt'):
        pytest.skip('needs the riscv64 virt machine')


def test_guest_poweroff_events(machine, tmp_path):
    riscv_virt()
    fw = tmp_path / 'poweroff.bin'
    fw.write_bytes(POWEROFF)
    m = machine('riscv64', '-M', 'virt', '-S', '-display', 'none', '-bios', str(fw),
                nographic=False, qmp=True)
    q = m.qmp()
    q.command('cont')
    ev = q.event_wait('SHUTDOWN')
    assert ev['data'] == {'guest': True, 'reason': 'guest-shutdown'}
    assert m.wait() == 0


def test_guest_poweroff_kept_by_no_shutdown(machine, tmp_path):
    riscv_virt()
    fw = tmp_path / 'poweroff.bin'
    fw.write_bytes(POWEROFF)
    m = machine('riscv64', '-M', 'virt', '-S', '-display', 'none', '-bios', str(fw),
                '-no-shutdown', nographic=False, qmp=True)
    q = m.qmp()
    q.command('cont')
    assert q.event_wait('SHUTDOWN')['data']['reason'] == 'guest-shutdown'
    q.event_wait('STOP')
    assert q.command('query-status') == {'status': 'shutdown', 'singlestep': False,
                                         'running': False}
    with pytest.raises(QMPError) as e:
        q.command('cont')
    assert e.value.desc == 'Resetting the Virtual Machine is required'
    q.command('system_reset')
    q.event_wait('RESET')
    assert q.command('query-status')['status'] == 'prelaunch'
    q.command('cont')                       # runs the program again
    q.event_wait('RESUME')
    q.event_wait('SHUTDOWN')
    q.command('quit')
    assert m.wait() == 0


def rss_kib(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0


def test_client_that_does_not_read_is_throttled(machine, board):
    """2000 requests (4 MB with padding) of ~10 KiB answers each, unread:
    the monitor stops reading instead of queueing 20 MB of answers, and
    every answer still arrives, in order, once the client reads."""
    m = start(machine, board)
    q = m.qmp()
    before = rss_kib(m.proc.pid)
    n = 2000
    reqs = ''.join('{"execute":"query-qmp-schema","id":%d}%s' % (i, ' ' * 2000)
                   for i in range(n))
    sender = threading.Thread(target=q.send_raw, args=(reqs,), daemon=True)
    sender.start()
    sender.join(timeout=3)
    assert sender.is_alive()            # blocked: the server stopped reading
    assert rss_kib(m.proc.pid) - before < 32 * 1024
    for i in range(n):
        r = q.reply(timeout=60)
        assert r['id'] == i and r['return'][0]['name']
    sender.join(timeout=10)
    assert not sender.is_alive()


def test_objects_at_runtime(machine, board):
    m = start(machine, board, '-object', 'memory-backend-ram,id=mem,size=128M',
              '-machine', 'memory-backend=mem', '-m', '128M')
    q = m.qmp()
    hmp = lambda line: q.command('human-monitor-command', command_line=line)
    assert hmp('object_add iothread,id=io7') == ''
    iot = q.command('query-iothreads')
    assert [t['id'] for t in iot] == ['io7'] and iot[0]['thread-id'] > 0
    assert hmp('info iothreads').startswith('io7:\r\n  thread_id=')
    q.command('object-del', id='io7')
    assert q.command('query-iothreads') == []
    with pytest.raises(QMPError) as e:
        q.command('object-del', id='mem')      # the machine's RAM
    assert e.value.desc == "object 'mem' is in use, can not be deleted"
    assert hmp('object_del nope') == "Error: object 'nope' not found\r\n"


def test_nographic_with_qmp_leaves_stdio_to_the_serial_port(machine, board):
    # As QEMU: -qmp replaces the default monitor, so no mux on stdio.
    m = machine(board[0], '-M', board[1], '-S', qmp=True)        # -nographic
    q = m.qmp()
    chardevs = {c['label']: c['filename'] for c in q.command('query-chardev')}
    assert chardevs['serial0'] == 'stdio'
    assert not any(f.startswith('mux') for f in chardevs.values())


@pytest.mark.skipif(not shutil.which('qemu-system-x86_64'),
                    reason='no qemu-system-x86_64 to compare with')
def test_query_cpus_fast_props_match_qemu(tmp_path):
    """query-cpus-fast places each CPU in the -smp topology as QEMU does."""
    if not os.path.exists(binary('x86_64')):
        pytest.skip('machina-system-x86_64 is not built')
    args = ['-M', 'pc', '-S', '-display', 'none', '-nodefaults',
            '-smp', '4,sockets=2,cores=1,threads=2']
    got = []
    for prog in ('qemu-system-x86_64', binary('x86_64')):
        path = str(tmp_path / 'cpus.sock')
        p = subprocess.Popen([prog] + args + ['-qmp', 'unix:%s,server=on,wait=off' % path],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            q = QMPClient(path, alive=p)
            cpus = q.command('query-cpus-fast')
            got.append([(c['cpu-index'], c['props'], c['target']) for c in cpus])
            assert all(c['thread-id'] > 0 for c in cpus)
            q.close()
        finally:
            p.kill()
            p.wait()
    assert got[0] == got[1]
    assert got[1][3][1] == {'socket-id': 1, 'core-id': 0, 'thread-id': 1}
