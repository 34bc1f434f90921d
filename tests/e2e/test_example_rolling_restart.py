#!/usr/bin/env python3
"""End-to-end test of examples/seed-002-rolling-restart through the API.

The example folder is copied to a temporary directory and served with its stepguard.yaml
(time_scale 0.005: the 60 s boot wait takes 0.3 s, each 120 s startup-check retry 0.6 s).
The local functions (fleet.py) log every call with a timestamp to state/activity.jsonl,
which shows the Map's concurrency and the order of the steps.

- Happy path: four instances, restarted at most two at a time; instances whose application
  starts late are retried (InstanceNotYetStartedException) and then registered; the alarm
  actions are switched off first and on again last.
- Failure path: one instance never becomes ready: after 1 + 3 checks its error ends the Map,
  the States.ALL Catch publishes the alert (delivered to the topic's file channel), the
  cleanup step still switches the alarm actions back on, and the execution fails with the
  instance's error.
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
                       "seed-002-rolling-restart")
TOPIC = "arn:aws:sns:us-east-1:123456789012:ops-alerts"
ALARMS = {"webapp-5xx-errors": {"actionsEnabled": True}, "webapp-unhealthy-hosts": {"actionsEnabled": True}}
DEADLINE = 20
RETRY_INTERVAL = 120 * 0.005  # seconds, under the example's time_scale


def read_json(path):
    with open(path) as f:
        return json.load(f)


class RollingRestartExampleTest(unittest.TestCase):
    def setUp(self):
        # A fresh copy (fleet state, alert file) and server per test.
        self.tmp = tempfile.TemporaryDirectory(prefix="sg-example-")
        self.addCleanup(self.tmp.cleanup)
        self.folder = os.path.join(self.tmp.name, "example")
        shutil.copytree(EXAMPLE, self.folder,
                        ignore=shutil.ignore_patterns("stepguard-data", "state", "*.jsonl"))
        self.server = Server(extra_args=["--config", os.path.join(self.folder, "stepguard.yaml")])
        self.addCleanup(self.server.close)
        self.server.start()
        self.sfn = sfn_client(self.server)
        with open(os.path.join(self.folder, "rolling-restart.asl.json")) as f:
            self.arn = self.sfn.create_state_machine(name="rolling-restart", definition=f.read(),
                                                     roleArn=ROLE)["stateMachineArn"]

    def tearDown(self):
        self.server.stop()

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

    def activity(self):
        with open(os.path.join(self.folder, "state", "activity.jsonl")) as f:
            return [json.loads(line) for line in f]

    def instance(self, instance_id):
        return read_json(os.path.join(self.folder, "state", instance_id + ".json"))

    def checks_of(self, activity, instance_id):
        return [a for a in activity if a["action"] == "check-application-startup"
                and a["instance"] == instance_id and a["phase"] == "start"]

    def max_in_flight(self, activity):
        """How many instances were out of service at once: from deregistration to registration."""
        in_flight, peak = set(), 0
        for a in activity:
            if a["action"] == "deregister-target" and a["phase"] == "start":
                in_flight.add(a["instance"])
                peak = max(peak, len(in_flight))
            elif a["action"] == "register-target" and a["phase"] == "end":
                in_flight.discard(a["instance"])
        return peak

    def test_all_instances_restart_two_at_a_time(self):
        d, events = self.run_input("input-happy.json")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        out = json.loads(d["output"])
        spec = read_json(os.path.join(self.folder, "input-happy.json"))["instances"]
        self.assertEqual(out["restarted"], spec)
        self.assertEqual(out["enabled"]["actionsEnabled"], True)

        activity = self.activity()
        # Alarm actions off first, on again last; every instance back in the target group.
        self.assertEqual(activity[0]["action"], "disable-alarm-actions")
        self.assertEqual(activity[-1]["action"], "enable-alarm-actions")
        self.assertEqual(read_json(os.path.join(self.folder, "state", "alarms.json")), ALARMS)
        for item in spec:
            record = self.instance(item["InstanceId"])
            self.assertTrue(record["inTargetGroup"], record)
            self.assertEqual(record["checks"], item["startupChecksNeeded"])
            self.assertEqual(len(self.checks_of(activity, item["InstanceId"])), item["startupChecksNeeded"])
            steps = [a["action"] for a in activity if a.get("instance") == item["InstanceId"] and a["phase"] == "end"]
            self.assertEqual(steps, ["deregister-target", "reboot-instance"]
                             + ["check-application-startup"] * item["startupChecksNeeded"] + ["register-target"])
        # MaxConcurrency 2: two instances out of service together, never three.
        self.assertEqual(self.max_in_flight(activity), 2)

        # The retries waited their (scaled) 120 s between checks.
        checks = self.checks_of(activity, "i-0a1b2c3d4e5f60004")
        for a, b in zip(checks, checks[1:]):
            self.assertGreaterEqual(b["t"] - a["t"], RETRY_INTERVAL * 0.9)
        # History: 4 iterations, and one failed check per retry.
        self.assertEqual(sum(e["type"] == "MapIterationStarted" for e in events), 4)
        self.assertEqual(sum(e["type"] == "MapIterationSucceeded" for e in events), 4)
        # (A bare Lambda ARN as Resource records LambdaFunction* events, as on AWS.)
        failed = [e["lambdaFunctionFailedEventDetails"]["error"] for e in events
                  if e["type"] == "LambdaFunctionFailed"]
        self.assertEqual(failed, ["InstanceNotYetStartedException"] * 3)
        self.assertFalse(os.path.exists(os.path.join(self.folder, "ops-alerts.jsonl")))

    def test_instance_that_never_starts_raises_the_alert_and_cleanup_runs(self):
        d, events = self.run_input("input-stuck.json")
        self.assertEqual(d["status"], "FAILED", d)
        self.assertEqual(d["error"], "InstanceNotYetStartedException")
        cause = json.loads(d["cause"])
        self.assertEqual(cause["errorType"], "InstanceNotYetStartedException")
        self.assertEqual(cause["errorMessage"], "application on i-0a1b2c3d4e5f60002 has not started yet (check 4)")

        activity = self.activity()
        # One check and three retries, then the Map failed; the instance stays out of service.
        self.assertEqual(len(self.checks_of(activity, "i-0a1b2c3d4e5f60002")), 4)
        self.assertFalse(self.instance("i-0a1b2c3d4e5f60002")["inTargetGroup"])
        self.assertLessEqual(self.max_in_flight(activity), 2)
        # The cleanup ran after the failure: alarm actions are on again. (An iteration the
        # failure aborted may still log the end of a call it had started, so compare times.)
        last_check = self.checks_of(activity, "i-0a1b2c3d4e5f60002")[-1]["t"]
        cleanup = [a["t"] for a in activity if a["action"] == "enable-alarm-actions"]
        self.assertEqual(len(cleanup), 2)  # start and end
        self.assertGreater(cleanup[0], last_check)
        self.assertEqual(read_json(os.path.join(self.folder, "state", "alarms.json")), ALARMS)

        entered = [e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")]
        self.assertEqual(entered[-4:], ["SendAlert", "EnableAlarmActions", "RestartSucceeded?", "RestartFailed"])
        self.assertEqual(sum(e["type"] == "MapStateFailed" for e in events), 1)
        failed = [e["lambdaFunctionFailedEventDetails"]["error"] for e in events
                  if e["type"] == "LambdaFunctionFailed"]
        self.assertEqual(failed, ["InstanceNotYetStartedException"] * 4)

        # The alert reached the topic's file channel as SNS's notification JSON.
        path = os.path.join(self.folder, "ops-alerts.jsonl")
        deadline = time.time() + DEADLINE
        while not os.path.exists(path) and time.time() < deadline:
            time.sleep(0.05)
        with open(path) as f:
            alerts = [json.loads(line) for line in f]
        self.assertEqual(len(alerts), 1)
        alert = alerts[0]
        self.assertEqual((alert["Type"], alert["TopicArn"], alert["Subject"]),
                         ("Notification", TOPIC, "Rolling restart failed"))
        self.assertEqual(alert["MessageAttributes"], {"severity": {"Type": "String", "Value": "high"}})
        message = json.loads(alert["Message"])
        self.assertEqual(message["execution"], d["executionArn"])
        self.assertEqual(message["error"], "InstanceNotYetStartedException")
        self.assertEqual(json.loads(message["cause"]), cause)


if __name__ == "__main__":
    unittest.main()
