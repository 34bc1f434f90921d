#!/usr/bin/env python3
"""End-to-end test of the web dashboard in a real browser: Debian's Chromium driven by
playwright-core (npm, tests/e2e/package.json; no browser is downloaded).

This half starts `stepguard serve`, creates state machines and executions with boto3 and an
alarm through the guardian API, then runs test_dashboard.mjs, which checks in the browser:
tiles and their colours, counts, filters, the alarm on a tile and in the alarms panel, the
live update when an execution fails (server-sent events, no reload), the graph inspector's
colours on an execution page, per-state input/output, the error banner, the state machine
page, deep links, and the unmatched-events panel and page (an event published with boto3
that no rule or task takes). Screenshots go to $STEPGUARD_ARTIFACTS (default
build/test-artifacts/dashboard/); with SG_UPDATE_DOCS=1 the grid screenshot also goes to
docs/dashboard.png.
"""
import json
import os
import shutil
import subprocess
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ROLE, Server, sfn_client  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
CHROMIUM = "/usr/bin/chromium"
DEADLINE = 20

ORDERS = {
    "StartAt": "Validate",
    "States": {
        "Validate": {"Type": "Pass", "Next": "Route"},
        "Route": {"Type": "Choice", "Choices": [{"Variable": "$.fail", "BooleanEquals": True, "Next": "Reject"}],
                  "Default": "Ship"},
        "Ship": {"Type": "Succeed"},
        "Reject": {"Type": "Fail", "Error": "OrderRejected", "Cause": "fail flag set"},
    },
}
# Prepare -> Try (a Parallel whose branch fails; Catch -> Recover) -> Done; Unused is never run.
INSPECTOR = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": "prepared", "ResultPath": "$.step", "Next": "Try"},
        "Try": {"Type": "Parallel", "Branches": [
            {"StartAt": "Explode", "States": {"Explode": {"Type": "Fail", "Error": "Boom", "Cause": "exploded"}}}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recover"}], "Next": "Unused"},
        "Unused": {"Type": "Pass", "Next": "Done"},
        "Recover": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
    },
}
NIGHTLY = {"StartAt": "Crash", "States": {"Crash": {"Type": "Fail", "Error": "ReportFailed", "Cause": "no data"}}}
SLOW = {"StartAt": "Sleep", "States": {"Sleep": {"Type": "Wait", "Seconds": 3600, "End": True}}}
IDLE = {"StartAt": "Nothing", "States": {"Nothing": {"Type": "Pass", "End": True}}}


def guardian_post(server, action, body):
    req = urllib.request.Request(server.url + "/guardian/api/alarms/" + action, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"{}")


def wait_status(sfn, arn, want):
    deadline = time.time() + DEADLINE
    while time.time() < deadline:
        status = sfn.describe_execution(executionArn=arn)["status"]
        if status == want:
            return
        time.sleep(0.05)
    raise AssertionError(f"{arn} did not reach {want} (last {status})")


@unittest.skipUnless(os.path.exists(CHROMIUM), "Debian's chromium is not installed (scripts/setup)")
@unittest.skipUnless(os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")),
                     "playwright-core is not installed (scripts/setup runs npm install in tests/e2e)")
