"""The shared harness of the functional tests: find binaries, start machines,
wait for serial output, and always clean up."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get('MACHINA_BUILD', os.path.join(ROOT, 'build'))


def binary(target):
    """Path of build/machina-system-<target>."""
    return os.path.join(BUILD, 'machina-system-' + target)


def run(argv, timeout=60, **kw):
    """Run a command to completion, capturing text output."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, **kw)
