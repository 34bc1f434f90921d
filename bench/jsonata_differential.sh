#!/usr/bin/env bash
# JSONata differential test, long form: many random expressions from fresh seeds, evaluated by
# the reference (npm jsonata, from tests/e2e/node_modules) and by `stepguard jsonata`.
#
#   bench/jsonata_differential.sh [ROUNDS] [CASES_PER_ROUND]    (defaults: 20 rounds × 2000)
#
# A disagreement prints the expression, the document and both answers, and keeps the round's
# cases under bench/results/jsonata-differential/seed-N for replaying with compare.py.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
per_round=${2:-2000}
bin=${STEPGUARD_BIN:-build/stepguard}
out=bench/results/jsonata-differential
mkdir -p "$out"
failed=0
base=$(date +%s)
for ((r = 0; r < rounds; r++)); do
  seed=$((base + r))
  dir="$out/seed-$seed"
  node tests/jsonata/differential/generate.mjs --seed "$seed" --count "$per_round" --out "$dir" >/dev/null
  if python3 tests/jsonata/differential/compare.py "$bin" "$dir" --jobs "$(nproc)"; then
    rm -rf "$dir"
  else
    failed=$((failed + 1))
  fi
done
echo "rounds: $rounds × $per_round cases; rounds with a disagreement: $failed"
[ "$failed" -eq 0 ]
