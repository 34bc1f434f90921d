#!/usr/bin/env bash
# Event-pattern matching throughput (events/s) through the rule index with 1, 100 and
# 10,000 rules on one bus, next to a scan of every rule. Builds `events_bench` (optimised)
# and prints a markdown table.
#
#   bench/events_bench.sh [SECONDS]        seconds per measurement (default 2)
# STEPGUARD_BUILD_DIR chooses the build directory (default: build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STEPGUARD_BUILD_DIR:-$root/build}
seconds=${1:-2}
{
  cmake -S "$root" -B "$build" -G Ninja -DSTEPGUARD_BENCH=ON
  cmake --build "$build" --target events_bench -j 2
} 1>&2
echo "events_bench: $(nproc 2>/dev/null || echo '?') cpus, ${seconds}s per measurement, one thread"
"$build/events_bench" --seconds "$seconds" --rules 1,100,10000
echo
echo "Same, without rules that have no exact value (no fallback list):"
"$build/events_bench" --seconds "$seconds" --rules 1,100,10000 --numeric-only-percent 0
