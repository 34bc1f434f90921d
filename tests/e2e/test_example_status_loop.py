#!/usr/bin/env python3
"""End-to-end test of examples/seed-004-status-loop through the API.

The example folder is copied to a temporary directory and served as its README says
(`stepguard serve --config stepguard.yaml`; the harness sets the port and the data
directory). boto3 creates the state machine and starts executions: a job that succeeds on
its third status poll and one that fails on its second. The history shows the
Wait -> GetJobStatus -> Choice loop once per poll, and each Wait lasting its 10 s scaled by
the config's time_scale (0.01).
"""
import json
import os
import shutil
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ROLE, Server, sfn_client  # noqa: E402

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                       "seed-004-status-loop")
DEADLINE = 20


def entered_states(events):
    return [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]


class StatusLoopExampleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="sg-example-")
        cls.folder = os.path.join(cls.tmp.name, "example")
        shutil.copytree(EXAMPLE, cls.folder, ignore=shutil.ignore_patterns("stepguard-data"))
        cls.server = Server(extra_args=["--config", os.path.join(cls.folder, "stepguard.yaml")])
        cls.server.start()
        cls.sfn = sfn_client(cls.server)
        with open(os.path.join(cls.folder, "status-loop.asl.json")) as f:
            cls.arn = cls.sfn.create_state_machine(name="status-loop", definition=f.read(),
                                                   roleArn=ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.close()
            cls.tmp.cleanup()

    def run_input(self, input_file):
        with open(os.path.join(self.folder, input_file)) as f:
            arn = self.sfn.start_execution(stateMachineArn=self.arn, input=f.read())["executionArn"]
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                events = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
                return d, events
            time.sleep(0.05)
        self.fail(f"{arn} did not end:\n{self.server.log()}")

    def assert_waits_scaled(self, events):
        # Each 10 s Wait lasts about 0.1 s under time_scale 0.01: really waited, not skipped.
        entered = [e["timestamp"] for e in events if e["type"] == "WaitStateEntered"]
        exited = [e["timestamp"] for e in events if e["type"] == "WaitStateExited"]
        self.assertEqual(len(entered), len(exited))
        for a, b in zip(entered, exited):
            self.assertGreaterEqual((b - a).total_seconds(), 0.09)
            self.assertLess((b - a).total_seconds(), 5)

    def test_job_succeeds_after_three_polls(self):
        d, events = self.run_input("input-succeeds.json")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        out = json.loads(d["output"])
        self.assertEqual(out["status"], "SUCCEEDED")
        self.assertEqual(out["polls"], 3)
        self.assertTrue(out["jobId"].startswith("job-"))
        loop = ["WaitBeforePoll", "GetJobStatus", "JobDone?"]
        self.assertEqual(entered_states(events), ["SubmitJob", *loop * 3, "JobSucceeded"])
        # Each poll is a Lambda call whose Payload carries the job's status so far.
        polled = [json.loads(e["taskSucceededEventDetails"]["output"])["Payload"]["status"]
                  for e in events if e["type"] == "TaskSucceeded"]
        self.assertEqual(polled, ["SUBMITTED", "RUNNING", "RUNNING", "SUCCEEDED"])
        self.assertEqual(events[-1]["type"], "ExecutionSucceeded")
        self.assert_waits_scaled(events)

    def test_job_fails_on_the_second_poll(self):
        d, events = self.run_input("input-fails.json")
        self.assertEqual(d["status"], "FAILED", d)
        self.assertEqual(d["error"], "JobFailed")
        self.assertRegex(d["cause"], r"^job job-[0-9a-f]{12} \(nightly-report\) failed after 2 polls$")
        loop = ["WaitBeforePoll", "GetJobStatus", "JobDone?"]
        self.assertEqual(entered_states(events), ["SubmitJob", *loop * 2, "JobFailed"])
        failed = events[-1]
        self.assertEqual(failed["type"], "ExecutionFailed")
        self.assertEqual(failed["executionFailedEventDetails"]["error"], "JobFailed")
        self.assert_waits_scaled(events)


if __name__ == "__main__":
    unittest.main()
