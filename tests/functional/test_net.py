"""Networking: -netdev/-nic/-net with virtio-net on the riscv virt machine,
driven by Linux from tests/guest/riscv64 (busybox udhcpc, wget, nc over the
serial console).  User networking (libslirp) gives DHCP and reaches a host
HTTP server at 10.0.2.2; hostfwd carries a host TCP connection to nc in the
guest; two machines joined by -netdev socket exchange data; `info network`
and QMP set_link / netdev_add / netdev_del; command-line errors."""
import hashlib
import http.server
import os
import re
import shutil
import socket
import threading

import pytest

import machina


def machina_bin():
    return machina.riscv64_binary_or_skip()


@pytest.fixture(scope='module')
def linux():
    return machina.linux_guest_or_skip()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def shell(machine, linux, *extra, qmp=False):
    m = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                *extra, qmp=qmp)
    m.wait_for('MACHINA-INIT-READY', timeout=600)
    m.wait_for('machina:/# ', timeout=60)
    return m


_seq = [0]


def sh(m, cmd, timeout=120):
    """Run cmd in the guest shell; returns (exit status, output text)."""
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


def guest_up(m, addr='10.0.2.15'):
    """Static configuration in slirp's network (udhcpc is tested on its own)."""
    st, out = sh(m, 'ifconfig eth0 %s netmask 255.255.255.0 up && '
                    'route add default gw 10.0.2.2' % addr)
    assert st == 0, out


class _Handler(http.server.BaseHTTPRequestHandler):
    payload = b''

    def do_GET(self):
        self.send_response(200)
        self.send_header('Content-Length', str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *a):
        pass


@pytest.fixture
def http_server():
    """A host HTTP server on 127.0.0.1 serving 256 KiB of random bytes."""
    _Handler.payload = os.urandom(256 * 1024)
    srv = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1], hashlib.md5(_Handler.payload).hexdigest()
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize('model', ['virtio-net-pci', 'virtio-net-device'])
def test_user_dhcp_and_wget(machine, linux, http_server, model):
    port, md5 = http_server
    m = shell(machine, linux, '-netdev', 'user,id=n0',
              '-device', '%s,netdev=n0,mac=52:54:00:ab:cd:ef' % model)
    st, out = sh(m, 'cat /sys/class/net/eth0/address')
    assert st == 0 and '52:54:00:ab:cd:ef' in out
    # DHCP from libslirp: the first lease is 10.0.2.15 (the script does nothing).
    st, out = sh(m, 'ifconfig eth0 up && udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1')
    assert st == 0, out
    assert 'lease of 10.0.2.15 obtained' in out
    guest_up(m)
    st, out = sh(m, 'wget -q -O /tmp/f http://10.0.2.2:%d/data && md5sum /tmp/f' % port,
                 timeout=300)
    assert st == 0, out
    assert md5 in out
    poweroff(m)


@pytest.mark.parametrize('restrict', ['on', 'off'])
def test_user_net_and_restrict(machine, linux, http_server, restrict):
    port, md5 = http_server
    m = shell(machine, linux, '-netdev', 'user,id=n0,net=10.9.0.0/24,restrict=' + restrict,
              '-device', 'virtio-net-device,netdev=n0')
    # DHCP still answers in a restricted network, from the net= range.
    st, out = sh(m, 'ifconfig eth0 up && udhcpc -i eth0 -n -q -t 5 -s /bin/true 2>&1')
    assert st == 0, out
    assert 'lease of 10.9.0.15 obtained' in out
    st, out = sh(m, 'ifconfig eth0 10.9.0.15 netmask 255.255.255.0 up && '
                    'route add default gw 10.9.0.2')
    assert st == 0, out
    # restrict=on: nothing leaves for the host; off: the host answers.
    st, out = sh(m, 'wget -q -T 3 -O /tmp/f http://10.9.0.2:%d/data && md5sum /tmp/f'
                 % port, timeout=120)
    if restrict == 'on':
        assert st != 0
    else:
        assert st == 0 and md5 in out, out
    poweroff(m)


