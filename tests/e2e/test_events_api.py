#!/usr/bin/env python3
"""End-to-end tests of the event bus in `stepguard serve` with real clients (boto3 and the
AWS CLI): the EventBridge API, rules and targets surviving a restart, a rule starting an
execution named from the event, native correlation (events:waitForEvent), Step Functions
status-change events routed by a rule, and the unmatched-events log.
"""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, ROLE, Server, cli_env, sfn_client  # noqa: E402

ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
WAIT = "arn:aws:states:::events:waitForEvent.waitForTaskToken"

ORDER = {"StartAt": "AwaitPayment", "States": {
    "AwaitPayment": {"Type": "Task", "Resource": WAIT,
                     "Parameters": {"CorrelationKey.$": "$.detail.order_id", "KeyPath": "$.detail.order_id",
                                    "Pattern": {"source": ["payments"]}},
                     "End": True}}}


def events_client(server):
    import boto3
    from botocore.config import Config
    return boto3.client("events", endpoint_url=server.url, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 0}))


def wait_for(fn, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


class EventsApiTest(unittest.TestCase):
    def setUp(self):
        self.server = Server()
        self.server.start()
        self.ev = events_client(self.server)
        self.sfn = sfn_client(self.server)

    def tearDown(self):
        self.server.stop()
        self.server.close()

    def test_cli_and_rules_survive_restart(self):
        p = subprocess.run(["aws", "--endpoint-url", self.server.url, "--output", "json", "events", "put-rule",
                            "--name", "placed", "--event-pattern", json.dumps({"source": ["shop"]})],
                           capture_output=True, text=True, env=cli_env(), timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["RuleArn"], f"arn:aws:events:{REGION}:{ACCOUNT}:rule/placed")
        self.ev.put_targets(Rule="placed", Targets=[{"Id": "t1", "Arn": f"{ARN}:stateMachine:orders"}])
        with self.assertRaises(self.ev.exceptions.ResourceNotFoundException):
            self.ev.describe_rule(Name="nope")
        self.server.stop()
        self.server.start()
        ev = events_client(self.server)
        self.assertEqual(ev.describe_rule(Name="placed")["EventPattern"], json.dumps({"source": ["shop"]}))
        self.assertEqual(ev.list_targets_by_rule(Rule="placed")["Targets"][0]["Id"], "t1")

    def test_rule_starts_named_execution_and_event_resumes_it(self):
        sm = self.sfn.create_state_machine(name="orders", definition=json.dumps(ORDER), roleArn=ROLE)
        self.ev.put_rule(Name="placed", EventPattern=json.dumps({"source": ["shop"], "detail-type": ["Order Placed"]}))
        self.ev.put_targets(Rule="placed", Targets=[{
            "Id": "start", "Arn": sm["stateMachineArn"],
            "KinesisParameters": {"PartitionKeyPath": "$.detail.order_id"}}])
        placed = {"Source": "shop", "DetailType": "Order Placed", "Detail": json.dumps({"order_id": "o-1"})}
        r = self.ev.put_events(Entries=[placed, placed])  # a duplicate name is idempotent
        self.assertEqual(r["FailedEntryCount"], 0)
        exec_arn = f"{ARN}:execution:orders:o-1"
        wait_for(lambda: self.sfn.describe_execution(executionArn=exec_arn)["status"] == "RUNNING")
        # Wrong source: the pattern does not match, the task keeps waiting; logged as unmatched.
        self.ev.put_events(Entries=[{"Source": "elsewhere", "DetailType": "Payment",
                                     "Detail": json.dumps({"order_id": "o-1"})}])
        with urllib.request.urlopen(self.server.url + "/events/api/unmatched") as u:
            unmatched = json.loads(u.read())["events"]
        self.assertEqual(unmatched[0]["event"]["source"], "elsewhere")
        self.ev.put_events(Entries=[{"Source": "payments", "DetailType": "Payment Received",
                                     "Detail": json.dumps({"order_id": "o-1", "amount": 5})}])
        d = wait_for(lambda: (lambda x: x if x["status"] != "RUNNING" else None)(
            self.sfn.describe_execution(executionArn=exec_arn)))
        self.assertEqual(d["status"], "SUCCEEDED")
        out = json.loads(d["output"])
        self.assertEqual(out["detail"], {"order_id": "o-1", "amount": 5})
        self.assertEqual(out["detail-type"], "Payment Received")
        # The two start deliveries show in the server's Prometheus metrics.
        with urllib.request.urlopen(self.server.url + "/metrics") as u:
            metrics = u.read().decode()
        delivered = [line for line in metrics.splitlines()
                     if line.startswith('stepguard_event_deliveries_total{outcome="delivered"}')]
        self.assertEqual(len(delivered), 1, metrics[-2000:])
        self.assertGreaterEqual(float(delivered[0].split()[-1]), 2)

    def test_status_change_events_reach_rules(self):
        echo = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
        failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "bad"}}}
        watcher = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
        f = self.sfn.create_state_machine(name="failing", definition=json.dumps(failing), roleArn=ROLE)
        w = self.sfn.create_state_machine(name="watcher", definition=json.dumps(watcher), roleArn=ROLE)
        self.sfn.create_state_machine(name="echo", definition=json.dumps(echo), roleArn=ROLE)
        self.ev.put_rule(Name="failures", EventPattern=json.dumps({
            "source": ["aws.states"], "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"status": ["FAILED"]}}))
        self.ev.put_targets(Rule="failures", Targets=[{"Id": "w", "Arn": w["stateMachineArn"]}])
        self.sfn.start_execution(stateMachineArn=f["stateMachineArn"], name="f1", input='{"a":1}')
        runs = wait_for(lambda: self.sfn.list_executions(stateMachineArn=w["stateMachineArn"])["executions"])
        d = self.sfn.describe_execution(executionArn=runs[0]["executionArn"])
        event = json.loads(d["input"])
        self.assertEqual(event["source"], "aws.states")
        det = event["detail"]
        self.assertEqual(det["status"], "FAILED")
        self.assertEqual(det["name"], "f1")
        self.assertEqual(det["input"], '{"a":1}')
        self.assertEqual(det["inputDetails"], {"included": True})
        self.assertIsNone(det["output"])
        self.assertEqual(det["error"], "Boom")
        self.assertIsInstance(det["startDate"], int)
        self.assertGreater(det["startDate"], 10 ** 12)  # epoch milliseconds
        self.assertEqual(event["resources"], [f"{ARN}:execution:failing:f1"])

    def test_bare_wait_for_event_resource_waits_for_its_event(self):
        # Without the .waitForTaskToken suffix the task still waits, and an event on the bus
        # whose key matches completes it (no rule needed: waiting tasks see every event).
        bare = {"StartAt": "W", "States": {"W": {
            "Type": "Task", "Resource": "arn:aws:states:::events:waitForEvent",
            "Parameters": {"CorrelationKey.$": "$.orderId", "KeyPath": "$.detail.order_id",
                           "Pattern": {"source": ["payments"]}},
            "End": True}}}
        arn = self.sfn.create_state_machine(name="bare", definition=json.dumps(bare), roleArn=ROLE)["stateMachineArn"]
        ex = self.sfn.start_execution(stateMachineArn=arn, input=json.dumps({"orderId": "o-9"}))["executionArn"]
        wait_for(lambda: any(e["type"] == "TaskScheduled"
                             for e in self.sfn.get_execution_history(executionArn=ex)["events"]))
        self.ev.put_events(Entries=[{"Source": "payments", "DetailType": "Paid",
                                     "Detail": json.dumps({"order_id": "o-9"})}])
        d = wait_for(lambda: (lambda x: x if x["status"] != "RUNNING" else None)(
            self.sfn.describe_execution(executionArn=ex)))
        self.assertEqual(d["status"], "SUCCEEDED")
        self.assertEqual(json.loads(d["output"])["detail"], {"order_id": "o-9"})


if __name__ == "__main__":
    unittest.main()
