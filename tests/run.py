#!/usr/bin/python3
"""Run every test layer and print one closing line: N passed, N failed[, N skipped].

Layers: the C unit tests (TAP) in the optimized build and again in the
sanitizer build, then the functional tests (pytest) against the optimized build.
"""
import argparse
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def unit_layer(build, label, counts):
    out = subprocess.run(['meson', 'introspect', '--tests', build],
                         capture_output=True, text=True, check=True).stdout
    for t in json.loads(out):
        env = dict(os.environ)
        env.update(t.get('env') or {})
        env.setdefault('UBSAN_OPTIONS', 'print_stacktrace=1:halt_on_error=1')
        env.setdefault('ASAN_OPTIONS', 'detect_leaks=1')
        try:
            p = subprocess.run(t['cmd'], capture_output=True, text=True, env=env,
                               timeout=t.get('timeout') or 120, cwd=ROOT)
            text, rc = p.stdout + p.stderr, p.returncode
        except subprocess.TimeoutExpired as e:
            text, rc = (e.stdout or b'').decode(errors='replace') + '\n# timeout', -1
        ok = bad = skip = 0
        for line in text.splitlines():
            if line.startswith('not ok'):
                bad += 1
            elif line.startswith('ok'):
                if '# SKIP' in line:
                    skip += 1
                else:
                    ok += 1
        if rc != 0 and bad == 0:
            bad = 1          # crashed, sanitizer report or timeout outside a test
        name = '%s/%s' % (label, t['name'])
        print('%-40s %3d passed, %d failed%s' % (name, ok, bad,
              ', %d skipped' % skip if skip else ''))
        if bad:
            print('\n'.join('    ' + l for l in text.splitlines()[-40:]))
        counts['passed'] += ok
        counts['failed'] += bad
        counts['skipped'] += skip


def functional_layer(build, counts, extra):
    xml = os.path.join(build, 'functional-junit.xml')
    env = dict(os.environ, MACHINA_BUILD=os.path.abspath(build))
    cmd = [sys.executable, '-m', 'pytest', '-p', 'no:cacheprovider', '-rs', '-v',
           '--junitxml', xml, os.path.join(ROOT, 'tests', 'functional')] + extra
    rc = subprocess.run(cmd, env=env, cwd=ROOT).returncode
    if rc == 5:          # no tests collected
        return
    if not os.path.exists(xml):
        counts['failed'] += 1
        return
    root = ET.parse(xml).getroot()
    suites = [root] if root.tag == 'testsuite' else list(root)
    for s in suites:
        tests = int(s.get('tests', 0))
        fail = int(s.get('failures', 0)) + int(s.get('errors', 0))
        skip = int(s.get('skipped', 0))
        counts['passed'] += tests - fail - skip
        counts['failed'] += fail
        counts['skipped'] += skip
    if rc not in (0, 1) and counts['failed'] == 0:
        counts['failed'] += 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--san', default=None)
    ap.add_argument('--only', choices=['unit', 'functional'])
    ap.add_argument('pytest_args', nargs='*')
    a = ap.parse_args()
    counts = {'passed': 0, 'failed': 0, 'skipped': 0}
    if a.only in (None, 'unit'):
        unit_layer(a.build, 'unit', counts)
        if a.san:
            unit_layer(a.san, 'unit-asan', counts)
    if a.only in (None, 'functional'):
        functional_layer(a.build, counts, a.pytest_args)
    line = '%d passed, %d failed' % (counts['passed'], counts['failed'])
    if counts['skipped']:
        line += ', %d skipped' % counts['skipped']
    print(line)
    return 1 if counts['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
