#!/usr/bin/env python3
"""End-to-end tests of JSONata state machines and workflow variables, as a user runs them:
`stepguard run` and `stepguard validate` on definition files with a real local function (a
process), and `stepguard serve` driven by boto3 (history events, a restart in the middle of
an execution that used $uuid() and $random(): the durable engine replays it to the same
values).
"""
import json
import os
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from server_harness import ACCOUNT, BIN, REGION, ROLE, Server, sfn_client  # noqa: E402
from test_run_cli import stepguard, trace_events  # noqa: E402

FN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:pricer"

# A function that prices an order line: {"sku", "qty"} -> {"sku", "total"}.
PRICER = r'''
import json, sys
event = json.load(sys.stdin)
prices = {"apple": 3, "pear": 5}
print(json.dumps({"sku": event["sku"], "total": prices[event["sku"]] * event["qty"]}))
'''

# Orders: variables carry the customer across states, a Map prices each line through the
# function (Items, ItemSelector reading $states.context.Map.Item and an outer variable), a
# Choice routes on the total, and the AWS functions shape the output.
ORDER_MACHINE = {
    "Comment": "JSONata and variables end to end",
    "QueryLanguage": "JSONata",
    "StartAt": "Remember",
    "States": {
        "Remember": {
            "Type": "Pass",
            "Assign": {"customer": "{% $states.input.customer %}", "discount": 0.1},
            "Output": "{% $states.input.lines %}",
            "Next": "Price lines",
        },
        "Price lines": {
            "Type": "Map",
            "Items": "{% $states.input %}",
            "ItemSelector": {"line": "{% $states.context.Map.Item.Value %}",
                             "position": "{% $states.context.Map.Item.Index %}", "who": "{% $customer %}"},
            "MaxConcurrency": 2,
            "ItemProcessor": {"StartAt": "Price", "States": {"Price": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {"FunctionName": FN, "Payload": "{% $states.input.line %}"},
                "Output": "{% $merge([$states.result.Payload, {'position': $states.input.position}]) %}",
                "End": True}}},
            "Assign": {"subtotal": "{% $sum($states.result.total) %}"},
            "Output": {"lines": "{% $states.result %}"},
            "Next": "Big order?",
        },
        "Big order?": {
            "Type": "Choice",
            "Choices": [{"Condition": "{% $subtotal >= 20 %}", "Next": "Summarise",
                         "Assign": {"total": "{% $subtotal * (1 - $discount) %}"}}],
            "Default": "Summarise",
            "Assign": {"total": "{% $subtotal %}"},
        },
        "Summarise": {
            "Type": "Pass",
            "Output": {
                "customer": "{% $customer %}",
                "total": "{% $total %}",
                "skus": "{% $states.input.lines.sku %}",
                "pairs": "{% $partition($states.input.lines.position, 2) %}",
                "steps": "{% $range(0, 4, 2) %}",
                "digest": "{% $hash($customer, 'SHA-256') %}",
                "parsed": "{% $parse('{\"ok\":true}') %}",
            },
            "End": True,
        },
    },
}

ORDER_INPUT = {"customer": "ana", "lines": [{"sku": "apple", "qty": 2}, {"sku": "pear", "qty": 3},
                                            {"sku": "apple", "qty": 1}]}
ORDER_OUTPUT = {
    "customer": "ana",
    "total": 21.6,  # (6 + 15 + 3) * 0.9
    "skus": ["apple", "pear", "apple"],
    "pairs": [[0, 1], [2]],
    "steps": [0, 2, 4],
    "digest": "24d4b96f58da6d4a8512313bbd02a28ebf0ca95dec6e4c86ef78ce7f01e788ac",
    "parsed": {"ok": True},
}


def write(tmp, name, content):
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(content if isinstance(content, str) else json.dumps(content))
    return path


def exited(events, state):
    return [e["stateExitedEventDetails"] for e in events
            if e["type"].endswith("StateExited") and e["stateExitedEventDetails"]["name"] == state]


