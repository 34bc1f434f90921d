#!/usr/bin/env bash
# The interpreter benchmark, stepguard side by side with aws-local-stepfunctions (the peer)
# on the workloads in ../shared/bench/workloads. See bench/README.md.
#
#   bench/run.sh [--only a,b] [--runs N] [--procs P] [--cli-runs K] [--peer-cli-runs K]
#
# Installs what is missing (including the peer and Node 22 from npm, into bench/.peer/),
# builds the optimised binaries in build/ (or $STEPGUARD_BUILD_DIR), then runs
# bench/run_interpreter.py, which runs both sides in this one invocation and prints the
# comparison table. Raw results go to bench/results/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STEPGUARD_BUILD_DIR:-$root/build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
export STEPGUARD_BUILD_DIR=$build

{
"$root/scripts/setup" --bench
if [ ! -f "$build/CMakeCache.txt" ]; then
  if command -v ninja >/dev/null 2>&1; then gen=(-G Ninja); else gen=(-G "Unix Makefiles"); fi
  cmake -S "$root" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo
fi
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" \
  --target stepguard interpreter_bench flaky_handler_server
} 1>&2

exec python3 "$root/bench/run_interpreter.py" "$@"