def test_hostfwd_tcp_both_ways(machine, linux):
    hport = free_port()
    m = shell(machine, linux, '-nic',
              'user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:%d-:5555' % hport)
    guest_up(m)
    # The guest answers with what it got, and the host checks both directions.
    m.send('nc -l -p 5555 > /tmp/in < /proc/cpuinfo &\n')
    st, cpuinfo = sh(m, 'sleep 1; cat /proc/cpuinfo')
    sent = os.urandom(64 * 1024)
    with socket.create_connection(('127.0.0.1', hport), timeout=60) as c:
        c.sendall(sent)
        c.shutdown(socket.SHUT_WR)
        got = b''
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            got += chunk
    st, out = sh(m, 'wait; md5sum /tmp/in')
    assert st == 0
    assert hashlib.md5(sent).hexdigest() in out
    assert b'processor' in got and len(got) > 50
    poweroff(m)


def test_guestfwd_to_a_command(machine, linux):
    # A guest connection to 10.0.2.100:1234 talks to `tr a-z A-Z` on the host.
    m = shell(machine, linux, '-netdev',
              'user,id=n0,guestfwd=tcp:10.0.2.100:1234-cmd:tr a-z A-Z',
              '-device', 'virtio-net-device,netdev=n0')
    guest_up(m)
    st, out = sh(m, 'echo hello-guestfwd | nc 10.0.2.100 1234')
    assert st == 0, out
    assert 'HELLO-GUESTFWD' in out
    poweroff(m)


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.parametrize('mode', ['stream', 'udp', 'mcast'])
def test_socket_netdev_links_two_machines(machine, linux, mode):
    if mode == 'stream':
        port = free_port()
        nd_a = 'socket,id=s,listen=127.0.0.1:%d' % port
        nd_b = 'socket,id=s,connect=127.0.0.1:%d' % port
    elif mode == 'udp':
        pa, pb = free_udp_port(), free_udp_port()
        nd_a = 'socket,id=s,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d' % (pb, pa)
        nd_b = 'socket,id=s,udp=127.0.0.1:%d,localaddr=127.0.0.1:%d' % (pa, pb)
    else:
        group = '239.77.%d.%d:%d' % (os.getpid() % 250, _seq[0] % 250, free_udp_port())
        nd_a = nd_b = 'socket,id=s,mcast=%s,localaddr=127.0.0.1' % group
    a = shell(machine, linux, '-netdev', nd_a,
              '-device', 'virtio-net-device,netdev=s,mac=52:54:00:00:00:01')
    b = shell(machine, linux, '-netdev', nd_b,
              '-device', 'virtio-net-device,netdev=s,mac=52:54:00:00:00:02')
    for m, ip in ((a, '192.168.7.1'), (b, '192.168.7.2')):
        st, out = sh(m, 'ifconfig eth0 %s netmask 255.255.255.0 up' % ip)
        assert st == 0, out
    # The listener's own input is empty, so each side ends once the other did.
    a.send('nc -l -p 7000 < /dev/null > /tmp/in &\n')
    st, out = sh(a, 'sleep 1; true')
    st, out = sh(b, 'dd if=/dev/urandom of=/tmp/out bs=1k count=200 2>/dev/null; '
                    'md5sum /tmp/out; nc 192.168.7.1 7000 < /tmp/out', timeout=300)
    assert st == 0, out
    md5 = re.search(r'([0-9a-f]{32})', out).group(1)
    st, out = sh(a, 'wait; md5sum /tmp/in', timeout=300)
    assert md5 in out
    st, out = sh(b, 'ping -c 2 192.168.7.1')
    assert st == 0 and '2 packets received' in out
    poweroff(a)
    poweroff(b)


