#!/usr/bin/env bash
# The `stepguard serve` benchmark (issue "durable engine", point 8). See bench/README.md.
#
#   bench/server_bench.sh [--no-build] [server_bench options]   (see bench/README.md)
#   bench/server_bench.sh --only start-open-full,rss --open-seconds 20
#   bench/server_bench.sh --quick                  # smaller runs, about 40 s
#
# Installs what is missing (scripts/setup), builds the optimised `stepguard` and
# `server_bench` in build/ (or $STEPGUARD_BUILD_DIR; --no-build uses what is there), copies
# both to a temporary directory (others rebuild build/ while this runs), then runs
# server_bench: it starts `stepguard serve` on a free loopback port with a fresh temporary
# data directory per scenario, drives it, stops it with SIGTERM and prints one table
# (figure, measured, target, PASS/FAIL). The table and the raw figures are saved as
# bench/results/server-<stamp>.txt and .json.
#
# Exit code (server_bench's): 0 every target met; 1 a scenario failed; 2 bad arguments;
# 3 everything ran but a target was missed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STEPGUARD_BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac

do_build=1
args=()
for a in "$@"; do
  if [ "$a" = "--no-build" ]; then do_build=0; else args+=("$a"); fi
done

if [ "$do_build" -eq 1 ]; then
  {
    "$root/scripts/setup"
    if [ ! -f "$build/CMakeCache.txt" ]; then
      if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); else gen=(-G "Unix Makefiles"); fi
      cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    fi
    cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target stepguard server_bench
  } 1>&2
fi
for b in stepguard server_bench; do
  [ -x "$build/$b" ] || { echo "server_bench.sh: $build/$b missing (build first)" >&2; exit 1; }
done

bin=$(mktemp -d "${TMPDIR:-/tmp}/sg-server-bench-bin-XXXXXX")
trap 'rm -rf "$bin"' EXIT
cp "$build/stepguard" "$build/server_bench" "$bin/"

mkdir -p "$root/bench/results"
stamp=$(date +%Y%m%d-%H%M%S)
out=$root/bench/results/server-$stamp
set +e
"$bin/server_bench" --stepguard "$bin/stepguard" --json "$out.json" ${args[@]+"${args[@]}"} | tee "$out.txt"
code=${PIPESTATUS[0]}
set -e
if [ -s "$out.json" ]; then
  echo "saved: $out.txt, $out.json" >&2
else
  rm -f "$out.txt"
fi
exit "$code"
