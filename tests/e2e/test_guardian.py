#!/usr/bin/env python3
"""End-to-end test of the guardian: the seed 000 scenario ("Guardian of the Functions").

Three state machines step1..step3 (step2 fails) run under `stepguard serve` with an alarm
template that gives every `step*` machine the seed's alarm (the latest execution status
code, statistic Maximum, period 60 s, threshold 3, GreaterThanOrEqualToThreshold) whose
action is an SNS topic delivered to a local webhook. With --time-scale 0.01 a guardian
minute lasts 0.6 s, so evaluation runs within seconds. Asserts: exactly one alarm in ALARM
(step2's), the webhook received its SNS-shaped alarm notification, /metrics shows the
status codes (step1 2, step2 3, step3 2), the grid endpoint, the alarms API and
`stepguard status` print the three rows; a machine created later gets its alarm too.
After a restart the latest status is back, and so are the alarms created through the API
(a config alarm of the same name wins); deleted ones stay gone.
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, BIN, REGION, ROLE, Server, sfn_client  # noqa: E402

TOPIC = f"arn:aws:sns:{REGION}:{ACCOUNT}:guardian-alerts"
PASS = json.dumps({"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}})
FAIL = json.dumps({"StartAt": "Work", "States": {
    "Work": {"Type": "Fail", "Error": "DataError", "Cause": "the file could not be parsed"}}})

CONFIG = """
topics:
  {topic}:
    - webhook: http://127.0.0.1:{port}/sns
alarm_templates:
  - name: latest-status
    name_pattern: "step*"
    alarm:
      AlarmName: "StepFunctionStatusAlarm-${{state_machine}}"
      AlarmDescription: "This metric checks status of Step Function ${{state_machine}}"
      Namespace: StepGuard
      MetricName: LatestExecutionStatusCode
      Dimensions: [{{Name: StateMachineArn, Value: "${{state_machine_arn}}"}}]
      Statistic: Maximum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 3
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: missing
      AlarmActions: ["{topic}"]
"""

RESTART_CONFIG = """
alarms:
  - AlarmName: config-failures
    Namespace: AWS/States
    MetricName: ExecutionsFailed
    Statistic: Sum
    Period: 60
    EvaluationPeriods: 1
    Threshold: 3
    ComparisonOperator: GreaterThanOrEqualToThreshold
