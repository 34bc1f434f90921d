#!/usr/bin/env python3
"""JSONata differential test, short form: random expressions and documents from fixed seeds,
evaluated by the reference (npm jsonata) and by `stepguard jsonata`; every case must agree.
The long form with fresh seeds is bench/jsonata_differential.sh."""
import os
import subprocess
import sys
import tempfile

SOURCE = os.environ.get("STEPGUARD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "../.."))
BIN = os.environ.get("STEPGUARD_BIN", os.path.join(SOURCE, "build/stepguard"))
HERE = os.path.join(SOURCE, "tests/jsonata/differential")
SEEDS = (1, 2, 3)
CASES_PER_SEED = 400


def main():
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in SEEDS:
            out = os.path.join(tmp, f"seed-{seed}")
            subprocess.run(["node", os.path.join(HERE, "generate.mjs"), "--seed", str(seed),
                            "--count", str(CASES_PER_SEED), "--out", out], check=True)
            rc = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), BIN, out,
                                 "--jobs", "2"]).returncode
            failed += rc != 0
    print("OK" if not failed else f"{failed} seed(s) disagree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
