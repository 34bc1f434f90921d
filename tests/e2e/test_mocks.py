#!/usr/bin/env python3
"""End-to-end tests of mocked service integrations (Step Functions Local's mock config file).

One machine (fixtures/mocks/order.asl.json: a retried Lambda charge, a receipt from a local
function, an AWS SDK call, a callback) runs under the test cases of fixtures/mocks/mocks.json:

- through `stepguard serve --mock-config` with boto3, selecting the test case by appending
  `#TestCase` to the state machine ARN in StartExecution: the happy path, the retry path
  (the invocation number counts retries), the failure path (Catch), retries exhausted, a
  state left unmocked running its local function, an unmocked AWS SDK call failing with a
  clear cause, an unknown test case refused, the test case surviving a crash of the
  server mid-retry, and the mocks reloaded on SIGHUP (a bad file keeps the old ones);
- through `stepguard run --mock-config --test-case`, asserting outputs and history.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import BIN, ROLE, Server, sfn_client  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures", "mocks")
DEFINITION = os.path.join(FIX, "order.asl.json")
MOCKS = os.path.join(FIX, "mocks.json")
RECEIPT = "receipt=" + sys.executable + " " + os.path.join(FIX, "receipt.py")
INPUT = {"order": "o-1", "instance": "i-1"}
DEADLINE = 30

HAPPY_OUTPUT = {"order": "o-1", "instance": "i-1", "charge": {"charged": 42},
                "receipt": {"receipt": "r-mocked"}, "patches": {"missing": ["KB002"]},
                "approval": {"approved": True, "by": "ops"}}
RETRY_OUTPUT = dict(HAPPY_OUTPUT, charge={"charged": 43})
HYBRID_OUTPUT = dict(HAPPY_OUTPUT, receipt={"receipt": "r-o-1"})
RETRY_ERRORS = ["Lambda.ResourceNotReadyException", "Lambda.TimeoutException", "Lambda.TimeoutException"]


def read(path):
    with open(path) as f:
        return f.read()


def state_events(events, state):
    """The Task events of `state`, in order: (type, details)."""
    out, current = [], None
    for e in events:
        if e["type"] == "TaskStateEntered":
            current = e["stateEnteredEventDetails"]["name"]
        elif e["type"] == "TaskStateExited":
            current = None
        elif current == state and e["type"].startswith("Task"):
            details = next((v for k, v in e.items() if k.endswith("EventDetails")), {})
            out.append((e["type"], details))
    return out


def failed_errors(events, state):
    return [d.get("error") for t, d in state_events(events, state) if t == "TaskFailed"]


class ServeMocksTest(unittest.TestCase):
    """The server with --mock-config (and --time-scale so retries take milliseconds)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(extra_args=["--time-scale", "0.01", "--mock-config", MOCKS, "--function", RECEIPT])
        cls.server.start()
        cls.sfn = sfn_client(cls.server)
        cls.arn = cls.sfn.create_state_machine(name="order", definition=read(DEFINITION),
                                               roleArn=ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.server.close()

    def run_case(self, test_case):
        started = self.sfn.start_execution(stateMachineArn=f"{self.arn}#{test_case}", input=json.dumps(INPUT))
        arn = started["executionArn"]
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                events = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
                return d, events
            time.sleep(0.05)
        self.fail(f"{arn} ({test_case}) did not end")

    def test_happy_path(self):
        d, events = self.run_case("HappyPath")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), HAPPY_OUTPUT)
        # The execution belongs to the machine without the suffix.
        self.assertEqual(d["stateMachineArn"], self.arn)
        self.assertIn(":execution:order:", d["executionArn"])
        # The mocked callback (.waitForTaskToken) completed without SendTaskSuccess.
        approve = [t for t, _ in state_events(events, "Approve")]
        self.assertEqual(approve, ["TaskScheduled", "TaskStarted", "TaskSucceeded"])
        succeeded = [d for t, d in state_events(events, "Patch") if t == "TaskSucceeded"]
        self.assertEqual(json.loads(succeeded[0]["output"])["Patches"][1]["KBId"], "KB002")

    def test_retry_path_counts_every_invocation(self):
        d, events = self.run_case("RetryPath")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), RETRY_OUTPUT)
        self.assertEqual(failed_errors(events, "Charge"), RETRY_ERRORS)
        charge = [t for t, _ in state_events(events, "Charge")]
        self.assertEqual(charge.count("TaskScheduled"), 4)
        self.assertEqual(charge[-1], "TaskSucceeded")

    def test_failure_path_is_caught(self):
        d, events = self.run_case("FailurePath")
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual((d["error"], d["cause"]), ("ChargeFailed", "The charge was declined"))
        self.assertEqual(failed_errors(events, "Charge"), ["Charge.Declined"])
        failed = [d for t, d in state_events(events, "Charge") if t == "TaskFailed"][0]
        self.assertEqual(failed["cause"], "card declined")

    def test_retries_exhausted(self):
        d, events = self.run_case("ExhaustedPath")
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "ChargeFailed")
        self.assertEqual(failed_errors(events, "Charge"), ["Lambda.TimeoutException"] * 4)

    def test_unmocked_state_runs_its_local_function(self):
        d, _ = self.run_case("HybridPath")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), HYBRID_OUTPUT)

    def test_unmocked_sdk_call_fails_naming_the_resource(self):
        d, _ = self.run_case("UnmockedSdkPath")
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "States.Runtime")
        self.assertIn("'arn:aws:states:::aws-sdk:ssm:describeInstancePatches'", d["cause"])
        self.assertIn("#TestCaseName", d["cause"])

    def test_unknown_test_case_is_refused(self):
        with self.assertRaises(self.sfn.exceptions.ClientError) as ctx:
            self.sfn.start_execution(stateMachineArn=f"{self.arn}#NoSuchCase", input="{}")
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], "ValidationException")
        self.assertIn("NoSuchCase", err["Message"])
        self.assertIn("HappyPath", err["Message"])

    def test_mocked_nested_execution_starts_no_child(self):
        parent = {"StartAt": "StartChild", "States": {"StartChild": {
            "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2",
            "Parameters": {"StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:no-such-child",
                           "Input": {}},
            "OutputPath": "$.Output", "End": True}}}
        arn = self.sfn.create_state_machine(name="parent", definition=json.dumps(parent),
                                            roleArn=ROLE)["stateMachineArn"]
        ex = self.sfn.start_execution(stateMachineArn=arn + "#MockedChild")["executionArn"]
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=ex)
            if d["status"] != "RUNNING":
                break
            time.sleep(0.05)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), {"child": "done"})

    def test_start_sync_execution_takes_a_test_case(self):
        quick = {"StartAt": "Patch", "States": {"Patch": {
            "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:ssm:describeInstancePatches",
            "Parameters": {"InstanceId": "i-1"}, "End": True}}}
        arn = self.sfn.create_state_machine(name="quick", definition=json.dumps(quick), roleArn=ROLE,
                                            type="EXPRESS")["stateMachineArn"]
        r = self.sfn.start_sync_execution(stateMachineArn=arn + "#Sync")
        self.assertEqual(r["status"], "SUCCEEDED", r)
        self.assertEqual(json.loads(r["output"])["Patches"][1]["State"], "MISSING")
        with self.assertRaises(self.sfn.exceptions.ClientError) as ctx:
            self.sfn.start_sync_execution(stateMachineArn=arn + "#Nope")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "ValidationException")

    def test_without_a_test_case_nothing_is_mocked(self):
        started = self.sfn.start_execution(stateMachineArn=self.arn, input=json.dumps(INPUT))
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=started["executionArn"])
            if d["status"] != "RUNNING":
                break
            time.sleep(0.05)
        # No `charge` function is configured: Lambda's own error, caught by the Catch.
        self.assertEqual(d["status"], "FAILED")
        self.assertEqual(d["error"], "ChargeFailed")


class ServeRecoveryAndReloadTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sg-mocks-")
        self.addCleanup(self.tmp.cleanup)

    def wait(self, sfn, arn):
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                return d
            time.sleep(0.05)
        self.fail(f"{arn} did not end")

    def test_test_case_and_invocation_numbers_survive_a_crash(self):
        data = os.path.join(self.tmp.name, "data")
        os.makedirs(data)
        args = ["--time-scale", "0.3", "--mock-config", MOCKS]
        server = Server(data_dir=data, extra_args=args)
        self.addCleanup(server.close)
        server.start()
        sfn = sfn_client(server)
        arn = sfn.create_state_machine(name="order", definition=read(DEFINITION), roleArn=ROLE)["stateMachineArn"]
        ex = sfn.start_execution(stateMachineArn=arn + "#RetryPath", input=json.dumps(INPUT))["executionArn"]
        # Crash after the first failed attempt, while the retry waits.
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            events = sfn.get_execution_history(executionArn=ex)["events"]
            if failed_errors(events, "Charge"):
                break
            time.sleep(0.02)
        server.kill()
        server2 = Server(data_dir=data, port=server.port, extra_args=args)
        self.addCleanup(server2.close)
        server2.start()
        sfn = sfn_client(server2)
        d = self.wait(sfn, ex)
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), RETRY_OUTPUT)
        events = sfn.get_execution_history(executionArn=ex, maxResults=1000)["events"]
        self.assertEqual(failed_errors(events, "Charge"), RETRY_ERRORS)
        server2.stop()

    def test_sighup_reloads_the_mocks(self):
        mocks = os.path.join(self.tmp.name, "mocks.json")
        shutil.copy(MOCKS, mocks)
        config = os.path.join(self.tmp.name, "stepguard.yaml")
        with open(config, "w") as f:
            f.write("time_scale: 0.01\nmock_config: mocks.json\nfunctions:\n"
                    f"  receipt: {sys.executable} {os.path.join(FIX, 'receipt.py')}\n")
        server = Server(extra_args=["--config", config])
        self.addCleanup(server.close)
        server.start()
        sfn = sfn_client(server)
        arn = sfn.create_state_machine(name="order", definition=read(DEFINITION), roleArn=ROLE)["stateMachineArn"]
        with self.assertRaises(sfn.exceptions.ClientError):
            sfn.start_execution(stateMachineArn=arn + "#Later", input="{}")

        doc = json.loads(read(MOCKS))
        doc["StateMachines"]["order"]["TestCases"]["Later"] = {"Charge": "ChargeDeclined"}
        with open(mocks, "w") as f:
            json.dump(doc, f)
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + DEADLINE
        while "configuration reloaded" not in server.log() and time.time() < deadline:
            time.sleep(0.05)
        ex = sfn.start_execution(stateMachineArn=arn + "#Later", input=json.dumps(INPUT))["executionArn"]
        self.assertEqual(self.wait(sfn, ex)["error"], "ChargeFailed")

        with open(mocks, "w") as f:
            f.write('{"MockedResponses": {"X": {"1-a": {"Return": 1}}}}')
        server.proc.send_signal(signal.SIGHUP)
        deadline = time.time() + DEADLINE
        while "configuration not reloaded" not in server.log() and time.time() < deadline:
            time.sleep(0.05)
        self.assertIn('MockedResponses.X.\\"1-a\\": invalid invocation key', server.log())
        ex = sfn.start_execution(stateMachineArn=arn + "#HybridPath", input=json.dumps(INPUT))["executionArn"]
        d = self.wait(sfn, ex)
        self.assertEqual(json.loads(d["output"]), HYBRID_OUTPUT)
        self.assertEqual(server.stop(), 0)


