#!/usr/bin/env python3
"""End-to-end tests of schedules in `stepguard serve`: a scheduled EventBridge rule
(`rate(1 minute)`, created with boto3) and a Scheduler-style config schedule
(`events: schedules:`) start executions with their target's input on the server's clock,
sped up by `--time-scale` (1/60: a schedule minute per real second); `stepguard schedules`
lists them with their next fire times.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, BIN, REGION, ROLE, Server, sfn_client  # noqa: E402

ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
PASS = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
SCALE = str(1 / 60)


def events_client(server):
    import boto3
    from botocore.config import Config
    return boto3.client("events", endpoint_url=server.url, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 0}))


def executions(sfn, machine):
    out = sfn.list_executions(stateMachineArn=f"{ARN}:stateMachine:{machine}")["executions"]
    return sorted(out, key=lambda e: e["startDate"])


class SchedulesTest(unittest.TestCase):
    def tearDown(self):
        self.server.stop()
        self.server.close()

    def test_rate_rule_fires_every_scaled_minute(self):
        self.server = Server(extra_args=["--time-scale", SCALE]).start()
        sfn = sfn_client(self.server)
        sfn.create_state_machine(name="tick", definition=PASS, roleArn=ROLE)
        ev = events_client(self.server)
        ev.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
        ev.put_targets(Rule="every-minute", Targets=[{"Id": "t", "Arn": f"{ARN}:stateMachine:tick",
                                                      "Input": json.dumps({"job": "sweep"})}])
        created = time.time()
        time.sleep(3.5)
        runs = executions(sfn, "tick")
        # Fires at created + 1 s, + 2 s, + 3 s (one schedule minute each).
        self.assertIn(len(runs), (3, 4), [r["startDate"] for r in runs])
        starts = [r["startDate"].timestamp() for r in runs]
        self.assertAlmostEqual(starts[0] - created, 1.0, delta=0.6)
        for a, b in zip(starts, starts[1:]):
            self.assertAlmostEqual(b - a, 1.0, delta=0.4)
        d = sfn.describe_execution(executionArn=runs[0]["executionArn"])
        self.assertEqual(json.loads(d["input"]), {"job": "sweep"})

        out = subprocess.run([BIN, "schedules", "--endpoint", self.server.url, "--count", "2"],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("every-minute", out.stdout)
        self.assertIn("rate(1 minute)", out.stdout)
        with urllib.request.urlopen(self.server.url + "/events/api/schedules?count=2", timeout=5) as r:
            listed = json.loads(r.read())
        rule = listed["schedules"][0]
        self.assertEqual(rule["kind"], "rule")
        self.assertEqual(len(rule["next_fires"]), 2)
        self.assertIsNotNone(rule["last_fire"])

        # Disabled: no more fires.
        ev.disable_rule(Name="every-minute")
        time.sleep(0.3)
        n = len(executions(sfn, "tick"))
        time.sleep(1.5)
        self.assertEqual(len(executions(sfn, "tick")), n)

    def test_missed_fires_run_once_after_a_restart(self):
        # rate(1 minute) at 1/30: a fire every 2 s; the server is down for about 5 s.
        self.server = Server(extra_args=["--time-scale", str(1 / 30)]).start()
        sfn = sfn_client(self.server)
        sfn.create_state_machine(name="tick", definition=PASS, roleArn=ROLE)
        ev = events_client(self.server)
        ev.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")
        ev.put_targets(Rule="every-minute", Targets=[{"Id": "t", "Arn": f"{ARN}:stateMachine:tick"}])
        time.sleep(2.5)
        self.assertEqual(len(executions(sfn, "tick")), 1)
        self.server.stop()
        time.sleep(5)  # two or three fires fall while the server is down
        restarted = time.time()
        self.server.start()
        sfn = sfn_client(self.server)
        time.sleep(1.0)
        after = [r["startDate"].timestamp() for r in executions(sfn, "tick")][1:]
        self.assertTrue(after, "no catch-up fire at start-up")
        self.assertLess(after[0] - restarted, 0.9)  # the catch-up, at start-up
        for a, b in zip(after, after[1:]):
            self.assertGreater(b - a, 0.15, "more than one catch-up fire")  # then the 2 s grid

    def test_config_schedule_fires_at_once_then_every_period(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sg-sched-")
        config = os.path.join(self.tmp.name, "stepguard.yaml")
        with open(config, "w") as f:
            f.write(f"""
events:
  schedules:
    - name: sweep
      expression: rate(1 minute)
      timezone: Europe/Paris
      target: {ARN}:stateMachine:tick
      input: {{job: sweep, at: "<aws.scheduler.scheduled-time>"}}
    - name: later
      expression: cron(0 9 ? * MON-FRI *)
      timezone: America/New_York
      flexible_window_minutes: 15
      target: {ARN}:stateMachine:tick
""")
        self.server = Server(extra_args=["--time-scale", SCALE, "--config", config]).start()
        sfn = sfn_client(self.server)
        sfn.create_state_machine(name="tick", definition=PASS, roleArn=ROLE)
        time.sleep(2.5)
        runs = executions(sfn, "tick")
        self.assertGreaterEqual(len(runs), 2)
        inputs = [json.loads(sfn.describe_execution(executionArn=r["executionArn"])["input"]) for r in runs]
        self.assertEqual(inputs[0]["job"], "sweep")
        self.assertRegex(inputs[0]["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
        out = subprocess.run([BIN, "schedules", "--endpoint", self.server.url],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("America/New_York", out.stdout)
        self.assertIn("cron(0 9 ? * MON-FRI *)", out.stdout)
        self.tmp.cleanup()


if __name__ == "__main__":
    unittest.main()