"""


class Webhook(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Webhook.received.append({"path": self.path, "headers": dict(self.headers), "body": body.decode()})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def get(server, path):
    with urllib.request.urlopen(server.url + path, timeout=10) as r:
        return r.read().decode(), r.headers.get("Content-Type")


def post(server, path, body):
    req = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def wait_for(predicate, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class GuardianSeedScenario(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hook = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Webhook)
        threading.Thread(target=cls.hook.serve_forever, daemon=True).start()
        cls.tmp = tempfile.TemporaryDirectory(prefix="sg-guardian-")
        cls.config = os.path.join(cls.tmp.name, "stepguard.yaml")
        with open(cls.config, "w") as f:
            f.write(CONFIG.format(topic=TOPIC, port=cls.hook.server_address[1]))
        cls.server = Server(extra_args=["--config", cls.config, "--time-scale", "0.01"]).start()
        cls.sfn = sfn_client(cls.server)
        cls.arns = {}
        for name, definition in (("step1", PASS), ("step2", FAIL), ("step3", PASS), ("other", PASS)):
            cls.arns[name] = cls.sfn.create_state_machine(name=name, definition=definition,
                                                          roleArn=ROLE)["stateMachineArn"]
        for name in ("step1", "step2", "step3"):
            ex = cls.sfn.start_execution(stateMachineArn=cls.arns[name], name=f"{name}-run-1")["executionArn"]
            wait_for(lambda: cls.sfn.describe_execution(executionArn=ex)["status"] != "RUNNING",
                     what=f"{name} to finish")

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.close()
            cls.hook.shutdown()
            cls.tmp.cleanup()

    def alarms(self):
        return json.loads(get(self.server, "/guardian/api/alarms")[0])["alarms"]

    def settled_alarms(self):
        def settled():
            alarms = self.alarms()
            names = sorted(a["alarmName"] for a in alarms)
            states = {a["alarmName"]: a["stateValue"] for a in alarms}
            if names != [f"StepFunctionStatusAlarm-step{i}" for i in (1, 2, 3)]:
                return None
            if any(s == "INSUFFICIENT_DATA" for s in states.values()):
                return None
            return states
        return wait_for(settled, what="the three template alarms to be evaluated")

    def test_exactly_one_alarm_in_alarm(self):
        states = self.settled_alarms()
        self.assertEqual(states, {"StepFunctionStatusAlarm-step1": "OK", "StepFunctionStatusAlarm-step2": "ALARM",
                                  "StepFunctionStatusAlarm-step3": "OK"})
        # It stays red while step2's latest execution is the failed one (sampled every minute).
        time.sleep(1.5)
        self.assertEqual([a["alarmName"] for a in self.alarms() if a["stateValue"] == "ALARM"],
                         ["StepFunctionStatusAlarm-step2"])

    def test_webhook_receives_sns_alarm_notification(self):
        self.settled_alarms()
        msg = wait_for(lambda: next((m for m in Webhook.received
                                     if "StepFunctionStatusAlarm-step2" in m["body"]), None),
                       what="the alarm notification")
        self.assertEqual(msg["path"], "/sns")
        self.assertEqual(msg["headers"].get("x-amz-sns-message-type"), "Notification")
        envelope = json.loads(msg["body"])
        self.assertEqual(envelope["Type"], "Notification")
        self.assertEqual(envelope["TopicArn"], TOPIC)
        self.assertEqual(envelope["Subject"], 'ALARM: "StepFunctionStatusAlarm-step2" in US East (N. Virginia)')
        alarm = json.loads(envelope["Message"])
        self.assertEqual(alarm["AlarmName"], "StepFunctionStatusAlarm-step2")
        self.assertEqual(alarm["NewStateValue"], "ALARM")
        self.assertEqual(alarm["OldStateValue"], "INSUFFICIENT_DATA")
        self.assertEqual(alarm["Trigger"]["MetricName"], "LatestExecutionStatusCode")
        self.assertEqual(alarm["Trigger"]["Threshold"], 3.0)
        # Only transitions into ALARM have actions here: step1/step3 (OK) sent nothing.
        self.assertFalse([m for m in Webhook.received if "StepFunctionStatusAlarm-step1" in m["body"]])

    def test_metrics_show_status_codes(self):
        text, ctype = get(self.server, "/metrics")
        self.assertTrue(ctype.startswith("text/plain; version=0.0.4"))
        for name, code in (("step1", 2), ("step2", 3), ("step3", 2), ("other", 0)):
            self.assertIn(f'stepguard_latest_execution_status_code{{state_machine="{name}"}} {code}\n', text)
        self.assertIn('stepguard_latest_execution_status{state_machine="step2",status="failed"} 1\n', text)
        self.assertIn('stepguard_latest_execution_status{state_machine="step2",status="succeeded"} 0\n', text)
        self.assertIn('stepguard_executions_closed_total{state_machine="step2",status="failed"} 1\n', text)

    def test_grid_endpoint(self):
        self.settled_alarms()
        grid = json.loads(get(self.server, "/guardian/api/state-machines")[0])
        tiles = {t["name"]: t for t in grid["stateMachines"]}
        self.assertEqual(sorted(tiles), ["other", "step1", "step2", "step3"])
        self.assertEqual(grid["counts"], {"SUCCEEDED": 2, "FAILED": 1, "TIMED_OUT": 0, "ABORTED": 0,
                                          "RUNNING": 0, "NONE": 1})
        s2 = tiles["step2"]
        self.assertEqual(s2["latest"]["status"], "FAILED")
        self.assertEqual(s2["latest"]["name"], "step2-run-1")
        self.assertEqual(s2["latest"]["error"], "DataError")
        self.assertEqual(s2["latest"]["cause"], "the file could not be parsed")
        self.assertTrue(s2["latest"]["stopDate"].endswith("Z"))
        self.assertEqual(s2["alarmState"], "ALARM")
        self.assertEqual(s2["alarms"], [{"alarmName": "StepFunctionStatusAlarm-step2", "stateValue": "ALARM"}])
        self.assertIsNone(tiles["other"]["latest"])
        self.assertIsNone(tiles["other"]["alarmState"])
        failed = json.loads(get(self.server, "/guardian/api/state-machines?status=FAILED")[0])
        self.assertEqual([t["name"] for t in failed["stateMachines"]], ["step2"])
        named = json.loads(get(self.server, "/guardian/api/state-machines?name=STEP&offset=1&limit=1")[0])
        self.assertEqual([t["name"] for t in named["stateMachines"]], ["step2"])

    def test_alarm_api(self):
        self.settled_alarms()
        d = post(self.server, "/guardian/api/alarms/DescribeAlarms", {"StateValue": "ALARM"})
        self.assertEqual([a["AlarmName"] for a in d["MetricAlarms"]], ["StepFunctionStatusAlarm-step2"])
        h = post(self.server, "/guardian/api/alarms/DescribeAlarmHistory",
                 {"AlarmName": "StepFunctionStatusAlarm-step2", "HistoryItemType": "Action"})
        self.assertTrue(h["AlarmHistoryItems"])
        post(self.server, "/guardian/api/alarms/PutMetricAlarm", {
            "AlarmName": "any-failure", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
            "Dimensions": [{"Name": "StateMachineArn", "Value": self.arns["other"]}], "Statistic": "Sum",
            "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold", "TreatMissingData": "notBreaching"})
        req = urllib.request.Request(self.server.url + "/guardian/api/alarms", method="POST",
                                     data=json.dumps({"AlarmNames": ["any-failure"]}).encode(),
                                     headers={"X-Amz-Target": "GraniteServiceVersion20100801.DescribeAlarms"})
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(json.loads(r.read())["MetricAlarms"][0]["MetricName"], "ExecutionsFailed")
        post(self.server, "/guardian/api/alarms/DeleteAlarms", {"AlarmNames": ["any-failure"]})
        stats = post(self.server, "/guardian/api/metrics/statistics", {
            "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
            "Dimensions": [{"Name": "StateMachineArn", "Value": self.arns["step2"]}],
            "StartTime": int(time.time()) - 3600, "EndTime": int(time.time()) + 86400,
            "Period": 3600, "Statistics": ["Sum"]})
        self.assertEqual(sum(p["Sum"] for p in stats["Datapoints"]), 1.0)

    def test_status_command(self):
        self.settled_alarms()
        p = subprocess.run([BIN, "status", "--endpoint", self.server.url, "--no-color"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        rows = {l.split()[1]: l for l in lines if l.startswith(("●", "○", "◐"))}
        self.assertIn("SUCCEEDED", rows["step1"])
        self.assertIn("FAILED", rows["step2"])
        self.assertIn("step2-run-1", rows["step2"])
        self.assertIn("ALARM", rows["step2"])
        self.assertIn("SUCCEEDED", rows["step3"])
        self.assertIn("NEVER RUN", rows["other"])
        self.assertIn("FAILED 1", p.stdout)
        colored = subprocess.run([BIN, "status", "--endpoint", self.server.url], capture_output=True, text=True,
                                 timeout=30)
        self.assertIn("\033[31m", colored.stdout)  # red for the failed machine
        down = subprocess.run([BIN, "status", "--endpoint", "http://127.0.0.1:9"], capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(down.returncode, 1)
        self.assertIn("cannot reach the stepguard server", down.stderr)

    def test_template_covers_machines_created_later(self):
        arn = self.sfn.create_state_machine(name="step4", definition=FAIL, roleArn=ROLE)["stateMachineArn"]
        try:
            self.sfn.start_execution(stateMachineArn=arn, name="late")
            def alarmed():
                return any(a["alarmName"] == "StepFunctionStatusAlarm-step4" and a["stateValue"] == "ALARM"
                           for a in self.alarms())
            wait_for(alarmed, what="step4's alarm")
        finally:
            self.sfn.delete_state_machine(stateMachineArn=arn)
        wait_for(lambda: all(a["alarmName"] != "StepFunctionStatusAlarm-step4" for a in self.alarms()),
                 what="step4's alarm to be removed with its machine")


class GuardianRestart(unittest.TestCase):
    def test_latest_status_survives_a_restart(self):
        server = Server()
        try:
            server.start()
            sfn = sfn_client(server)
            arn = sfn.create_state_machine(name="nightly", definition=FAIL, roleArn=ROLE)["stateMachineArn"]
            ex = sfn.start_execution(stateMachineArn=arn, name="n-1")["executionArn"]
            wait_for(lambda: sfn.describe_execution(executionArn=ex)["status"] == "FAILED", what="n-1")
            self.assertEqual(server.stop(), 0)
            server.start()
            tile = json.loads(get(server, "/guardian/api/state-machines")[0])["stateMachines"][0]
            self.assertEqual(tile["latest"]["status"], "FAILED")
            self.assertEqual(tile["latest"]["executionArn"], ex)
            self.assertEqual(tile["latest"]["error"], "DataError")
            self.assertIn('stepguard_latest_execution_status_code{state_machine="nightly"} 3\n',
                          get(server, "/metrics")[0])
        finally:
            server.stop()
            server.close()

    def test_api_alarms_survive_a_restart(self):
        tmp = tempfile.TemporaryDirectory(prefix="sg-guardian-alarms-")
        config = os.path.join(tmp.name, "stepguard.yaml")
        with open(config, "w") as f:
            f.write(RESTART_CONFIG)
        server = Server(extra_args=["--config", config])
        every_type = {"AlarmTypes": ["MetricAlarm", "CompositeAlarm"]}
        try:
            server.start()
            failures = {"AlarmName": "api-failures", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
                        "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
                        "ComparisonOperator": "GreaterThanOrEqualToThreshold", "ActionsEnabled": True}
            post(server, "/guardian/api/alarms/PutMetricAlarm", failures)
            post(server, "/guardian/api/alarms/PutCompositeAlarm",
                 {"AlarmName": "api-any", "AlarmRule": 'ALARM("api-failures") OR ALARM("config-failures")'})
            post(server, "/guardian/api/alarms/DisableAlarmActions", {"AlarmNames": ["api-failures"]})
            # Same name as a config alarm: lives until the restart, where the config wins.
            post(server, "/guardian/api/alarms/PutMetricAlarm", dict(failures, AlarmName="config-failures",
                                                                     Threshold=7))
            self.assertEqual(server.stop(), 0)
            server.start()

            d = post(server, "/guardian/api/alarms/DescribeAlarms", every_type)
            metric = {a["AlarmName"]: a for a in d["MetricAlarms"]}
            self.assertEqual(sorted(metric), ["api-failures", "config-failures"])
            self.assertEqual(metric["api-failures"]["MetricName"], "ExecutionsFailed")
            self.assertFalse(metric["api-failures"]["ActionsEnabled"])
            self.assertEqual(metric["api-failures"]["StateValue"], "INSUFFICIENT_DATA")
            self.assertEqual(metric["config-failures"]["Threshold"], 3)  # the config's definition
            self.assertEqual([a["AlarmName"] for a in d["CompositeAlarms"]], ["api-any"])
            self.assertEqual(d["CompositeAlarms"][0]["AlarmRule"],
                             'ALARM("api-failures") OR ALARM("config-failures")')

            post(server, "/guardian/api/alarms/DeleteAlarms", {"AlarmNames": ["api-any", "api-failures"]})
            self.assertEqual(server.stop(), 0)
            server.start()
            d = post(server, "/guardian/api/alarms/DescribeAlarms", every_type)
            self.assertEqual([a["AlarmName"] for a in d["MetricAlarms"]], ["config-failures"])
            self.assertEqual(d["CompositeAlarms"], [])
        finally:
            server.stop()
            server.close()
            tmp.cleanup()


if __name__ == "__main__":
    unittest.main()