def test_socket_interoperates_with_qemu(machine, linux):
    """QEMU's framing on the wire: Machina listens, qemu-system-riscv64 connects."""
    qemu = shutil.which('qemu-system-riscv64')
    if not qemu:
        pytest.skip('needs qemu-system-riscv64 as the peer')
    port = free_port()
    a = shell(machine, linux, '-netdev', 'socket,id=s,listen=127.0.0.1:%d' % port,
              '-device', 'virtio-net-device,netdev=s,mac=52:54:00:00:00:01')
    b = machine('riscv64', '-M', 'virt', '-m', '256', '-kernel', linux['kernel'],
                '-initrd', linux['initrd'], '-append', 'console=ttyS0 machina.run=shell',
                '-global', 'virtio-mmio.force-legacy=false',
                '-netdev', 'socket,id=s,connect=127.0.0.1:%d' % port,
                '-device', 'virtio-net-device,netdev=s,mac=52:54:00:00:00:02',
                binary_path=qemu)
    b.wait_for('MACHINA-INIT-READY', timeout=600)
    b.wait_for('machina:/# ', timeout=60)
    for m, ip in ((a, '192.168.8.1'), (b, '192.168.8.2')):
        st, out = sh(m, 'ifconfig eth0 %s netmask 255.255.255.0 up' % ip)
        assert st == 0, out
    a.send('nc -l -p 7000 < /dev/null > /tmp/in &\n')
    sh(a, 'sleep 1; true')
    st, out = sh(b, 'dd if=/dev/urandom of=/tmp/out bs=1k count=100 2>/dev/null; '
                    'md5sum /tmp/out; nc 192.168.8.1 7000 < /tmp/out', timeout=300)
    assert st == 0, out
    md5 = re.search(r'([0-9a-f]{32})', out).group(1)
    st, out = sh(a, 'wait; md5sum /tmp/in', timeout=300)
    assert md5 in out
    st, out = sh(a, 'ping -c 2 192.168.8.2')
    assert st == 0 and '2 packets received' in out
    poweroff(a)


def tap_skip_reason():
    if not os.path.exists('/dev/net/tun'):
        return 'needs /dev/net/tun'
    if os.geteuid() != 0:
        return 'needs root (CAP_NET_ADMIN) to create a TAP interface'
    if not shutil.which('ip'):
        return 'needs the ip tool (iproute2) to configure the host side'
    return None


def test_tap_host_and_guest_talk(machine, linux, tmp_path):
    reason = tap_skip_reason()
    if reason:
        pytest.skip(reason)
    ifname = 'mtap%d' % (os.getpid() % 100000)
    # The downscript runs at exit with the interface name.
    marker = os.path.join(str(tmp_path), 'down')
    down = os.path.join(str(tmp_path), 'down.sh')
    with open(down, 'w') as f:
        f.write('#!/bin/sh\necho "$1" > %s\n' % marker)
    os.chmod(down, 0o755)
    m = shell(machine, linux, '-netdev',
              'tap,id=t0,ifname=%s,script=no,downscript=%s' % (ifname, down),
              '-device', 'virtio-net-pci,netdev=t0')
    subnet = 10 + os.getpid() % 200
    host_ip, guest_ip = '192.168.%d.1' % subnet, '192.168.%d.2' % subnet
    r = machina.run(['ip', 'addr', 'add', host_ip + '/24', 'dev', ifname])
    if r.returncode != 0:
        pytest.skip('cannot configure %s: %s' % (ifname, r.stderr.strip()))
    assert machina.run(['ip', 'link', 'set', ifname, 'up']).returncode == 0
    st, out = sh(m, 'ifconfig eth0 %s netmask 255.255.255.0 up' % guest_ip)
    assert st == 0, out
    srv = socket.socket()
    srv.bind((host_ip, 0))
    srv.listen(1)
    srv.settimeout(60)
    port = srv.getsockname()[1]
    m.send('nc %s %d < /proc/version\n' % (host_ip, port))
    c, _ = srv.accept()
    c.settimeout(60)
    got = b''
    while True:
        chunk = c.recv(4096)
        if not chunk:
            break
        got += chunk
    c.close()
    srv.close()
    assert got.startswith(b'Linux version')
    poweroff(m)
    with open(marker) as f:
        assert f.read().strip() == ifname


