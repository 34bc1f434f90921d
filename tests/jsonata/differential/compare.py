#!/usr/bin/env python3
"""The stepguard side of the JSONata differential test.

Runs every case of a directory written by generate.mjs through `stepguard jsonata EXPR
--input doc-K.json` and compares with the reference's answer: the same value (numbers
equal as doubles, objects by key), both undefined, or the same error code.

    compare.py STEPGUARD_BIN CASES_DIR [--jobs N] [--show N]

Prints a summary and the first N differences; exit 0 when all cases agree, 1 otherwise.
"""
import argparse
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def run_case(binary, cases_dir, case):
    proc = subprocess.run(
        [binary, "jsonata", "--input", f"{cases_dir}/doc-{case['doc']}.json", "--", case["expr"]],
        capture_output=True, text=True, timeout=60)
    out = proc.stdout.strip()
    if proc.returncode == 1:
        try:
            got = {"error": json.loads(out)["code"]}
        except (ValueError, KeyError, TypeError):
            got = {"crash": f"exit 1 with {out[:200]!r} {proc.stderr[:200]!r}"}
    elif proc.returncode != 0:
        got = {"crash": f"exit {proc.returncode}: {proc.stderr[:300]!r}"}
    elif out == "":
        got = {"undefined": True}
    else:
        try:
            got = {"result": json.loads(out)}
        except ValueError:
            got = {"crash": f"not JSON: {out[:200]!r}"}
    if "error" in case:
        ok = got.get("error") == case["error"]
    elif case.get("undefined"):
        ok = got.get("undefined") is True
    else:
        ok = "result" in got and same(got["result"], case["result"])
    return ok, got


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("cases_dir")
    parser.add_argument("--jobs", type=int, default=4)
    parser.add_argument("--show", type=int, default=20)
    args = parser.parse_args()
    with open(f"{args.cases_dir}/cases.jsonl", encoding="utf-8") as f:
        cases = [json.loads(line) for line in f if line.strip()]
    with ThreadPoolExecutor(args.jobs) as pool:
        outcomes = list(pool.map(lambda c: run_case(args.binary, args.cases_dir, c), cases))
    differ = [(c, got) for c, (ok, got) in zip(cases, outcomes) if not ok]
    print(f"JSONata differential: {len(cases) - len(differ)}/{len(cases)} cases agree with the reference")
    for case, got in differ[: args.show]:
        want = {k: case[k] for k in ("result", "undefined", "error") if k in case}
        print(f"- {case['id']} doc-{case['doc']}: {case['expr']}\n    reference: {json.dumps(want)}\n"
              f"    stepguard: {json.dumps(got, ensure_ascii=False)}")
    return 0 if not differ else 1


if __name__ == "__main__":
    sys.exit(main())
