#!/usr/bin/env python3
"""Dashboard benchmark (issue 6 item 8): 5,000 state machines and 100,000 executions in a
real `stepguard serve`, then the figures a dashboard user feels:

  grid load        GET / (the app) + GET /guardian/api/state-machines?limit=120 (the first
                   page the grid shows), median and p95 of 20; also the whole list (limit=5000)
  SSE latency      StartExecution of a failing machine -> its "status" event (FAILED) read
                   by a client of /guardian/api/events, median and p95 of 50
  /metrics scrape  GET /metrics, median and p95 of 20, and its size

Usage: bench/dashboard_bench.py [--machines 5000] [--executions 100000] [--bin build/stepguard]
Prints one line per figure and a JSON summary on the last line.
"""
import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
FAIL = json.dumps({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "bench"}}})
ROLE = "arn:aws:iam::123456789012:role/bench"


class Api:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, action, body):
        self.conn.request("POST", "/", json.dumps(body), {"X-Amz-Target": "AWSStepFunctions." + action,
                                                         "Content-Type": "application/x-amz-json-1.0"})
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{action}: {r.status} {data[:300]}")
        return json.loads(data)

    def get(self, path):
        self.conn.request("GET", path)
        r = self.conn.getresponse()
        data = r.read()
        if r.status != 200:
            raise RuntimeError(f"{path}: {r.status}")
        return data


def parallel(n_threads, port, work):
    """work(api, i) for i in range(...) split over threads (each with its own connection)."""
    errors = []

    def run(k):
        api = Api(port)
        try:
            work(api, k, n_threads)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


def timed(fn, n):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--machines", type=int, default=5000)
    ap.add_argument("--executions", type=int, default=100000)
    ap.add_argument("--bin", default=os.environ.get("STEPGUARD_BIN") or os.path.join(HERE, "..", "build", "stepguard"))
    args = ap.parse_args()
    os.environ["STEPGUARD_BIN"] = os.path.abspath(args.bin)
    import server_harness  # reads STEPGUARD_BIN
    server_harness.BIN = os.path.abspath(args.bin)

    with server_harness.Server(extra_args=["--durability", "normal"]) as server:
        port = server.port
        t0 = time.time()
        arns = [None] * args.machines

        def create(api, k, n):
            for i in range(k, args.machines, n):
                arns[i] = api.call("CreateStateMachine", {"name": f"machine-{i:05d}", "definition": PASS,
                                                          "roleArn": ROLE})["stateMachineArn"]
        parallel(4, port, create)
        print(f"created {args.machines} state machines in {time.time() - t0:.1f} s", flush=True)

        t0 = time.time()

        def start(api, k, n):
            for i in range(k, args.executions, n):
                api.call("StartExecution", {"stateMachineArn": arns[i % args.machines]})
        parallel(4, port, start)
        print(f"started {args.executions} executions in {time.time() - t0:.1f} s", flush=True)
        time.sleep(2)  # let the last ones finish

        api = Api(port)
        html_med, html_p95 = timed(lambda: api.get("/"), 20)
        page_med, page_p95 = timed(lambda: api.get("/guardian/api/state-machines?limit=120"), 20)
        all_med, all_p95 = timed(lambda: api.get("/guardian/api/state-machines?limit=5000"), 10)
        grid = json.loads(api.get("/guardian/api/state-machines?limit=120"))
        print(f"grid load: app HTML {html_med:.2f} ms (p95 {html_p95:.2f}), first page of 120 tiles "
              f"{page_med:.2f} ms (p95 {page_p95:.2f}), all {args.machines} tiles {all_med:.1f} ms "
              f"(p95 {all_p95:.1f}); counts {grid.get('counts')}", flush=True)

        metrics_size = len(api.get("/metrics"))
        met_med, met_p95 = timed(lambda: api.get("/metrics"), 20)
        print(f"/metrics scrape: {met_med:.1f} ms (p95 {met_p95:.1f}), {metrics_size} bytes", flush=True)

        # SSE latency: a raw client reads the event stream while executions fail.
        failing = api.call("CreateStateMachine", {"name": "bench-failing", "definition": FAIL,
                                                  "roleArn": ROLE})["stateMachineArn"]
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(b"GET /guardian/api/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
        buf = b""
        while b"stepguard events" not in buf:
            buf += sock.recv(65536)
        latencies = []
        for i in range(50):
            t0 = time.perf_counter()
            arn = api.call("StartExecution", {"stateMachineArn": failing, "name": f"fail-{i}"})["executionArn"]
            want = ('"executionArn":"' + arn + '"').encode()
            buf = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    raise RuntimeError("event stream closed")
                buf += chunk
                at = buf.find(want)
                if at >= 0 and b'"status":"FAILED"' in buf[buf.rfind(b"event:", 0, at):]:
                    break
            latencies.append((time.perf_counter() - t0) * 1000)
        sock.close()
        latencies.sort()
        sse_med, sse_p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95) - 1]
        print(f"status change to SSE client (StartExecution -> FAILED event): {sse_med:.2f} ms (p95 {sse_p95:.2f})",
              flush=True)
        print(json.dumps({"machines": args.machines, "executions": args.executions,
                          "grid_html_ms": round(html_med, 2), "grid_first_page_ms": round(page_med, 2),
                          "grid_all_tiles_ms": round(all_med, 1), "sse_latency_ms": round(sse_med, 2),
                          "sse_latency_p95_ms": round(sse_p95, 2), "metrics_scrape_ms": round(met_med, 1),
                          "metrics_bytes": metrics_size}))


if __name__ == "__main__":
    main()
