#!/bin/bash
# Side-by-side benchmarks against QEMU and the host (make bench; never part
# of make check).  Usage: bench/run.sh [BUILD_DIR] [bench.py options]
#   BENCH_RUNS=N        runs per measurement (median; default 5)
#   BENCH_BACKENDS=a,b  Machina TCG back ends to compare (default interp,native)
#   BENCH_PARTS=a,b     only these CPU parts (also --parts; default all)
# Results: bench/results/bench-<date>.{txt,dat,png}.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../build}
[ $# -gt 0 ] && shift
exec /usr/bin/python3 "$HERE/bench.py" --build "$BUILD" "$@"