def stepguard(*args):
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


class RunMocksTest(unittest.TestCase):
    def run_case(self, test_case, *extra):
        return stepguard("run", DEFINITION, "--mock-config", MOCKS, "--test-case", test_case,
                         "--function", RECEIPT, "--input", json.dumps(INPUT), *extra)

    def test_happy_path(self):
        code, out, err = self.run_case("HappyPath")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), HAPPY_OUTPUT)

    def test_retry_path_history(self):
        code, out, err = self.run_case("RetryPath", "--trace")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), RETRY_OUTPUT)
        events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
        self.assertEqual(failed_errors(events, "Charge"), RETRY_ERRORS)

    def test_failure_path(self):
        code, out, _ = self.run_case("FailurePath")
        self.assertEqual(code, 2)
        self.assertEqual(json.loads(out), {"Error": "ChargeFailed", "Cause": "The charge was declined"})

    def test_unmocked_state_uses_the_router(self):
        code, out, err = self.run_case("HybridPath")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), HYBRID_OUTPUT)

    def test_name_defaults_to_the_file_name_and_can_be_given(self):
        # The mock config names the machine "order": the file order.asl.json gives that name.
        with tempfile.TemporaryDirectory() as tmp:
            other = os.path.join(tmp, "renamed.json")
            shutil.copy(DEFINITION, other)
            code, _, err = stepguard("run", other, "--mock-config", MOCKS, "--test-case", "HappyPath")
            self.assertEqual(code, 1)
            self.assertIn("not defined for state machine 'renamed'", err)
            code, out, err = stepguard("run", other, "--name", "order", "--mock-config", MOCKS,
                                       "--test-case", "HappyPath", "--input", json.dumps(INPUT))
            self.assertEqual(code, 0, err)
            self.assertEqual(json.loads(out), HAPPY_OUTPUT)

    def test_unknown_test_case_exits_1(self):
        code, out, err = self.run_case("NoSuchCase")
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("test case 'NoSuchCase' is not defined for state machine 'order'", err)

    def test_config_file_names_the_mock_config(self):
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(MOCKS, os.path.join(tmp, "mocks.json"))
            config = os.path.join(tmp, "stepguard.yaml")
            with open(config, "w") as f:
                f.write(f"mock_config: mocks.json\nfunctions:\n  receipt: {sys.executable} "
                        f"{os.path.join(FIX, 'receipt.py')}\n")
            code, out, err = stepguard("run", DEFINITION, "--config", config, "--test-case", "HybridPath",
                                       "--input", json.dumps(INPUT))
            self.assertEqual(code, 0, err)
            self.assertEqual(json.loads(out), HYBRID_OUTPUT)

    def test_malformed_mock_config_is_rejected(self):
        with tempfile.TemporaryDirectory() as tmp:
            bad = os.path.join(tmp, "mocks.json")
            with open(bad, "w") as f:
                f.write('{"MockedResponses": {"X": {"1-a": {"Return": 1}}}}')
            code, _, err = stepguard("run", DEFINITION, "--mock-config", bad, "--test-case", "HappyPath")
            self.assertEqual(code, 1)
            self.assertIn('mocks.json: MockedResponses.X."1-a": invalid invocation key', err)


if __name__ == "__main__":
    unittest.main()
