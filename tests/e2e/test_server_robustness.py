#!/usr/bin/env python3
"""The server against hostile requests and operational mishaps.

- A forged pagination token (tokens are not signed: anyone can build one) is an
  InvalidToken answer, never the end of the server.
- A graceful shutdown does not wait for a function call that has no timeout, and the
  call it interrupts is not recorded as a failure: after the restart the execution is
  still RUNNING and the call is made again (at least once), as after a crash.
- A second server on the same data directory refuses to start instead of resuming the
  executions the first one is running.
- TestState calls (each may wait for a function) are not a thread each without limit:
  past a bound they are throttled (ThrottlingException, which SDKs retry).
"""
import base64
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, ROLE, Server, sfn_client  # noqa: E402

from botocore.exceptions import ClientError  # noqa: E402

ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
DEADLINE = 20


def fnv1a(text):
    h = 1469598103934665603
    for b in text.encode():
        h ^= b
        h = (h * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def forged_token(listing, key):
    """A page token as pagination.cc builds one, for `listing`, resuming after `key`."""
    doc = json.dumps({"l": fnv1a(listing), "k": key, "t": int(time.time() * 1000)}, separators=(",", ":"))
    return base64.b64encode(doc.encode()).decode()


def wait_for(predicate, what, deadline=DEADLINE):
    end = time.time() + deadline
    while time.time() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class ForgedPageTokens(unittest.TestCase):
    def test_forged_keys_answer_invalid_token_and_the_server_lives_on(self):
        with Server() as server:
            sfn = sfn_client(server)
            sm_arn = sfn.create_state_machine(
                name="forged", roleArn=ROLE,
                definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))[
                    "stateMachineArn"]
            ex = sfn.start_execution(stateMachineArn=sm_arn, name="e1")["executionArn"]
            cases = [
                ("get_execution_history", {"executionArn": ex}, f"GetExecutionHistory {ex}", "not-a-number"),
                ("get_execution_history", {"executionArn": ex}, f"GetExecutionHistory {ex}",
                 "99999999999999999999999"),
                ("list_executions", {"stateMachineArn": sm_arn}, f"ListExecutions {sm_arn}  ", "x:y"),
                ("list_executions", {"stateMachineArn": sm_arn}, f"ListExecutions {sm_arn}  ",
                 "1:99999999999999999999999"),
            ]
            for action, args, listing, key in cases:
                with self.subTest(action=action, key=key):
                    with self.assertRaises(ClientError) as e:
                        getattr(sfn, action)(nextToken=forged_token(listing, key), **args)
                    self.assertEqual(e.exception.response["Error"]["Code"], "InvalidToken")
                    self.assertEqual(e.exception.response["Error"]["Message"], "Invalid Token: 'Invalid token'")
                    # Still serving.
                    self.assertEqual(sfn.describe_execution(executionArn=ex)["status"], "SUCCEEDED")
            self.assertEqual(server.stop(), 0)


class Shutdown(unittest.TestCase):
    def test_a_running_call_neither_holds_the_shutdown_nor_fails_the_execution(self):
        with tempfile.TemporaryDirectory(prefix="sg-e2e-calls-") as tmp:
            calls = os.path.join(tmp, "calls")
            # No TimeoutSeconds on the Task and none on the function: the call has no timeout.
            server = Server(extra_args=["--function", f"slow=echo call >> {calls}; sleep 30; echo '{{}}'"])
            try:
                server.start()
                sfn = sfn_client(server)
                sm_arn = sfn.create_state_machine(name="slow", roleArn=ROLE, definition=json.dumps({
                    "StartAt": "Call", "States": {"Call": {
                        "Type": "Task", "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:slow",
                        "End": True}}}))["stateMachineArn"]
                ex = sfn.start_execution(stateMachineArn=sm_arn, name="e1")["executionArn"]

                def read_calls():
                    if not os.path.exists(calls):
                        return 0
                    with open(calls) as f:
                        return f.read().count("call")
                wait_for(lambda: read_calls() == 1, "the first call")
                began = time.time()
                self.assertEqual(server.stop(timeout=25), 0)
                self.assertLess(time.time() - began, 8, "the shutdown waited for the running call")

                server.start()
                sfn = sfn_client(server)
                self.assertEqual(sfn.describe_execution(executionArn=ex)["status"], "RUNNING")
                types = [e["type"] for e in sfn.get_execution_history(executionArn=ex)["events"]]
                self.assertNotIn("LambdaFunctionFailed", types)
                wait_for(lambda: read_calls() == 2, "the call made again after the restart")
                began = time.time()
                self.assertEqual(server.stop(timeout=25), 0)
                self.assertLess(time.time() - began, 8)
            finally:
                server.close()


def raw_call(server, target, body, timeout=60):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=timeout)
    try:
        conn.request("POST", "/", body=body, headers={"Content-Type": "application/x-amz-json-1.0",
                                                      "X-Amz-Target": target})
        r = conn.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    finally:
        conn.close()


def thread_count(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


class TestStateLoad(unittest.TestCase):
    def test_concurrent_test_state_calls_are_bounded_and_the_excess_throttled(self):
        server = Server(extra_args=["--function", "nap=sleep 3; echo '{\"slept\": true}'"])
        try:
            server.start()
            base = thread_count(server.proc.pid)
            body = json.dumps({"definition": json.dumps({
                "Type": "Task", "Resource": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:nap", "End": True}),
                "roleArn": ROLE, "input": "{}"}).encode()
            answers, peak = [], [0]
            lock = threading.Lock()

            def call():
                answer = raw_call(server, "AWSStepFunctions.TestState", body)
                with lock:
                    answers.append(answer)

            def watch():
                while len(answers) < 150:
                    peak[0] = max(peak[0], thread_count(server.proc.pid))
                    time.sleep(0.05)
            threads = [threading.Thread(target=call) for _ in range(150)]
            watcher = threading.Thread(target=watch)
            watcher.start()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            watcher.join()
            statuses = [(status, b.get("__type", "").split("#")[-1] or b.get("status")) for status, b in answers]
            succeeded = statuses.count((200, "SUCCEEDED"))
            throttled = statuses.count((400, "ThrottlingException"))
            self.assertEqual(succeeded + throttled, 150, statuses)
            self.assertGreater(succeeded, 0)
            self.assertGreater(throttled, 0)
            self.assertLess(peak[0] - base, 100, "a thread per TestState call, without bound")
            self.assertEqual(server.stop(timeout=25), 0)
        finally:
            server.close()


class DataDirectory(unittest.TestCase):
    def test_a_second_server_on_the_same_data_refuses_to_start(self):
        with Server() as first:
            second = Server(data_dir=first.data_dir)
            try:
                with self.assertRaises(RuntimeError) as e:
                    second.start(timeout=10)
                self.assertIn("in use", str(e.exception))
            finally:
                second.kill()
                if getattr(second, "_log", None):
                    second._log.close()
            # The first one is unaffected.
            self.assertEqual(sfn_client(first).list_state_machines()["stateMachines"], [])


if __name__ == "__main__":
    unittest.main(verbosity=1)
