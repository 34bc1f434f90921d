#!/usr/bin/env python3
"""End-to-end tests of nested executions (arn:aws:states:::states:startExecution) in
`stepguard serve`, driven by boto3 as a user would: a parent starting a child through an
alias with .sync:2, the shapes DescribeExecution, ListExecutions and GetExecutionHistory give
both, a stopped parent stopping its .sync child, and a missing child state machine.
"""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, ROLE, Server, sfn_client  # noqa: E402

ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
DEADLINE = 20
CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"

ECHO = {"StartAt": "Echo", "States": {"Echo": {"Type": "Pass", "Parameters": {"got.$": "$"}, "End": True}}}
WAITING = {"StartAt": "Wait", "States": {"Wait": {
    "Type": "Task", "Resource": CALLBACK,
    "Parameters": {"QueueUrl": "https://sqs.example/q", "MessageBody": {"token.$": "$$.Task.Token"}},
    "End": True}}}


def nest(mode, child_arn, **fields):
    task = {"Type": "Task", "Resource": "arn:aws:states:::states:startExecution" + mode,
            "Parameters": {"StateMachineArn": child_arn,
                           "Input": {"order.$": "$.order",
                                     "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$": "$$.Execution.Id"}},
            "End": True}
    task.update(fields)
    return {"StartAt": "Nest", "States": {"Nest": task}}


class NestedExecutionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--time-scale", "0.01"])
        cls.server.start()
        cls.sfn = sfn_client(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.close()

    def create(self, name, definition, **kw):
        return self.sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=ROLE,
                                             **kw)["stateMachineArn"]

    def wait_for(self, arn, status="RUNNING", negate=True):
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=arn)
            if (d["status"] != status) if negate else (d["status"] == status):
                return d
            time.sleep(0.05)
        self.fail(f"{arn} stayed {status}")

    def executions(self, sm_arn):
        return self.sfn.list_executions(stateMachineArn=sm_arn)["executions"]

    def test_sync2_through_an_alias_returns_the_childs_output_as_json(self):
        child = self.create("nested-child", ECHO, publish=True)
        version = child + ":1"
        alias = self.sfn.create_state_machine_alias(
            name="live", routingConfiguration=[{"stateMachineVersionArn": version, "weight": 100}])[
            "stateMachineAliasArn"]
        parent = self.create("nested-parent", nest(".sync:2", alias))
        started = self.sfn.start_execution(stateMachineArn=parent, input=json.dumps({"order": 17}))
        p = self.wait_for(started["executionArn"])
        self.assertEqual(p["status"], "SUCCEEDED", p)
        out = json.loads(p["output"])
        [c] = self.executions(child)
        self.assertEqual(out["ExecutionArn"], c["executionArn"])
        self.assertEqual(out["Status"], "SUCCEEDED")
        self.assertEqual(out["Output"], {"got": {"order": 17,
                                                 "AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID": p["executionArn"]}})
        self.assertEqual(out["StateMachineAliasArn"], alias)
        self.assertEqual(out["StateMachineVersionArn"], version)
        self.assertIsInstance(out["StartDate"], int)  # epoch milliseconds, as AWS's Task output has them
        # The child as DescribeExecution and ListExecutions show it.
        d = self.sfn.describe_execution(executionArn=c["executionArn"])
        self.assertEqual(d["stateMachineArn"], child)
        self.assertEqual(d["stateMachineAliasArn"], alias)
        self.assertEqual(d["stateMachineVersionArn"], version)
        self.assertEqual(json.loads(d["input"])["AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID"], p["executionArn"])
        self.assertEqual(c["stateMachineAliasArn"], alias)
        started = self.sfn.get_execution_history(executionArn=c["executionArn"])["events"][0]
        self.assertEqual(started["executionStartedEventDetails"]["stateMachineAliasArn"], alias)
        self.assertEqual(started["executionStartedEventDetails"]["stateMachineVersionArn"], version)
        # The parent's history: TaskSubmitted carries the StartExecution response.
        events = self.sfn.get_execution_history(executionArn=p["executionArn"])["events"]
        types = [e["type"] for e in events]
        self.assertEqual(types, ["ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                 "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"])
        submitted = events[4]["taskSubmittedEventDetails"]
        self.assertEqual((submitted["resourceType"], submitted["resource"]), ("states", "startExecution.sync:2"))
        self.assertEqual(json.loads(submitted["output"])["ExecutionArn"], c["executionArn"])

    def test_stopping_the_parent_stops_its_sync_child(self):
        child = self.create("nested-waiting-child", WAITING)
        parent = self.create("nested-stopped-parent", nest(".sync", child))
        p = self.sfn.start_execution(stateMachineArn=parent, input=json.dumps({"order": 1}))["executionArn"]
        deadline = time.time() + DEADLINE
        while not self.executions(child) and time.time() < deadline:
            time.sleep(0.05)
        [c] = self.executions(child)
        self.assertEqual(c["status"], "RUNNING")
        self.sfn.stop_execution(executionArn=p, error="Stop.Requested", cause="enough")
        self.assertEqual(self.wait_for(p)["status"], "ABORTED")
        d = self.wait_for(c["executionArn"])
        self.assertEqual(d["status"], "ABORTED")
        self.assertIn(p, d["cause"])

    def test_a_missing_child_fails_the_task_with_the_sdk_error_name(self):
        parent = self.create("nested-orphan", nest("", f"{ARN}:stateMachine:no-such-machine"))
        p = self.sfn.start_execution(stateMachineArn=parent, input=json.dumps({"order": 1}))["executionArn"]
        d = self.wait_for(p)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "StepFunctions.StateMachineDoesNotExistException")
        self.assertIn("Error Code: StateMachineDoesNotExist", d["cause"])

    def test_a_failed_sync_child_fails_the_parent_with_its_description(self):
        child = self.create("nested-failing-child",
                            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Bad", "Cause": "no"}}})
        parent = self.create("nested-failing-parent", nest(".sync", child))
        p = self.sfn.start_execution(stateMachineArn=parent, input=json.dumps({"order": 2}))["executionArn"]
        d = self.wait_for(p)
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "States.TaskFailed")
        cause = json.loads(d["cause"])
        self.assertEqual((cause["Status"], cause["Error"], cause["Cause"]), ("FAILED", "Bad", "no"))
        self.assertIsInstance(cause["Input"], str)  # .sync: payloads as JSON text


if __name__ == "__main__":
    unittest.main()
