#!/usr/bin/env python3
"""End-to-end tests of `stepguard serve` through the AWS CLI v1 (`aws stepfunctions ...`).

The main flows a user types: create a state machine from a file (file://), start, describe,
read the history, list with a status filter, complete a callback with send-task-success,
stop, and what an error looks like (exit code 255, AWS's message on stderr). Seed 004 (a
Lambda + Choice + Wait loop) runs through the API with a local function and must give the
same output as `stepguard run` does.

The CLI runs with AWS_DISABLE_HOST_PREFIX_INJECTION=true (server_harness.cli_env), so
start-sync-execution reaches the endpoint too.
"""
import json
import os
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, ROLE, Server, aws_cli  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
DEADLINE = 30

CALLBACK = {"StartAt": "Approve", "States": {
    "Approve": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": "https://sqs.example/approvals",
                               "MessageBody": {"token.$": "$$.Task.Token", "order.$": "$.order"}},
                "ResultPath": "$.approval", "End": True}}}

SERVER = None
TMP = None


def setUpModule():
    global SERVER, TMP
    TMP = tempfile.TemporaryDirectory(prefix="sg-cli-")
    SERVER = Server(extra_args=["--time-scale", "0.01",
                                "--function", f"status-checker=python3 {FIX}/status_500_twice.py"],
                    env={"COUNTER_FILE": os.path.join(TMP.name, "status-checker.count")})
    SERVER.start()


def tearDownModule():
    try:
        SERVER.stop()
    finally:
        SERVER.close()
        TMP.cleanup()