def test_info_network_and_set_link(machine, linux):
    m = shell(machine, linux, '-netdev', 'user,id=net0',
              '-device', 'virtio-net-pci,netdev=net0,mac=52:54:00:12:34:56', qmp=True)
    q = m.qmp()
    text = q.command('human-monitor-command', **{'command-line': 'info network'})
    assert text == ('virtio-net-pci.0: index=0,type=nic,model=virtio-net-pci,'
                    'macaddr=52:54:00:12:34:56\r\n'
                    ' \\ net0: index=0,type=user,net=10.0.2.0,restrict=off\r\n')
    st, out = sh(m, 'ifconfig eth0 up; sleep 1; cat /sys/class/net/eth0/carrier')
    assert out.strip().endswith('1')
    # Bringing eth0 up makes Linux program the filter over the control queue.
    ev = q.event_wait('NIC_RX_FILTER_CHANGED', timeout=30)
    assert ev['data']['name'] == 'virtio-net-pci.0'
    assert ev['data']['path'].startswith('/machine/')
    f, = q.cmd('query-rx-filter', {'name': 'virtio-net-pci.0'})['return']
    assert f['main-mac'] == '52:54:00:12:34:56'
    assert f['promiscuous'] is False
    assert f['broadcast-allowed'] is True
    assert f['vlan'] == 'all'
    assert all(re.match(r'^[0-9a-f]{2}(:[0-9a-f]{2}){5}$', a) for a in f['multicast-table'])
    assert q.command('query-rx-filter') == [f]
    r = q.cmd('query-rx-filter', {'name': 'net0'})
    assert r['error']['desc'] == "net client(net0) isn't a NIC"
    r = q.cmd('query-rx-filter', {'name': 'nope'})
    assert r['error']['desc'] == 'invalid net client name: nope'
    # Promiscuous mode from the guest: the filter follows, the event is re-armed.
    st, out = sh(m, 'ifconfig eth0 promisc')
    ev = q.event_wait('NIC_RX_FILTER_CHANGED', timeout=30)
    f, = q.command('query-rx-filter')
    assert f['promiscuous'] is True
    assert 'return' in q.cmd('set_link', {'name': 'virtio-net-pci.0', 'up': False})
    st, out = sh(m, 'sleep 1; cat /sys/class/net/eth0/carrier')
    assert out.strip().endswith('0')
    assert 'return' in q.cmd('set_link', {'name': 'net0', 'up': True})
    st, out = sh(m, 'sleep 1; cat /sys/class/net/eth0/carrier')
    assert out.strip().endswith('1')
    r = q.cmd('set_link', {'name': 'nope', 'up': True})
    assert r['error']['class'] == 'DeviceNotFound'
    poweroff(m)


def test_netdev_add_del_qmp(machine):
    machina_bin()
    m = machine('riscv64', '-M', 'virt', '-S', '-bios', 'none', '-netdev', 'user,id=u0',
                '-device', 'virtio-net-device,netdev=u0,id=nic0', qmp=True)
    q = m.qmp()
    q.command('netdev_add', type='user', id='u1', net='10.1.0.0/24',
              hostfwd=[{'str': 'tcp:127.0.0.1:%d-:22' % free_port()}])
    with pytest.raises(machina.QMPError) as e:
        q.command('netdev_add', type='user', id='u1')
    assert "Duplicate ID 'u1'" in e.value.reply['error']['desc']
    with pytest.raises(machina.QMPError) as e:
        q.command('netdev_add', type='bogus', id='u2')
    assert 'netdev backend type' in e.value.reply['error']['desc']
    text = q.command('human-monitor-command', **{'command-line': 'info network'})
    assert text == ('nic0: index=0,type=nic,model=virtio-net-device,'
                    'macaddr=52:54:00:12:34:56\r\n'
                    ' \\ u0: index=0,type=user,net=10.0.2.0,restrict=off\r\n'
                    'u1: index=0,type=user,net=10.1.0.0,restrict=off\r\n')
    # Deleting the NIC's backend leaves the NIC alone, its link down.
    q.command('netdev_del', id='u0')
    q.command('netdev_del', id='u1')
    text = q.command('human-monitor-command', **{'command-line': 'info network'})
    assert text == ('nic0: index=0,type=nic,model=virtio-net-device,'
                    'macaddr=52:54:00:12:34:56\r\n')
    with pytest.raises(machina.QMPError) as e:
        q.command('netdev_del', id='u1')
    assert e.value.reply['error']['class'] == 'DeviceNotFound'
    # HMP forms.
    out = q.command('human-monitor-command', **{'command-line': 'netdev_add user,id=h1'})
    assert out == ''
    out = q.command('human-monitor-command', **{'command-line': 'set_link h1 off'})
    assert out == ''
    out = q.command('human-monitor-command', **{'command-line': 'netdev_del h1'})
    assert out == ''
    out = q.command('human-monitor-command', **{'command-line': 'netdev_del h1'})
    assert "Device 'h1' not found" in out
    q.command('quit')