class DashboardBrowserTest(unittest.TestCase):
    def test_dashboard(self):
        artifacts = os.environ.get("STEPGUARD_ARTIFACTS") or os.path.join(ROOT, "build", "test-artifacts")
        artifacts = os.path.join(artifacts, "dashboard")
        shutil.rmtree(artifacts, ignore_errors=True)
        with Server() as server:
            sfn = sfn_client(server)
            arns = {}
            for name, definition, tags in [("orders", ORDERS, []), ("inspector", INSPECTOR, []),
                                           ("nightly-report", NIGHTLY, [{"key": "team", "value": "data"}]),
                                           ("slowpoke", SLOW, []), ("idle", IDLE, [])]:
                arns[name] = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE,
                                                      tags=tags)["stateMachineArn"]
            ok = sfn.start_execution(stateMachineArn=arns["orders"], name="first", input='{"order": 1, "fail": false}')
            wait_status(sfn, ok["executionArn"], "SUCCEEDED")
            insp = sfn.start_execution(stateMachineArn=arns["inspector"], name="inspect-me",
                                       input='{"order": "order-7"}')
            wait_status(sfn, insp["executionArn"], "SUCCEEDED")
            # More executions than one page of the state machine page's list (25), so that
            # "inspect-me" is only found by its exact name.
            for i in range(30):
                sfn.start_execution(stateMachineArn=arns["inspector"], name=f"batch-{i:02d}",
                                    input='{"order": "order-8"}')
            night = sfn.start_execution(stateMachineArn=arns["nightly-report"])
            wait_status(sfn, night["executionArn"], "FAILED")
            slow = sfn.start_execution(stateMachineArn=arns["slowpoke"])
            wait_status(sfn, slow["executionArn"], "RUNNING")
            guardian_post(server, "PutMetricAlarm", {
                "AlarmName": "nightly-report-failed", "Namespace": "AWS/States", "MetricName": "ExecutionsFailed",
                "Dimensions": [{"Name": "StateMachineArn", "Value": arns["nightly-report"]}],
                "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold"})
            guardian_post(server, "SetAlarmState", {"AlarmName": "nightly-report-failed", "StateValue": "ALARM",
                                                    "StateReason": "Threshold Crossed: 1 datapoint [1.0] >= 1.0"})

            # An event nobody waits for (no rule, no waiting task) goes to the unmatched log.
            events = boto3.client("events", endpoint_url=server.url, region_name="us-east-1",
                                  aws_access_key_id="x", aws_secret_access_key="x")
            put = events.put_events(Entries=[{"Source": "shop.orders", "DetailType": "OrderLost",
                                              "Detail": json.dumps({"correlation_id": "order-404", "total": 12})}])
            self.assertEqual(put["FailedEntryCount"], 0, put)
            unmatched_id = put["Entries"][0]["EventId"]
            deadline = time.time() + DEADLINE
            while True:
                with urllib.request.urlopen(server.url + "/events/api/unmatched", timeout=10) as r:
                    logged = json.loads(r.read())["events"]
                if any(e["event"].get("id") == unmatched_id for e in logged) or time.time() > deadline:
                    break
                time.sleep(0.05)
            self.assertIn(unmatched_id, [e["event"].get("id") for e in logged])

            # The diagram endpoint, by ARN and by definition.
            with urllib.request.urlopen(server.url + "/ui/api/graph?stateMachineArn=" +
                                        urllib.parse.quote(arns["orders"]), timeout=30) as r:
                self.assertEqual(r.headers["Content-Type"], "image/svg+xml")
                svg = r.read().decode()
            self.assertTrue(svg.startswith("<svg"))
            ids = {g.get("id") for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")}
            self.assertTrue({"state-" + name for name in ORDERS["States"]} <= ids, ids)
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(server.url + "/ui/api/graph?stateMachineArn=" +
                                       urllib.parse.quote(arns["orders"] + "-nope"), timeout=30)
            self.assertEqual(e.exception.code, 404)
            with self.assertRaises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(urllib.request.Request(server.url + "/ui/api/graph", data=b'{"StartAt": "A"}',
                                                              method="POST"), timeout=30)
            self.assertEqual(e.exception.code, 400)
            # Deep links answer the app itself.
            for path in ["/", "/state-machines/orders", "/events/unmatched", "/executions/" + urllib.parse.quote(insp["executionArn"], safe="")]:
                with urllib.request.urlopen(server.url + path, timeout=10) as r:
                    self.assertIn("text/html", r.headers["Content-Type"])
                    self.assertIn(b'<script src="/ui/assets/app.js">', r.read())

            env = dict(os.environ)
            env.update({"SG_URL": server.url, "SG_ARTIFACTS": artifacts, "SG_SCENARIO": json.dumps({
                "orders": arns["orders"], "inspectorExecution": insp["executionArn"], "machineCount": len(arns),
                "unmatchedEventId": unmatched_id})})
            if os.environ.get("SG_UPDATE_DOCS"):
                env["SG_DOCS_SCREENSHOT"] = os.path.join(ROOT, "docs", "dashboard.png")
            p = subprocess.run(["node", os.path.join(HERE, "test_dashboard.mjs")], cwd=HERE, env=env,
                               capture_output=True, text=True, timeout=180)
            sys.stdout.write(p.stdout)
            if p.returncode != 0:
                self.fail(f"browser checks failed (screenshots in {artifacts}):\n{p.stdout}\n{p.stderr}\n"
                          f"server log:\n{server.log()[-4000:]}")
        self.assertTrue(os.path.exists(os.path.join(artifacts, "01-grid.png")))


if __name__ == "__main__":
    unittest.main()
