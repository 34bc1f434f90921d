#!/usr/bin/env python3
"""End-to-end test of `stepguard serve` with the AWS SDK for JavaScript v3 as the client.

sfn_js_client.mjs (@aws-sdk/client-sfn with `endpoint`, `disableHostPrefix: true` and
dummy credentials) walks the main flows and prints what the SDK handed back; this test
checks it: the SDK parsed every response (dates as Date objects), a callback completed
through SendTaskSuccess, StartSyncExecution answered, and an error surfaced under AWS's
name as the SDK's modelled exception class.

Skipped when tests/e2e/node_modules is missing (run ./scripts/setup) or node is absent.
"""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, ROLE, Server  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
SDK = os.path.join(HERE, "node_modules", "@aws-sdk", "client-sfn")


def is_date(value):
    return isinstance(value, dict) and set(value) == {"date"}


@unittest.skipUnless(os.path.isdir(SDK), "tests/e2e/node_modules/@aws-sdk/client-sfn is missing: run ./scripts/setup")
@unittest.skipUnless(shutil.which("node"), "node is not installed: run ./scripts/setup")
class JsSdk(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with Server(extra_args=["--time-scale", "0.01"]) as server:
            p = subprocess.run(["node", os.path.join(HERE, "sfn_js_client.mjs"), server.url], cwd=HERE,
                               capture_output=True, text=True, timeout=120)
            cls.log = server.log()
        if p.returncode != 0:
            raise AssertionError(f"sfn_js_client.mjs exited {p.returncode}:\n{p.stderr}\nserver log:\n{cls.log}")
        cls.r = json.loads(p.stdout)

    def test_create_and_describe(self):
        create = self.r["create"]
        self.assertEqual(create["stateMachineArn"], f"{ARN}:stateMachine:js-approvals")
        self.assertTrue(is_date(create["creationDate"]), create)
        self.assertEqual(create["httpStatusCode"], 200)
        self.assertTrue(create["requestId"])  # from x-amzn-RequestId
        d = self.r["describeStateMachine"]
        self.assertEqual((d["name"], d["status"], d["type"], d["roleArn"]),
                         ("js-approvals", "ACTIVE", "STANDARD", ROLE))
        self.assertEqual(d["creationDate"], create["creationDate"])
        self.assertEqual(json.loads(d["definition"])["StartAt"], "Approve")

    def test_start_describe_and_send_task_success(self):
        start = self.r["start"]
        self.assertEqual(start["executionArn"], f"{ARN}:execution:js-approvals:js-run")
        self.assertTrue(is_date(start["startDate"]))
        running = self.r["describeRunning"]
        self.assertEqual((running["status"], running["input"], running["redriveCount"]),
                         ("RUNNING", '{"item": "book"}', 0))
        self.assertNotIn("stopDate", running)
        self.assertNotIn("output", running)
        self.assertEqual(self.r["sendTaskSuccess"], {})
        done = self.r["describeDone"]
        self.assertEqual(done["status"], "SUCCEEDED")
        self.assertEqual(json.loads(done["output"]), {"item": "book", "approval": {"approved": True}})
        self.assertTrue(is_date(done["stopDate"]))
        self.assertEqual(done["startDate"], start["startDate"])

    def test_history_through_the_paginator_and_reversed(self):
        events = self.r["history"]
        self.assertEqual([e["type"] for e in events], [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded",
            "TaskStateExited", "ExecutionSucceeded"])
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))
        self.assertTrue(all(is_date(e["timestamp"]) for e in events))
        self.assertEqual(json.loads(events[5]["taskSucceededEventDetails"]["output"]), {"approved": True})
        self.assertEqual(self.r["historyReversed"], list(reversed(events)))

    def test_list_executions(self):
        items = self.r["listExecutions"]["executions"]
        self.assertEqual([(e["name"], e["status"]) for e in items], [("js-run", "SUCCEEDED")])
        self.assertTrue(is_date(items[0]["stopDate"]))

    def test_start_sync_execution(self):
        sync = self.r["startSync"]
        self.assertEqual((sync["httpStatusCode"], sync["status"]), (200, "SUCCEEDED"))
        self.assertEqual(json.loads(sync["output"]), {"greeting": "hello js"})
        self.assertTrue(sync["executionArn"].startswith(f"{ARN}:express:js-express:"))
        self.assertTrue(is_date(sync["startDate"]) and is_date(sync["stopDate"]))
        self.assertEqual(set(sync["billingDetails"]), {"billedMemoryUsedInMB", "billedDurationInMilliseconds"})

    def test_errors_surface_under_aws_names(self):
        missing = f"{ARN}:stateMachine:js-missing"
        self.assertEqual(self.r["error"], {
            "name": "StateMachineDoesNotExist", "message": f"State Machine Does Not Exist: '{missing}'",
            "fault": "client", "httpStatusCode": 400, "isModeledClass": True})
        self.assertEqual(self.r["inputError"]["name"], "InvalidExecutionInput")
        self.assertTrue(self.r["inputError"]["message"].startswith("Invalid State Machine Execution Input: '"))


if __name__ == "__main__":
    unittest.main()