@pytest.mark.parametrize('args,msg', [
    (['-netdev', 'bogus,id=x'], "-netdev bogus,id=x: Parameter 'type' expects a netdev "
                                "backend type"),
    (['-netdev', 'user'], "-netdev user: Parameter 'id' is missing"),
    (['-netdev', 'user,id=a', '-netdev', 'user,id=a'], "Duplicate ID 'a' for netdev"),
    (['-netdev', 'user,id=a,bogus=1'], "Invalid parameter 'bogus'"),
    (['-device', 'virtio-net-pci,netdev=zz'], "can't find value 'zz'"),
    (['-netdev', 'user,id=a', '-device', 'virtio-net-pci,netdev=a',
      '-device', 'virtio-net-device,netdev=a'], "can't take value 'a', it's in use"),
    (['-netdev', 'user,id=a,hostfwd=tcp::99999-:22'], "Invalid host forwarding rule"),
    (['-netdev', 'user,id=a,net=10.0.2.0/99'], "Parameter 'net' expects"),
    (['-nic', 'user,mac=12:34'], "doesn't take value '12:34'"),
    (['-nic', 'user,model=e1000'], "unsupported NIC model 'e1000'"),
    (['-netdev', 'socket,id=s'], "exactly one of listen=, connect=, udp= or mcast="),
    (['-netdev', 'socket,id=s,connect=127.0.0.1:1'], "-netdev socket,id=s,connect="),
    (['-netdev', 'tap,id=t,fd=9999'], "fd=9999 is not an open file descriptor"),
    (['-net', 'nic,bogus=1'], "Invalid parameter 'bogus'"),
    (['-netdev', 'user,id=a,guestfwd=tcp:10.0.2.100:1-chardev:c'],
     "only cmd:COMMAND targets are supported"),
])
def test_cli_errors(args, msg):
    r = machina.run([machina_bin(), '-M', 'virt', '-bios', 'none', '-display', 'none',
                     '-S'] + args)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert msg in lines[0]


def test_cli_hostfwd_port_in_use():
    with socket.socket() as busy:
        busy.bind(('127.0.0.1', 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        r = machina.run([machina_bin(), '-M', 'virt', '-bios', 'none', '-display', 'none',
                         '-S', '-netdev', 'user,id=n,hostfwd=tcp:127.0.0.1:%d-:22' % port])
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert "Could not set up host forwarding rule 'tcp:127.0.0.1:%d-:22'" % port in lines[0]


def test_cli_nic_none_and_legacy_net(machine):
    machina_bin()
    m = machine('riscv64', '-M', 'virt', '-S', '-bios', 'none', '-nic', 'none',
                '-net', 'nic,model=virtio-net-pci,macaddr=52:54:00:00:00:99', '-net', 'user',
                qmp=True)
    q = m.qmp()
    text = q.command('human-monitor-command', **{'command-line': 'info network'})
    assert text == ('hub 0\r\n'
                    ' \\ hub0port0: virtio-net-pci.0: index=0,type=nic,'
                    'model=virtio-net-pci,macaddr=52:54:00:00:00:99\r\n'
                    ' \\ hub0port1: user.0: index=0,type=user,net=10.0.2.0,'
                    'restrict=off\r\n')
    q.command('quit')


@pytest.mark.parametrize('board,model', [('microvm', 'virtio-net-device'),
                                         ('pc', 'virtio-net-pci')])
def test_x86_nic_default_model(machine, board, model):
    """-nic picks virtio-net-pci where there is PCI, else a virtio-mmio slot."""
    x86 = machina.binary('x86_64')
    if not os.path.exists(x86):
        pytest.skip('machina-system-x86_64 is not built')
    if not os.access('/dev/kvm', os.R_OK | os.W_OK):
        pytest.skip('needs /dev/kvm (the x86_64 machines run on KVM)')
    m = machine('x86_64', '-M', board, '-S', '-nic', 'user,mac=52:54:00:00:86:01', qmp=True)
    q = m.qmp()
    text = q.command('human-monitor-command', **{'command-line': 'info network'})
    assert text == ('%s.0: index=0,type=nic,model=%s,macaddr=52:54:00:00:86:01\r\n'
                    ' \\ __org.qemu.nic0: index=0,type=user,net=10.0.2.0,restrict=off\r\n'
                    % (model, model))
    q.command('quit')