class CliTest(unittest.TestCase):
    def aws(self, *args):
        """Runs the CLI; the command must succeed. Returns its parsed JSON output."""
        code, out, err = aws_cli(SERVER, *args)
        self.assertEqual(code, 0, f"aws {' '.join(args)} failed: {err}")
        return out

    def write_definition(self, name, definition):
        path = os.path.join(TMP.name, name)
        with open(path, "w") as f:
            json.dump(definition, f, indent=2)
        return path

    def create(self, name, definition, *extra):
        path = self.write_definition(name + ".asl.json", definition)
        return self.aws("create-state-machine", "--name", name, "--definition", f"file://{path}",
                        "--role-arn", ROLE, *extra)["stateMachineArn"]

    def wait_status(self, arn, *statuses):
        deadline = time.monotonic() + DEADLINE
        while True:
            d = self.aws("describe-execution", "--execution-arn", arn)
            if d["status"] in statuses:
                return d
            if time.monotonic() > deadline:
                self.fail(f"{arn} is still {d['status']}, not {statuses}")
            time.sleep(0.05)

    def events(self, arn, *extra):
        return self.aws("get-execution-history", "--execution-arn", arn, *extra)["events"]

    def token(self, arn):
        deadline = time.monotonic() + DEADLINE
        while True:
            scheduled = [e for e in self.events(arn) if e["type"] == "TaskScheduled"]
            if scheduled:
                return json.loads(scheduled[0]["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]
            if time.monotonic() > deadline:
                self.fail(f"{arn} never scheduled its task")
            time.sleep(0.05)


class Seed004StatusLoop(CliTest):
    """The function answers 500 twice, then 200; the machine waits 10 s (0.1 s here) between calls."""

    def test_the_status_loop_completes_through_the_api(self):
        sm = self.aws("create-state-machine", "--name", "seed004", "--role-arn", ROLE,
                      "--definition", f"file://{FIX}/seed004_status_loop.asl.json")["stateMachineArn"]
        self.assertEqual(sm, f"{ARN}:stateMachine:seed004")
        with open(os.path.join(FIX, "seed004_status_loop.asl.json")) as f:
            self.assertEqual(self.aws("describe-state-machine", "--state-machine-arn", sm)["definition"], f.read())
        started = self.aws("start-execution", "--state-machine-arn", sm, "--name", "order-o-42",
                           "--input", '{"orderId": "o-42"}')
        arn = started["executionArn"]
        self.assertEqual(arn, f"{ARN}:execution:seed004:order-o-42")
        done = self.wait_status(arn, "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
        self.assertEqual(done["status"], "SUCCEEDED", done)
        self.assertEqual(json.loads(done["output"]),
                         {"statusCode": 200, "attempt": 3, "body": "ok", "event": {"orderId": "o-42"}})
        events = self.events(arn)
        types = [e["type"] for e in events]
        self.assertEqual(types.count("TaskScheduled"), 3)
        self.assertEqual(types.count("WaitStateEntered"), 2)
        self.assertEqual(types[-3:], ["SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded"])
        scheduled = next(e for e in events if e["type"] == "TaskScheduled")["taskScheduledEventDetails"]
        self.assertEqual((scheduled["resourceType"], scheduled["resource"]), ("lambda", "invoke"))
        self.assertEqual(json.loads(scheduled["parameters"]), {
            "Payload": {"orderId": "o-42"},
            "FunctionName": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:status-checker"})
        # Each 10 s Wait lasts at least 0.1 s at time scale 0.01.
        entered = [e["timestamp"] for e in events if e["type"] == "WaitStateEntered"]
        exited = [e["timestamp"] for e in events if e["type"] == "WaitStateExited"]
        for a, b in zip(entered, exited):
            self.assertGreaterEqual(round(b - a, 3), 0.1)
        newest_first = self.events(arn, "--reverse-order")
        self.assertEqual([e["id"] for e in newest_first], [e["id"] for e in reversed(events)])


class MainFlows(CliTest):
    def test_callback_flow_and_listing_by_status(self):
        sm = self.create("approvals", CALLBACK)
        first = self.aws("start-execution", "--state-machine-arn", sm, "--name", "order-1",
                         "--input", '{"order": 1}')["executionArn"]
        second = self.aws("start-execution", "--state-machine-arn", sm, "--name", "order-2",
                          "--input", '{"order": 2}')["executionArn"]
        token = self.token(first)
        running = self.aws("describe-execution", "--execution-arn", first)
        self.assertEqual(running["status"], "RUNNING")
        self.assertNotIn("stopDate", running)
        self.assertNotIn("output", running)

        self.assertEqual(self.aws("send-task-success", "--task-token", token, "--task-output",
                                  '{"approved": true}'), {})
        done = self.wait_status(first, "SUCCEEDED")
        self.assertEqual(json.loads(done["output"]), {"order": 1, "approval": {"approved": True}})

        self.token(second)
        stopped = self.aws("stop-execution", "--execution-arn", second, "--error", "Cancelled",
                           "--cause", "customer changed their mind")
        self.assertIn("stopDate", stopped)
        aborted = self.wait_status(second, "ABORTED")
        self.assertEqual((aborted["error"], aborted["cause"]), ("Cancelled", "customer changed their mind"))
        self.assertEqual(self.events(second)[-1]["type"], "ExecutionAborted")

        def names(status):
            return [e["name"] for e in self.aws("list-executions", "--state-machine-arn", sm,
                                                "--status-filter", status)["executions"]]
        self.assertEqual(names("SUCCEEDED"), ["order-1"])
        self.assertEqual(names("ABORTED"), ["order-2"])
        self.assertEqual(names("RUNNING"), [])
        all_items = self.aws("list-executions", "--state-machine-arn", sm)["executions"]
        self.assertEqual([e["name"] for e in all_items], ["order-2", "order-1"])  # newest first

        # The same token again: the task is closed.
        code, _, err = aws_cli(SERVER, "send-task-success", "--task-token", token, "--task-output", "{}")
        self.assertEqual(code, 255)
        self.assertIn("An error occurred (TaskTimedOut) when calling the SendTaskSuccess operation: Task Timed Out: "
                      "'The task token has either expired or the task associated with the token has already been "
                      "closed.'", err)

    def test_the_cli_follows_pagination(self):
        sm = self.create("many", {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}})
        for i in range(5):
            self.aws("start-execution", "--state-machine-arn", sm, "--name", f"run-{i}")
        # --page-size 2 makes the CLI follow nextToken through three pages.
        listed = self.aws("list-executions", "--state-machine-arn", sm, "--page-size", "2")
        self.assertEqual([e["name"] for e in listed["executions"]], [f"run-{i}" for i in reversed(range(5))])
        self.assertNotIn("NextToken", listed)
        limited = self.aws("list-executions", "--state-machine-arn", sm, "--max-items", "3")
        self.assertEqual(len(limited["executions"]), 3)
        rest = self.aws("list-executions", "--state-machine-arn", sm, "--starting-token", limited["NextToken"])
        self.assertEqual([e["name"] for e in limited["executions"] + rest["executions"]],
                         [f"run-{i}" for i in reversed(range(5))])

    def test_express_sync_execution(self):
        sm = self.create("quick", {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": {"ok": True},
                                                                      "End": True}}}, "--type", "EXPRESS")
        r = self.aws("start-sync-execution", "--state-machine-arn", sm, "--input", "{}")
        self.assertEqual((r["status"], json.loads(r["output"])), ("SUCCEEDED", {"ok": True}))
        self.assertIn("billingDetails", r)

    def test_errors_exit_255_with_aws_message_on_stderr(self):
        missing = f"{ARN}:stateMachine:does-not-exist"
        code, out, err = aws_cli(SERVER, "describe-state-machine", "--state-machine-arn", missing)
        self.assertEqual((code, out), (255, {}))
        self.assertEqual(err.strip(), "An error occurred (StateMachineDoesNotExist) when calling the "
                                      f"DescribeStateMachine operation: State Machine Does Not Exist: '{missing}'")
        path = self.write_definition("broken.asl.json", {"StartAt": "A", "States": {"A": {"Type": "Pass",
                                                                                           "Next": "B"}}})
        code, _, err = aws_cli(SERVER, "create-state-machine", "--name", "broken", "--definition", f"file://{path}",
                               "--role-arn", ROLE)
        self.assertEqual(code, 255)
        self.assertIn("An error occurred (InvalidDefinition) when calling the CreateStateMachine operation: Invalid "
                      "State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B at "
                      "/States/A/Next", err)
        code, _, err = aws_cli(SERVER, "list-state-machines", "--max-results", "1001")
        self.assertEqual(code, 255)
        self.assertIn("An error occurred (ValidationException) when calling the ListStateMachines operation: 1 "
                      "validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member "
                      "must have value less than or equal to 1000", err)
        # A missing file is the CLI's own error, before any call.
        code, _, err = aws_cli(SERVER, "create-state-machine", "--name", "x", "--role-arn", ROLE,
                               "--definition", f"file://{TMP.name}/absent.json")
        self.assertNotEqual(code, 0)


if __name__ == "__main__":
    unittest.main()
