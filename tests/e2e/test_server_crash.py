#!/usr/bin/env python3
"""Durability: 1,000 executions with Waits and task callbacks survive SIGKILL.

The workflow: Pass -> Wait -> activity task (workers poll GetActivityTask) -> Wait ->
callback task (.waitForTaskToken; a completer reads the token from the history) -> Pass.
The server is killed with SIGKILL several times while executions are in every phase, and
restarted on the same data each time. Then every execution must have completed exactly
once with the right output, and its history must have the same event types, in the same
order, as an uninterrupted run.

Clients keep going through the crashes as real clients do: a StartExecution that got no
answer is sent again with the same name and input (idempotent), a worker whose call failed
polls again.
"""
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, ROLE, Server, sfn_client  # noqa: E402

N = int(os.environ.get("STEPGUARD_CRASH_EXECUTIONS", "1000"))
KILLS = 3
ACTIVITY = f"arn:aws:states:{REGION}:{ACCOUNT}:activity:crash-work"

DEFINITION = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Parameters": {"n.$": "$.n"}, "Next": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 2, "Next": "Work"},
        "Work": {"Type": "Task", "Resource": ACTIVITY, "ResultPath": "$.work", "Next": "Pause again"},
        "Pause again": {"Type": "Wait", "Seconds": 1, "Next": "Callback"},
        "Callback": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                     "Parameters": {"QueueUrl": "https://example.invalid/q", "MessageBody": {
                         "token.$": "$$.Task.Token", "n.$": "$.n"}},
                     "ResultPath": "$.callback", "Next": "Done"},
        "Done": {"Type": "Pass", "End": True},
    },
}
EXPECTED_TYPES = [
    "ExecutionStarted", "PassStateEntered", "PassStateExited", "WaitStateEntered", "WaitStateExited",
    "TaskStateEntered", "ActivityScheduled", "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
    "WaitStateEntered", "WaitStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted",
    "TaskSucceeded", "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
]


def expected_output(n):
    return {"n": n, "work": {"doubled": 2 * n}, "callback": {"tripled": 3 * n}}


class Clients:
    """Workers and completers that keep working while the server comes and goes."""

    def __init__(self, server):
        self.server = server
        self.stop = threading.Event()
        self.done_tokens = set()
        self.lock = threading.Lock()

    def client(self):
        return sfn_client(self.server, connect_timeout=2, read_timeout=70)

    def worker(self):
        sfn = self.client()
        while not self.stop.is_set():
            try:
                task = sfn.get_activity_task(activityArn=ACTIVITY, workerName=f"w-{threading.get_ident()}")
                if not task.get("taskToken"):
                    continue
                n = json.loads(task["input"])["n"]
                try:
                    sfn.send_task_success(taskToken=task["taskToken"], output=json.dumps({"doubled": 2 * n}))
                except sfn.exceptions.TaskTimedOut:
                    pass  # handed out twice across a crash; the other copy completed it
            except Exception:  # the server is down: poll again once it is back
                time.sleep(0.05)
                sfn = self.client()

    def completer(self, arns):
        sfn = self.client()
        while not self.stop.is_set():
            progressed = False
            for arn in arns:
                if self.stop.is_set():
                    return
                with self.lock:
                    if arn in self.done_tokens:
                        continue
                try:
                    events = sfn.get_execution_history(executionArn=arn, reverseOrder=True, maxResults=10)["events"]
                    if events and events[0]["type"] == "ExecutionSucceeded":
                        with self.lock:
                            self.done_tokens.add(arn)
                        continue
                    submitted = [e for e in events if e["type"] == "TaskSubmitted"]
                    scheduled = [e for e in events if e["type"] == "TaskScheduled"]
                    if not submitted or not scheduled:
                        continue
                    body = json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])["MessageBody"]
                    try:
                        sfn.send_task_success(taskToken=body["token"], output=json.dumps({"tripled": 3 * body["n"]}))
                    except sfn.exceptions.TaskTimedOut:
                        pass
                    progressed = True
                except Exception:
                    time.sleep(0.05)
                    sfn = self.client()
            if not progressed:
                time.sleep(0.1)


class CrashRecovery(unittest.TestCase):
    def test_thousand_executions_survive_repeated_sigkill(self):
        server = Server(extra_args=["--time-scale", "0.25", "--durability", "normal"])
        try:
            server.start()
            sfn = sfn_client(server)
            sm = sfn.create_state_machine(name="crash", definition=json.dumps(DEFINITION), roleArn=ROLE)
            sfn.create_activity(name="crash-work")
            sm_arn = sm["stateMachineArn"]
            clients = Clients(server)
            threads = [threading.Thread(target=clients.worker, daemon=True) for _ in range(8)]
            for t in threads:
                t.start()

            arns = []
            kills_done = 0
            kill_at = {N // 4, N // 2, 3 * N // 4}
            starter = sfn_client(server, connect_timeout=2, read_timeout=10)
            for i in range(N):
                name, inp = f"e-{i}", json.dumps({"n": i})
                while True:  # a start that got no answer is sent again: same name, same input
                    try:
                        arns.append(starter.start_execution(stateMachineArn=sm_arn, name=name, input=inp)["executionArn"])
                        break
                    except Exception:
                        time.sleep(0.05)
                        starter = sfn_client(server, connect_timeout=2, read_timeout=10)
                if i in kill_at:
                    server.kill()
                    kills_done += 1
                    server.start()
            comp = [threading.Thread(target=clients.completer, args=(arns[k::4],), daemon=True) for k in range(4)]
            for t in comp:
                t.start()
            threads += comp
            # One more crash while executions wait on timers, activities and callbacks.
            time.sleep(1.5)
            server.kill()
            kills_done += 1
            server.start()
            self.assertGreaterEqual(kills_done, KILLS)

            deadline = time.time() + 240
            while time.time() < deadline:
                with clients.lock:
                    if len(clients.done_tokens) >= N:
                        break
                time.sleep(0.5)
            clients.stop.set()
            sfn = sfn_client(server)
            listed = []
            for page in sfn.get_paginator("list_executions").paginate(stateMachineArn=sm_arn):
                listed += page["executions"]
            self.assertEqual(len(listed), N, "each execution exists exactly once")
            self.assertEqual({e["status"] for e in listed}, {"SUCCEEDED"})
            for i, arn in enumerate(arns):
                d = sfn.describe_execution(executionArn=arn)
                self.assertEqual(json.loads(d["output"]), expected_output(i), arn)
                events = []
                for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn):
                    events += page["events"]
                self.assertEqual([e["type"] for e in events], EXPECTED_TYPES, arn)
                self.assertEqual([e["id"] for e in events], list(range(1, len(EXPECTED_TYPES) + 1)), arn)
        finally:
            server.stop()
            server.close()


if __name__ == "__main__":
    unittest.main()
