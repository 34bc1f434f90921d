#!/usr/bin/env python3
"""End-to-end test of examples/mock-config-suite.

- Its run_tests.sh (the script users copy into CI) passes against the built binary, and
  fails, naming the case, when an expected output no longer matches.
- The same three test cases through `stepguard serve --mock-config` with boto3, selected by
  appending `#TestCase` to the state machine ARN: the happy path, the retry path (two
  throttled attempts in the history, then success) and the failure path (caught, on-call
  alerted, execution failed), each with the output in expected/.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import BIN, ROLE, Server, sfn_client  # noqa: E402

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                       "mock-config-suite")
DEADLINE = 15


def read_json(*parts):
    with open(os.path.join(*parts)) as f:
        return json.load(f)


def run_script(folder):
    env = dict(os.environ, STEPGUARD=os.path.abspath(BIN))
    return subprocess.run([os.path.join(folder, "run_tests.sh")], capture_output=True, text=True,
                          env=env, timeout=60)


class RunTestsScriptTest(unittest.TestCase):
    def test_script_passes(self):
        p = run_script(EXAMPLE)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(p.stdout.splitlines(), ["ok   HappyPath", "ok   RetryPath", "ok   FailurePath",
                                                 "all test cases passed"])

    def test_script_reports_a_regression(self):
        with tempfile.TemporaryDirectory(prefix="sg-example-") as tmp:
            folder = os.path.join(tmp, "suite")
            shutil.copytree(EXAMPLE, folder)
            expected = read_json(folder, "expected", "RetryPath.json")
            expected["sales"]["orders"] = 1
            with open(os.path.join(folder, "expected", "RetryPath.json"), "w") as f:
                json.dump(expected, f)
            p = run_script(folder)
            self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
            self.assertIn("ok   HappyPath", p.stdout)
            self.assertIn("FAIL RetryPath", p.stdout)
            self.assertIn("ok   FailurePath", p.stdout)
            self.assertIn("some test cases failed", p.stdout)


class ServerTestCasesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--mock-config", os.path.join(EXAMPLE, "mocks.json"),
                                        "--time-scale", "0.01"])
        cls.server.start()
        cls.sfn = sfn_client(cls.server)
        with open(os.path.join(EXAMPLE, "nightly-report.asl.json")) as f:
            cls.arn = cls.sfn.create_state_machine(name="nightly-report", definition=f.read(),
                                                   roleArn=ROLE)["stateMachineArn"]
        with open(os.path.join(EXAMPLE, "input.json")) as f:
            cls.input = f.read()

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.close()

    def run_case(self, test_case):
        arn = self.sfn.start_execution(stateMachineArn=f"{self.arn}#{test_case}", input=self.input)["executionArn"]
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                events = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
                self.assertEqual(d["stateMachineArn"], self.arn)
                return d, events
            time.sleep(0.05)
        self.fail(f"{arn} did not end:\n{self.server.log()}")

    @staticmethod
    def failed_attempts(events):
        return [e["taskFailedEventDetails"]["error"] for e in events if e["type"] == "TaskFailed"]

    @staticmethod
    def entered(events):
        return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]

    def test_happy_path(self):
        d, events = self.run_case("HappyPath")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), read_json(EXAMPLE, "expected", "HappyPath.json"))
        self.assertEqual(self.failed_attempts(events), [])
        self.assertEqual(self.entered(events), ["FetchSales", "StoreReport", "NotifyTeam"])

    def test_retry_path(self):
        d, events = self.run_case("RetryPath")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), read_json(EXAMPLE, "expected", "RetryPath.json"))
        self.assertEqual(self.failed_attempts(events), ["Lambda.TooManyRequestsException"] * 2)
        self.assertEqual(sum(e["type"] == "TaskScheduled" for e in events), 5)  # 3 fetches, store, notify

    def test_failure_path(self):
        d, events = self.run_case("FailurePath")
        self.assertEqual(d["status"], "FAILED", d)
        expected = read_json(EXAMPLE, "expected", "FailurePath.json")
        self.assertEqual((d["error"], d["cause"]), (expected["Error"], expected["Cause"]))
        self.assertEqual(self.failed_attempts(events), ["S3.NoSuchBucketException"])
        self.assertEqual(self.entered(events), ["FetchSales", "StoreReport", "AlertOnCall", "ReportFailed"])
        # The alert carries the caught error.
        scheduled = [json.loads(e["taskScheduledEventDetails"]["parameters"]) for e in events
                     if e["type"] == "TaskScheduled"]
        alert = next(p for p in scheduled if p.get("TopicArn", "").endswith(":on-call"))
        message = alert["Message"]
        self.assertEqual(message["Error"], "S3.NoSuchBucketException")


if __name__ == "__main__":
    unittest.main()