class RunJsonata(unittest.TestCase):
    def test_order_machine_runs_with_a_local_function(self):
        with tempfile.TemporaryDirectory() as tmp:
            sm = write(tmp, "orders.asl.json", ORDER_MACHINE)
            fn = write(tmp, "pricer.py", PRICER)
            code, out, err = stepguard("run", sm, "--input", json.dumps(ORDER_INPUT),
                                       "--function", f"pricer=python3 {fn}", "--trace")
            self.assertEqual(code, 0, err)
            result = json.loads(out)
            self.assertAlmostEqual(result.pop("total"), ORDER_OUTPUT["total"])
            expected = dict(ORDER_OUTPUT)
            expected.pop("total")
            self.assertEqual(result, expected)
            events = trace_events(err)
            self.assertEqual(exited(events, "Remember")[0]["assignedVariables"],
                             {"customer": '"ana"', "discount": "0.1"})
            self.assertEqual(exited(events, "Remember")[0]["assignedVariablesDetails"], {"truncated": False})
            self.assertEqual(exited(events, "Price lines")[0]["assignedVariables"], {"subtotal": "24"})
            # Each call got its Arguments, built from the item and the outer variable.
            scheduled = [json.loads(e["taskScheduledEventDetails"]["parameters"]) for e in events
                         if e["type"] == "TaskScheduled"]
            self.assertEqual(sorted(p["Payload"]["sku"] for p in scheduled), ["apple", "apple", "pear"])
            # States that assign nothing have no assignedVariables.
            self.assertNotIn("assignedVariables", exited(events, "Summarise")[0])

    def test_undefined_reference_fails_with_evaluation_failed(self):
        with tempfile.TemporaryDirectory() as tmp:
            sm = write(tmp, "bad.asl.json", {
                "QueryLanguage": "JSONata", "StartAt": "State0",
                "States": {"State0": {"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": True}}})
            code, out, err = stepguard("run", sm, "--trace")
            self.assertNotEqual(code, 0)
            self.assertEqual(json.loads(out), {
                "Error": "States.QueryEvaluationError",
                "Cause": "An error occurred while executing the state 'State0' (entered at the event id #2). "
                         "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
                         "returned nothing (undefined)."})
            events = trace_events(err)
            failed = [e for e in events if e["type"] == "EvaluationFailed"]
            self.assertEqual(len(failed), 1)
            self.assertEqual(failed[0]["evaluationFailedEventDetails"]["location"], "Output/result")
            self.assertEqual(failed[0]["evaluationFailedEventDetails"]["state"], "State0")
            self.assertEqual(events[-1]["type"], "ExecutionFailed")
            # The validator warned about it before the run.
            self.assertIn("UNDEFINED_VARIABLE", err)

    def test_jsonpath_machine_with_variables(self):
        with tempfile.TemporaryDirectory() as tmp:
            sm = write(tmp, "vars.asl.json", {
                "StartAt": "Setup",
                "States": {
                    "Setup": {"Type": "Pass", "Assign": {"answer": "the_answer", "guess.$": "$.guess"},
                              "Next": "Check"},
                    "Check": {"Type": "Choice",
                              "Choices": [{"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "Right"}],
                              "Default": "Wrong"},
                    "Right": {"Type": "Pass", "Parameters": {"msg.$": "States.Format('{} is right', $guess)"},
                              "End": True},
                    "Wrong": {"Type": "Fail", "Error": "Wrong", "CausePath": "$guess"}}})
            code, out, err = stepguard("run", sm, "--input", '{"guess":"the_answer"}')
            self.assertEqual(code, 0, err)
            self.assertEqual(json.loads(out), {"msg": "the_answer is right"})
            code, out, err = stepguard("run", sm, "--input", '{"guess":"nope"}')
            self.assertNotEqual(code, 0)
            self.assertEqual(json.loads(out), {"Error": "Wrong", "Cause": "nope"})

    def test_validate_reports_jsonata_diagnostics(self):
        with tempfile.TemporaryDirectory() as tmp:
            sm = write(tmp, "invalid.asl.json", {
                "QueryLanguage": "JSONata", "StartAt": "A",
                "States": {"A": {"Type": "Pass", "Output": {"v": "{% a[1,2) %}", "w": "{% phone %}"},
                                 "Assign": {"states": 1}, "End": True}}})
            code, out, err = stepguard("validate", sm)
            self.assertNotEqual(code, 0)
            text = out + err
            self.assertIn('/States/A/Output/v: error INVALID_JSONATA_EXPRESSION: Expected "]", got ","', text)
            self.assertIn("/States/A/Output/w: error UNSUPPORTED_JSONATA_EXPRESSION: "
                          "Reference to 'phone' at the top level is not supported.", text)
            self.assertIn("The variable name 'states' is reserved", text)


class ServerJsonata(unittest.TestCase):
    """The same engine behind `stepguard serve`, through boto3."""

    def run_to_end(self, sfn, sm_arn, input_text):
        arn = sfn.start_execution(stateMachineArn=sm_arn, input=input_text)["executionArn"]
        deadline = time.monotonic() + 30
        while True:
            d = sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                return arn, d
            if time.monotonic() > deadline:
                self.fail(f"{arn} still running")
            time.sleep(0.05)

    def history(self, sfn, arn):
        return [e for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn)
                for e in page["events"]]

    def test_variables_and_jsonata_through_the_api(self):
        with tempfile.TemporaryDirectory() as tmp:
            fn = write(tmp, "pricer.py", PRICER)
            server = Server(extra_args=["--function", f"pricer=python3 {fn}"])
            server.start()
            try:
                sfn = sfn_client(server)
                sm_arn = sfn.create_state_machine(name="orders", definition=json.dumps(ORDER_MACHINE),
                                                  roleArn=ROLE)["stateMachineArn"]
                arn, d = self.run_to_end(sfn, sm_arn, json.dumps(ORDER_INPUT))
                self.assertEqual(d["status"], "SUCCEEDED", d)
                out = json.loads(d["output"])
                self.assertAlmostEqual(out["total"], ORDER_OUTPUT["total"])
                events = self.history(sfn, arn)
                remember = next(e for e in events if e["type"] == "PassStateExited")
                self.assertEqual(remember["stateExitedEventDetails"]["assignedVariables"],
                                 {"customer": '"ana"', "discount": "0.1"})
                self.assertEqual(remember["stateExitedEventDetails"]["assignedVariablesDetails"],
                                 {"truncated": False})

                bad = sfn.create_state_machine(name="bad", roleArn=ROLE, definition=json.dumps({
                    "QueryLanguage": "JSONata", "StartAt": "State0", "States": {
                        "State0": {"Type": "Pass", "Output": {"result": "{% $doesNotExist %}"}, "End": True}}}))
                arn, d = self.run_to_end(sfn, bad["stateMachineArn"], "{}")
                self.assertEqual(d["status"], "FAILED")
                self.assertEqual(d["error"], "States.QueryEvaluationError")
                failed = next(e for e in self.history(sfn, arn) if e["type"] == "EvaluationFailed")
                self.assertEqual(failed["evaluationFailedEventDetails"], {
                    "error": "States.QueryEvaluationError",
                    "cause": "An error occurred while executing the state 'State0' (entered at the event id #2). "
                             "The JSONata expression '$doesNotExist' specified for the field 'Output/result' "
                             "returned nothing (undefined).",
                    "location": "Output/result",
                    "state": "State0"})

                # Definition-time checks answer InvalidDefinition, as AWS does.
                with self.assertRaises(Exception) as ctx:
                    sfn.create_state_machine(name="invalid", roleArn=ROLE, definition=json.dumps({
                        "QueryLanguage": "JSONata", "StartAt": "A",
                        "States": {"A": {"Type": "Pass", "Output": "{% $$ %}", "End": True}}}))
                self.assertIn("UNSUPPORTED_JSONATA_EXPRESSION: Reference to '$$' is not supported.",
                              str(ctx.exception))

                # TestState reads the request's variables and shows what the state assigns.
                r = sfn.test_state(definition=json.dumps({
                    "Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $x + 1 %}",
                    "Assign": {"x": "{% $x * 10 %}"}, "End": True}),
                    roleArn=ROLE, input="{}", variables='{"x": 4}', inspectionLevel="DEBUG")
                self.assertEqual(r["status"], "SUCCEEDED")
                self.assertEqual(json.loads(r["output"]), 5)
                self.assertEqual(json.loads(r["inspectionData"]["variables"]), {"x": 40})
            finally:
                server.stop()
                server.close()

    def test_replay_after_a_restart_keeps_random_values(self):
        """$uuid() and $random() come from the execution's seeded entropy: the durable engine
        rebuilds a waiting execution after a restart and it goes on with the same values."""
        machine = {
            "QueryLanguage": "JSONata", "StartAt": "Draw",
            "States": {
                "Draw": {"Type": "Pass", "Assign": {"id": "{% $uuid() %}", "r": "{% $random() %}"}, "Next": "Sleep"},
                "Sleep": {"Type": "Wait", "Seconds": 3, "Next": "Report"},
                "Report": {"Type": "Pass", "Output": {"id": "{% $id %}", "r": "{% $r %}", "again": "{% $uuid() %}"},
                           "End": True}}}
        with tempfile.TemporaryDirectory(prefix="sg-jsonata-restart-") as data:
            server = Server(data_dir=data)
            server.start()
            try:
                sfn = sfn_client(server)
                sm_arn = sfn.create_state_machine(name="draws", definition=json.dumps(machine),
                                                  roleArn=ROLE)["stateMachineArn"]
                arn = sfn.start_execution(stateMachineArn=sm_arn, input="{}")["executionArn"]
                deadline = time.monotonic() + 10
                while not any(e["type"] == "WaitStateEntered" for e in self.history(sfn, arn)):
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.05)
                drawn = next(e for e in self.history(sfn, arn)
                             if e["type"] == "PassStateExited")["stateExitedEventDetails"]["assignedVariables"]
                server.stop()
                server.start()
                sfn = sfn_client(server)
                deadline = time.monotonic() + 30
                while (d := sfn.describe_execution(executionArn=arn))["status"] == "RUNNING":
                    self.assertLess(time.monotonic(), deadline)
                    time.sleep(0.1)
                self.assertEqual(d["status"], "SUCCEEDED", d)
                out = json.loads(d["output"])
                self.assertEqual(out["id"], json.loads(drawn["id"]))
                self.assertEqual(out["r"], json.loads(drawn["r"]))
                self.assertNotEqual(out["again"], out["id"])
            finally:
                server.stop()
                server.close()


if __name__ == "__main__":
    unittest.main()
