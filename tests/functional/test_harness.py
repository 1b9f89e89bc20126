"""The functional-test harness itself, with ordinary programs standing in for
the emulator (cat echoes the "serial" input; sh exits early)."""
import os

import pytest

from machina import Machine, MachineError

def test_cat_echo():
    with Machine('x', binary_path='/bin/cat', nographic=False) as m:
        m.send('hello\n')
        assert m.wait_for('hello')
        m.proc.stdin.close()
        assert m.wait() == 0


def test_timeout_message():
    with Machine('x', binary_path='/bin/cat', nographic=False) as m:
        m.send('abc\n')
        with pytest.raises(MachineError) as e:
            m.wait_for('zzz', timeout=0.5)
        assert 'abc' in str(e.value)

def test_tmpdir_removed_on_close():
    m = Machine('x', binary_path='/bin/cat', nographic=False).start()
    d = m.tmpdir
    assert os.path.isdir(d)
    m.close()
    assert not os.path.exists(d)
    assert m.proc.returncode != 0          # killed, it never saw end of input



def test_exit_before_pattern():
    with Machine('x', '-c', 'echo bye; exit 3', binary_path='/bin/sh', nographic=False) as m:
        with pytest.raises(MachineError) as e:
            m.wait_for('never', timeout=10)
        assert 'exited' in str(e.value) and 'bye' in str(e.value)
        assert m.wait() == 3
