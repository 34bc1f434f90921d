#!/usr/bin/env bash
# Runs each test case of mocks.json against nightly-report.asl.json with `stepguard run`
# (offline: every Task state is mocked) and checks what a user would check in CI:
#   - the exit status (0: the execution succeeded, 2: it failed),
#   - the output against expected/<TestCase>.json (for a failure: {"Error", "Cause"}),
#   - how many Task attempts failed, counted in the execution history (--trace).
#
#   ./run_tests.sh                  # stepguard from $STEPGUARD, else ../../build/stepguard
#   STEPGUARD=stepguard ./run_tests.sh
#
# Exits 0 when every case passes, 1 otherwise. Needs bash and python3.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
stepguard=${STEPGUARD:-$here/../../build/stepguard}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0

# check TEST_CASE EXPECTED_EXIT_STATUS EXPECTED_FAILED_TASK_ATTEMPTS
check() {
  local name=$1 want_status=$2 want_failed_attempts=$3 status=0
  "$stepguard" run "$here/nightly-report.asl.json" \
      --mock-config "$here/mocks.json" --test-case "$name" \
      --input-file "$here/input.json" --trace \
      >"$tmp/$name.out" 2>"$tmp/$name.trace" || status=$?
  local problems
  problems=$(python3 - "$tmp/$name.out" "$here/expected/$name.json" "$tmp/$name.trace" \
                       "$status" "$want_status" "$want_failed_attempts" <<'PY'
import json, sys
out, expected, trace, status, want_status, want_failed = sys.argv[1:]
problems = []
if status != want_status:
    problems.append(f"exit status {status}, expected {want_status}")
try:
    got = json.load(open(out))
    if got != json.load(open(expected)):
        problems.append(f"output {json.dumps(got)}\n      expected {json.dumps(json.load(open(expected)))}")
except ValueError:
    problems.append("output is not JSON: " + open(out).read()[:200])
events = [json.loads(l) for l in open(trace) if l.startswith("{")]
failed = [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"]
if len(failed) != int(want_failed):
    problems.append(f"{len(failed)} failed Task attempts {failed}, expected {want_failed}")
print("\n    ".join(problems))
PY
)
  if [ -z "$problems" ]; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    echo "    $problems"
    failed=1
  fi
}

check HappyPath   0 0   # fetch, store, notify: each once
check RetryPath   0 2   # fetch throttled twice, succeeds on the third attempt
check FailurePath 2 1   # the bucket is missing: caught, on-call alerted, execution fails

if [ "$failed" -ne 0 ]; then
  echo "some test cases failed"
  exit 1
fi
echo "all test cases passed"
