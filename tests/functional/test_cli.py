"""Command-line behaviour of the system emulators."""
from machina import binary, run


def test_version_riscv64():
    r = run([binary('riscv64'), '-version'])
    assert r.returncode == 0
    assert r.stdout.startswith('machina-system-riscv64 version ')


def test_version_x86_64():
    r = run([binary('x86_64'), '--version'])
    assert r.returncode == 0
    assert r.stdout.startswith('machina-system-x86_64 version ')
