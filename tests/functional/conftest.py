import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from machina import Machine  # noqa: E402


@pytest.fixture
def machine():
    """Factory: machine(target, *args, **kw) -> a started Machine; every
    machine made by the test is killed and cleaned up afterwards."""
    made = []

    def make(target='riscv64', *args, **kw):
        m = Machine(target, *args, **kw)
        made.append(m)
        return m.start()

    yield make
    for m in made:
        m.close()
