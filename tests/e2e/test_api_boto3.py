#!/usr/bin/env python3
"""End-to-end tests of the Step Functions API of `stepguard serve`, driven by boto3.

Every action the server implements (the 37 of the botocore model; the three Map Run actions
answer ValidationException) is called as a user calls it, and what boto3 hands back is
checked against AWS's behaviour (reference sections 4.2-4.3, 5.1, 6 and 8): the members a
response has and has not, the error code, HTTP status and message of each failure.

One server (time scale 0.01, a local Lambda function `flaky` that fails its first call)
serves most tests; each test uses its own resource names. The restart test has a server of
its own. Run as a whole file, it also fails if some action of the model was never called.
Tests poll with deadlines; the two short sleeps (a poll that should be waiting before work
arrives) leave the test passing in either order.
"""
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, BIN, REGION, ROLE, Server, sfn_client  # noqa: E402

import botocore.session  # noqa: E402
from botocore.exceptions import ClientError, EndpointConnectionError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
ARN = f"arn:aws:states:{REGION}:{ACCOUNT}"
FLAKY = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:flaky"
CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
DEADLINE = 20  # seconds any awaited condition may take before a test fails

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "it broke"}}}


def callback_definition(**task_fields):
    """A .waitForTaskToken task (stepguard submits it at once) whose token is in the
    TaskScheduled parameters; then a Pass."""
    task = {"Type": "Task", "Resource": CALLBACK,
            "Parameters": {"QueueUrl": "https://sqs.example/q", "MessageBody": {"token.$": "$$.Task.Token",
                                                                                 "in.$": "$"}},
            "ResultPath": "$.reply", "Next": "After"}
    task.update(task_fields)
    return {"StartAt": "Wait for reply", "States": {"Wait for reply": task, "After": {"Type": "Pass", "End": True}}}


SERVER = None
SFN = None
CALLED = set()  # operations boto3 sent, to check every action was exercised
_names = iter(range(1, 1_000_000))


def setUpModule():
    global SERVER, SFN
    SERVER = Server(extra_args=["--time-scale", "0.01"])
    # `flaky` keeps its call counter in the server's temporary data directory.
    counter = os.path.join(SERVER.data_dir, "flaky.count")
    SERVER.extra_args += ["--function", f"flaky=python3 {FIX}/fail_first_call.py {counter}"]
    try:
        SERVER.start()
    except BaseException:
        SERVER.close()
        raise
    SFN = client(SERVER)


def tearDownModule():
    try:
        SERVER.stop()
    finally:
        SERVER.close()


def client(server):
    c = sfn_client(server)
    c.meta.events.register("before-call.sfn.*", lambda model, **_: CALLED.add(model.name))
    return c


def unique(prefix):
    return f"{prefix}-{next(_names)}"


def poll(fetch, accept, what, timeout=DEADLINE, interval=0.02):
    """Calls fetch() until accept(value) is true; fails the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if accept(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; last value: {value!r}")
        time.sleep(interval)


def history(sfn, arn, **kw):
    return [e for page in sfn.get_paginator("get_execution_history").paginate(executionArn=arn, **kw)
            for e in page["events"]]


def wait_status(sfn, arn, *statuses):
    return poll(lambda: sfn.describe_execution(executionArn=arn), lambda d: d["status"] in statuses,
                f"{arn} to be {statuses}")


def wait_event(sfn, arn, event_type):
    """The first event of that type, once it is in the history."""
    events = poll(lambda: history(sfn, arn), lambda h: any(e["type"] == event_type for e in h),
                  f"a {event_type} event in {arn}")
    return next(e for e in events if e["type"] == event_type)


def task_token(sfn, arn):
    """The callback token, as a worker reads it from the TaskScheduled parameters."""
    scheduled = wait_event(sfn, arn, "TaskScheduled")
    return json.loads(scheduled["taskScheduledEventDetails"]["parameters"])["MessageBody"]["token"]


def keys(response):
    return set(response) - {"ResponseMetadata"}


def raw_call(server, target, body, headers=None):
    """A request sent with http.client, bypassing boto3's checks: (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        h = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": target}
        h.update(headers or {})
        conn.request("POST", "/", body=body, headers=h)
        r = conn.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        conn.close()


class ApiTest(unittest.TestCase):
    sfn = property(lambda self: SFN)

    def assertError(self, call, code, message=None, status=400, message_startswith=None):
        """call() fails with that AWS error code (and message, and HTTP status)."""
        with self.assertRaises(ClientError) as ctx:
            call()
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(err["Message"], message)
        if message_startswith is not None:
            self.assertTrue(err["Message"].startswith(message_startswith), err["Message"])
        return ctx.exception.response

    def create(self, definition, name=None, **kw):
        name = name or unique("sm")
        kw.setdefault("roleArn", ROLE)
        text = definition if isinstance(definition, str) else json.dumps(definition)
        return self.sfn.create_state_machine(name=name, definition=text, **kw)

    def wait_deleted(self, sm_arn):
        def exists():
            try:
                self.sfn.describe_state_machine(stateMachineArn=sm_arn)
                return True
            except self.sfn.exceptions.StateMachineDoesNotExist:
                return False
        poll(exists, lambda e: not e, f"{sm_arn} to be deleted")

    def run_to_end(self, sm_arn, input_text="{}", **kw):
        arn = self.sfn.start_execution(stateMachineArn=sm_arn, input=input_text, **kw)["executionArn"]
        return wait_status(self.sfn, arn, "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


class StateMachines(ApiTest):
    def test_create_and_describe_have_the_aws_shape(self):
        definition = '{"StartAt": "P",\n "States": {"P": {"Type": "Pass", "End": true}}}'
        name = unique("shape")
        created = self.create(definition, name=name)
        self.assertEqual(keys(created), {"stateMachineArn", "creationDate"})  # no version without publish
        self.assertEqual(created["stateMachineArn"], f"{ARN}:stateMachine:{name}")
        d = self.sfn.describe_state_machine(stateMachineArn=created["stateMachineArn"])
        self.assertEqual(d["stateMachineArn"], created["stateMachineArn"])
        self.assertEqual(d["name"], name)
        self.assertEqual(d["status"], "ACTIVE")
        self.assertEqual(d["definition"], definition)  # byte for byte, as sent
        self.assertEqual(d["roleArn"], ROLE)
        self.assertEqual(d["type"], "STANDARD")
        self.assertEqual(d["creationDate"], created["creationDate"])
        self.assertEqual(d["loggingConfiguration"], {"level": "OFF", "includeExecutionData": False})
        self.assertEqual(d["tracingConfiguration"], {"enabled": False})
        self.assertNotIn("description", d)  # versions only
        self.assertNotIn("label", d)  # Map Run ARNs only

    def test_create_is_idempotent_for_the_same_definition_and_conflicts_otherwise(self):
        name = unique("idem")
        first = self.create(PASS, name=name)
        again = self.create(PASS, name=name, roleArn=ROLE + "-other", tags=[{"key": "k", "value": "v"}])
        self.assertEqual((again["stateMachineArn"], again["creationDate"]),
                         (first["stateMachineArn"], first["creationDate"]))
        self.assertError(lambda: self.create(FAIL, name=name), "StateMachineAlreadyExists",
                         f"State Machine Already Exists: '{first['stateMachineArn']}'")
        # Byte-different but equivalent definitions conflict too, as on AWS.
        self.assertError(lambda: self.create(json.dumps(PASS, indent=2), name=name), "StateMachineAlreadyExists")

    def test_invalid_names_and_arns(self):
        self.assertError(lambda: self.create(PASS, name="has space"), "InvalidName", "Invalid Name: 'has space'")
        self.assertError(lambda: self.create(PASS, name="a/b"), "InvalidName", "Invalid Name: 'a/b'")
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn="not-an-arn"), "InvalidArn",
                         "Invalid Arn: 'Invalid ARN prefix: not-an-arn'")
        missing = f"{ARN}:stateMachine:{unique('missing')}"
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn=missing), "StateMachineDoesNotExist",
                         f"State Machine Does Not Exist: '{missing}'")
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=missing), "StateMachineDoesNotExist",
                         f"State Machine Does Not Exist: '{missing}'")
        # An ARN of another resource type, or of another region or account.
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn=f"{ARN}:activity:x"), "InvalidArn",
                         "Invalid Arn: 'Resource type not valid in this context: activity'")
        self.assertError(lambda: self.sfn.describe_execution(executionArn=f"{ARN}:stateMachine:x"), "InvalidArn",
                         "Invalid Arn: 'Resource type not valid in this context: stateMachine'")
        elsewhere = f"arn:aws:states:eu-west-1:{ACCOUNT}:stateMachine:x"
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn=elsewhere), "InvalidArn",
                         f"Invalid Arn: 'Invalid ARN prefix: {elsewhere}'")

    def test_invalid_definition_uses_aws_message_format(self):
        dangling = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}}
        self.assertError(lambda: self.create(dangling), "InvalidDefinition",
                         "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: B "
                         "at /States/A/Next, MISSING_END_STATE: Workflow has no terminal state at null'")
        bad_type = {"StartAt": "A", "States": {"A": {"Type": "Nope", "End": True}}}
        self.assertError(lambda: self.create(bad_type), "InvalidDefinition",
                         "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: The field 'Type' should have "
                         "one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] "
                         "at /States/A/Type'")
        self.assertError(lambda: self.create("not a definition"), "InvalidDefinition",
                         message_startswith="Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: ")
        # Express machines reject callbacks and activities at create time (two spaces before "at").
        self.assertError(lambda: self.create(callback_definition(), type="EXPRESS"), "InvalidDefinition",
                         "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express state machine does "
                         "not support '.waitForTaskToken' service integration  at /States/Wait for reply/Resource'")
        activity = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": f"{ARN}:activity:a", "End": True}}}
        self.assertError(lambda: self.create(activity, type="EXPRESS"), "InvalidDefinition",
                         message_startswith="Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Express "
                                            "state machine does not support Activity ARN")

    def test_validation_exceptions_use_coral_wording(self):
        self.assertError(lambda: self.sfn.list_state_machines(maxResults=1001), "ValidationException",
                         "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
                         "Member must have value less than or equal to 1000")
        self.assertError(lambda: self.create(PASS, versionDescription="v"), "ValidationException",
                         "Version description can only be set when publish is true")
        self.assertError(lambda: self.sfn.list_state_machines(nextToken="garbage"), "InvalidToken",
                         "Invalid Token: 'Invalid token'")

    def test_update_changes_the_revision_and_missing_fields_are_refused(self):
        sm = self.create(PASS)["stateMachineArn"]
        self.assertError(lambda: self.sfn.update_state_machine(stateMachineArn=sm), "MissingRequiredParameter",
                         "Either the definition, the role ARN, the LoggingConfiguration, or the TracingConfiguration "
                         "must be specified")
        updated = self.sfn.update_state_machine(stateMachineArn=sm, definition=json.dumps(FAIL))
        self.assertEqual(keys(updated), {"updateDate", "revisionId"})
        d = self.sfn.describe_state_machine(stateMachineArn=sm)
        self.assertEqual(json.loads(d["definition"]), FAIL)
        self.assertEqual(d["revisionId"], updated["revisionId"])
        missing = f"{ARN}:stateMachine:{unique('missing')}"
        self.assertError(lambda: self.sfn.update_state_machine(stateMachineArn=missing, definition=json.dumps(PASS)),
                         "StateMachineDoesNotExist", f"State Machine Does Not Exist: '{missing}'")
        self.assertError(lambda: self.sfn.update_state_machine(stateMachineArn=sm, definition='{"StartAt":"X"}'),
                         "InvalidDefinition", message_startswith="Invalid State Machine Definition: '")

    def test_delete_removes_the_machine_and_missing_ones_delete_fine(self):
        sm = self.create(PASS)["stateMachineArn"]
        self.assertEqual(keys(self.sfn.delete_state_machine(stateMachineArn=sm)), set())
        self.wait_deleted(sm)
        self.sfn.delete_state_machine(stateMachineArn=sm)  # again: 200
        self.assertError(lambda: self.sfn.delete_state_machine(stateMachineArn="arn:nope"), "InvalidArn")

    def test_list_state_machines_paginates(self):
        prefix = unique("page")
        made = {self.create(PASS, name=f"{prefix}-{i}")["stateMachineArn"] for i in range(7)}
        made.add(self.create(PASS, name=f"{prefix}-x", type="EXPRESS")["stateMachineArn"])
        pages = list(self.sfn.get_paginator("list_state_machines").paginate(PaginationConfig={"PageSize": 3}))
        self.assertGreaterEqual(len(pages), 3)
        items = [i for p in pages for i in p["stateMachines"]]
        arns = [i["stateMachineArn"] for i in items]
        self.assertEqual(len(arns), len(set(arns)))  # no item twice
        mine = [i for i in items if i["name"].startswith(prefix + "-")]
        self.assertEqual({i["stateMachineArn"] for i in mine}, made)
        for item in mine:
            self.assertEqual(set(item), {"stateMachineArn", "name", "type", "creationDate"})
            self.assertEqual(item["type"], "EXPRESS" if item["name"].endswith("-x") else "STANDARD")

    def test_tags(self):
        sm = self.create(PASS, tags=[{"key": "team", "value": "a"}])["stateMachineArn"]
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=sm)["tags"], [{"key": "team", "value": "a"}])
        self.assertEqual(keys(self.sfn.tag_resource(resourceArn=sm, tags=[{"key": "env", "value": "dev"},
                                                                           {"key": "team", "value": "b"}])), set())
        tags = self.sfn.list_tags_for_resource(resourceArn=sm)["tags"]
        self.assertEqual(sorted((t["key"], t["value"]) for t in tags), [("env", "dev"), ("team", "b")])
        self.assertEqual(keys(self.sfn.untag_resource(resourceArn=sm, tagKeys=["team", "absent"])), set())
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=sm)["tags"], [{"key": "env", "value": "dev"}])
        too_many = [{"key": f"k{i}", "value": "v"} for i in range(51)]
        self.assertError(lambda: self.create(PASS, tags=too_many), "TooManyTags")
        self.assertError(lambda: self.sfn.tag_resource(resourceArn=sm, tags=too_many[:50]), "TooManyTags")
        self.sfn.tag_resource(resourceArn=sm, tags=too_many[:49])  # 49 + env = 50: fine
        self.assertEqual(len(self.sfn.list_tags_for_resource(resourceArn=sm)["tags"]), 50)
        missing = f"{ARN}:stateMachine:{unique('missing')}"
        self.assertError(lambda: self.sfn.list_tags_for_resource(resourceArn=missing), "ResourceNotFound")
        self.assertError(lambda: self.sfn.tag_resource(resourceArn="bad", tags=[]), "InvalidArn")

    def test_validate_state_machine_definition_matches_stepguard_validate(self):
        import subprocess
        cases = {
            "dangling": {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
                                                   "C": {"Type": "Pass", "End": True}}},
            "warnings": {"StartAt": "A", "States": {"A": {"Type": "Pass", "Parameters": {"x": "$.a"},
                                                         "Result": {"y.$": "$.b"}, "End": True}}},
            "express": callback_definition(),
            "ok": PASS,
        }
        with tempfile.TemporaryDirectory() as tmp:
            for label, definition in cases.items():
                with self.subTest(label):
                    path = os.path.join(tmp, label + ".json")
                    with open(path, "w") as f:
                        json.dump(definition, f)
                    express = label == "express"
                    args = [BIN, "validate", "--format", "json", path] + (["--express"] if express else [])
                    cli = json.loads(subprocess.run(args, capture_output=True, text=True, timeout=60).stdout)
                    api = self.sfn.validate_state_machine_definition(
                        definition=json.dumps(definition), severity="WARNING",
                        type="EXPRESS" if express else "STANDARD")
                    self.assertEqual(api["result"], cli["result"])
                    self.assertEqual(api["diagnostics"], cli["diagnostics"])
                    self.assertFalse(api.get("truncated", False))
        # The default severity (ERROR) leaves warnings out, and a warning alone is OK.
        api = self.sfn.validate_state_machine_definition(definition=json.dumps(cases["warnings"]))
        self.assertEqual((api["result"], api["diagnostics"]), ("OK", []))
        api = self.sfn.validate_state_machine_definition(definition=json.dumps(cases["dangling"]), maxResults=1)
        self.assertEqual((api["result"], len(api["diagnostics"]), api["truncated"]), ("FAIL", 1, True))
        api = self.sfn.validate_state_machine_definition(definition="{}")
        self.assertEqual(api["diagnostics"], [{"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED",
                                               "message": "These fields are required: [States, StartAt]",
                                               "location": "/"}])


class VersionsAndAliases(ApiTest):
    def test_publish_start_by_version_and_alias_and_list_by_them(self):
        name = unique("ver")
        created = self.create(PASS, name=name, publish=True, versionDescription="first")
        sm = created["stateMachineArn"]
        v1 = created["stateMachineVersionArn"]
        self.assertEqual(v1, f"{sm}:1")
        d = self.sfn.describe_state_machine(stateMachineArn=v1)
        self.assertEqual((d["stateMachineArn"], d["description"], json.loads(d["definition"])), (v1, "first", PASS))

        # Publishing an unchanged revision is idempotent; a changed one makes version 2.
        self.assertEqual(self.sfn.publish_state_machine_version(stateMachineArn=sm)["stateMachineVersionArn"], v1)
        updated = self.sfn.update_state_machine(stateMachineArn=sm, definition=json.dumps(FAIL))
        self.assertError(lambda: self.sfn.publish_state_machine_version(stateMachineArn=sm, revisionId="stale"),
                         "ConflictException",
                         "Failed to publish the State Machine version for revision stale. The current State Machine "
                         f"revision is {updated['revisionId']}.", status=409)
        published = self.sfn.publish_state_machine_version(stateMachineArn=sm, revisionId=updated["revisionId"],
                                                           description="second")
        self.assertEqual(keys(published), {"creationDate", "stateMachineVersionArn"})
        v2 = published["stateMachineVersionArn"]
        self.assertEqual(v2, f"{sm}:2")
        versions = self.sfn.list_state_machine_versions(stateMachineArn=sm)["stateMachineVersions"]
        self.assertEqual([v["stateMachineVersionArn"] for v in versions], [v2, v1])  # newest first
        self.assertEqual(set(versions[0]), {"stateMachineVersionArn", "creationDate"})

        alias_name = "live"
        alias = self.sfn.create_state_machine_alias(
            name=alias_name, description="prod", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
        self.assertEqual(keys(alias), {"stateMachineAliasArn", "creationDate"})
        alias_arn = alias["stateMachineAliasArn"]
        self.assertEqual(alias_arn, f"{sm}:{alias_name}")
        described = self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)
        self.assertEqual((described["name"], described["description"], described["routingConfiguration"]),
                         (alias_name, "prod", [{"stateMachineVersionArn": v1, "weight": 100}]))
        self.assertEqual(described["creationDate"], alias["creationDate"])
        self.assertEqual(keys(described), {"stateMachineAliasArn", "name", "description", "routingConfiguration",
                                           "creationDate", "updateDate"})
        # Same configuration again: idempotent; a different one: conflict.
        again = self.sfn.create_state_machine_alias(
            name=alias_name, description="prod", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])
        self.assertEqual(again["stateMachineAliasArn"], alias_arn)
        self.assertError(lambda: self.sfn.create_state_machine_alias(
            name=alias_name, routingConfiguration=[{"stateMachineVersionArn": v2, "weight": 100}]),
            "ConflictException", "Failed to create alias because an alias with the same name and a different "
                                 "routing configuration already exists.", status=409)
        aliases = self.sfn.list_state_machine_aliases(stateMachineArn=sm)["stateMachineAliases"]
        self.assertEqual(aliases, [{"stateMachineAliasArn": alias_arn, "creationDate": alias["creationDate"]}])
        self.assertEqual(self.sfn.list_state_machine_aliases(stateMachineArn=v2)["stateMachineAliases"], [])

        # Executions through the version and the alias run that version (v1 passes; the
        # machine itself now fails) and carry its ARNs; the execution ARN is the plain one.
        by_version = self.run_to_end(v1, name="by-version")
        self.assertEqual(by_version["status"], "SUCCEEDED")
        self.assertEqual(by_version["executionArn"], f"{ARN}:execution:{name}:by-version")
        self.assertEqual((by_version["stateMachineArn"], by_version["stateMachineVersionArn"]), (sm, v1))
        self.assertNotIn("stateMachineAliasArn", by_version)
        by_alias = self.run_to_end(alias_arn, name="by-alias")
        self.assertEqual(by_alias["status"], "SUCCEEDED")
        self.assertEqual((by_alias["stateMachineVersionArn"], by_alias["stateMachineAliasArn"]), (v1, alias_arn))
        plain = self.run_to_end(sm, name="plain")
        self.assertEqual(plain["status"], "FAILED")
        self.assertNotIn("stateMachineVersionArn", plain)

        listed = self.sfn.list_executions(stateMachineArn=v1)["executions"]
        self.assertEqual(sorted(e["name"] for e in listed), ["by-alias", "by-version"])
        self.assertTrue(all(e["stateMachineVersionArn"] == v1 for e in listed))
        listed = self.sfn.list_executions(stateMachineArn=alias_arn)["executions"]
        self.assertEqual([(e["name"], e["stateMachineAliasArn"], e["stateMachineVersionArn"]) for e in listed],
                         [("by-alias", alias_arn, v1)])
        listed = self.sfn.list_executions(stateMachineArn=sm)["executions"]
        self.assertEqual([e["name"] for e in listed], ["plain", "by-alias", "by-version"])  # newest first

        # The definition an execution ran is the version's.
        ran = self.sfn.describe_state_machine_for_execution(executionArn=by_version["executionArn"])
        self.assertEqual(json.loads(ran["definition"]), PASS)

        # A version an alias points at cannot be deleted; versions carry no tags.
        self.assertError(lambda: self.sfn.delete_state_machine_version(stateMachineVersionArn=v1), "ConflictException",
                         "Version to be deleted must not be referenced by an alias. Current list of aliases "
                         f"referencing this version: [{alias_name}]", status=409)
        self.assertError(lambda: self.sfn.tag_resource(resourceArn=v1, tags=[{"key": "a", "value": "b"}]),
                         "ResourceNotFound")

        updated_alias = self.sfn.update_state_machine_alias(
            stateMachineAliasArn=alias_arn, routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 50},
                                                                  {"stateMachineVersionArn": v2, "weight": 50}])
        self.assertEqual(keys(updated_alias), {"updateDate"})
        described = self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn)
        self.assertEqual(len(described["routingConfiguration"]), 2)
        self.assertIn("updateDate", described)
        self.assertEqual(keys(self.sfn.delete_state_machine_alias(stateMachineAliasArn=alias_arn)), set())
        self.sfn.delete_state_machine_alias(stateMachineAliasArn=alias_arn)  # again: 200
        self.assertError(lambda: self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias_arn),
                         "ResourceNotFound", "Request references a resource that does not exist.")
        self.assertError(lambda: self.sfn.update_state_machine_alias(stateMachineAliasArn=alias_arn, description="x"),
                         "ResourceNotFound", "Request references a resource that does not exist.")
        self.assertEqual(keys(self.sfn.delete_state_machine_version(stateMachineVersionArn=v1)), set())
        self.sfn.delete_state_machine_version(stateMachineVersionArn=v1)  # again: 200
        versions = self.sfn.list_state_machine_versions(stateMachineArn=sm)["stateMachineVersions"]
        self.assertEqual([v["stateMachineVersionArn"] for v in versions], [v2])
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn=v1), "StateMachineDoesNotExist")

    def test_alias_validation(self):
        created = self.create(PASS, publish=True)
        sm, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        self.assertError(lambda: self.sfn.create_state_machine_alias(
            name="split", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 70},
                                                {"stateMachineVersionArn": v1, "weight": 29}]),
            "ValidationException", message_startswith="Routing configuration must contain distinct state machine "
                                                      "version ARNs")
        self.assertError(lambda: self.sfn.create_state_machine_alias(
            name="plain", routingConfiguration=[{"stateMachineVersionArn": sm, "weight": 100}]),
            "ValidationException", f"Routing configuration must contain state machine version ARNs. Received: [{sm}]")
        self.assertError(lambda: self.sfn.create_state_machine_alias(
            name="123", routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}]),
            "ValidationException",
            "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy "
            "regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$")
        missing_version = f"{sm}:99"
        self.assertError(lambda: self.sfn.create_state_machine_alias(
            name="ghost", routingConfiguration=[{"stateMachineVersionArn": missing_version, "weight": 100}]),
            "ResourceNotFound")
        self.assertError(lambda: self.sfn.list_state_machine_aliases(stateMachineArn=f"{ARN}:stateMachine:nope"),
                         "StateMachineDoesNotExist")
        self.assertError(lambda: self.sfn.list_executions(stateMachineArn=f"{sm}:ghost-alias"), "ResourceNotFound")


class Executions(ApiTest):
    def test_describe_running_succeeded_and_failed_executions(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        name = unique("run")
        started = self.sfn.start_execution(stateMachineArn=sm, name=name, input='{"n": 1}')
        self.assertEqual(keys(started), {"executionArn", "startDate"})
        arn = started["executionArn"]
        self.assertEqual(arn, f"{ARN}:execution:{sm.rsplit(':', 1)[1]}:{name}")
        token = task_token(self.sfn, arn)
        running = self.sfn.describe_execution(executionArn=arn)
        self.assertEqual(keys(running), {"executionArn", "stateMachineArn", "name", "status", "startDate", "input",
                                         "inputDetails", "redriveCount", "redriveStatus", "redriveStatusReason"})
        self.assertEqual((running["status"], running["input"], running["inputDetails"]),
                         ("RUNNING", '{"n": 1}', {"included": True}))
        self.assertEqual(running["startDate"], started["startDate"])
        self.assertEqual((running["redriveCount"], running["redriveStatus"], running["redriveStatusReason"]),
                         (0, "NOT_REDRIVABLE", "Execution is RUNNING and cannot be redriven"))

        self.sfn.send_task_success(taskToken=token, output='{"ok": true}')
        done = wait_status(self.sfn, arn, "SUCCEEDED")
        self.assertEqual(json.loads(done["output"]), {"n": 1, "reply": {"ok": True}})
        self.assertEqual(done["outputDetails"], {"included": True})
        self.assertGreaterEqual(done["stopDate"], done["startDate"])
        self.assertEqual((done["redriveStatus"], done["redriveStatusReason"]),
                         ("NOT_REDRIVABLE", "Execution is SUCCEEDED and cannot be redriven"))
        self.assertNotIn("error", done)
        meta = self.sfn.describe_execution(executionArn=arn, includedData="METADATA_ONLY")
        self.assertNotIn("input", meta)
        self.assertNotIn("output", meta)
        self.assertEqual(meta["inputDetails"], {"included": False})

        failed = self.run_to_end(self.create(FAIL)["stateMachineArn"])
        self.assertEqual((failed["status"], failed["error"], failed["cause"]), ("FAILED", "Boom", "it broke"))
        self.assertNotIn("output", failed)
        self.assertNotIn("outputDetails", failed)
        self.assertEqual((failed["redriveCount"], failed["redriveStatus"]), (0, "REDRIVABLE"))
        self.assertNotIn("redriveStatusReason", failed)

    def test_start_execution_is_idempotent_only_while_running_with_the_same_input(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        name = unique("idem")
        first = self.sfn.start_execution(stateMachineArn=sm, name=name, input='{"a": 1}')
        again = self.sfn.start_execution(stateMachineArn=sm, name=name, input='{"a": 1}')
        self.assertEqual((again["executionArn"], again["startDate"]), (first["executionArn"], first["startDate"]))
        arn = first["executionArn"]
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=sm, name=name, input='{"a": 2}'),
                         "ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")
        self.sfn.send_task_success(taskToken=task_token(self.sfn, arn), output="{}")
        wait_status(self.sfn, arn, "SUCCEEDED")
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=sm, name=name, input='{"a": 1}'),
                         "ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")

    def test_start_execution_errors(self):
        sm = self.create(PASS)["stateMachineArn"]
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=sm, input="not json"),
                         "InvalidExecutionInput", message_startswith="Invalid State Machine Execution Input: '")
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=sm, name="a b"), "InvalidName",
                         "Invalid Name: 'a b'")
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn="arn:aws:states:us-east-1:1:nope"),
                         "InvalidArn")
        # Any JSON value is an input.
        for value in ['"text"', "42", "null", "[1, 2]"]:
            with self.subTest(value):
                d = self.run_to_end(sm, input_text=value)
                self.assertEqual((d["status"], d["input"], json.loads(d["output"])), ("SUCCEEDED", value,
                                                                                     json.loads(value)))
        missing = f"{ARN}:execution:{sm.rsplit(':', 1)[1]}:{unique('nope')}"
        for call in (lambda: self.sfn.describe_execution(executionArn=missing),
                     lambda: self.sfn.get_execution_history(executionArn=missing),
                     lambda: self.sfn.stop_execution(executionArn=missing),
                     lambda: self.sfn.describe_state_machine_for_execution(executionArn=missing),
                     lambda: self.sfn.redrive_execution(executionArn=missing)):
            self.assertError(call, "ExecutionDoesNotExist", f"Execution Does Not Exist: '{missing}'")
        self.assertError(lambda: self.sfn.describe_execution(executionArn=sm), "InvalidArn")

    def test_list_executions_paginates_newest_first_and_filters_by_status(self):
        sm = self.create(PASS)["stateMachineArn"]
        count = 120
        arns = [self.sfn.start_execution(stateMachineArn=sm, name=f"e{i:03d}")["executionArn"] for i in range(count)]
        poll(lambda: self.sfn.list_executions(stateMachineArn=sm, statusFilter="SUCCEEDED", maxResults=1000),
             lambda r: len(r["executions"]) == count, "all executions to succeed")
        pages = list(self.sfn.get_paginator("list_executions").paginate(stateMachineArn=sm))
        self.assertEqual([len(p["executions"]) for p in pages], [100, 20])  # 100 by default
        items = [e for p in pages for e in p["executions"]]
        self.assertEqual([e["executionArn"] for e in items], list(reversed(arns)))
        self.assertEqual(set(items[0]), {"executionArn", "stateMachineArn", "name", "status", "startDate", "stopDate"})
        pages = list(self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=sm, PaginationConfig={"PageSize": 50}))
        self.assertEqual([len(p["executions"]) for p in pages], [50, 50, 20])
        self.assertEqual(self.sfn.list_executions(stateMachineArn=sm, statusFilter="RUNNING")["executions"], [])
        self.assertError(lambda: self.sfn.list_executions(stateMachineArn=sm, maxResults=1001), "ValidationException",
                         "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: "
                         "Member must have value less than or equal to 1000")
        self.assertError(lambda: self.sfn.list_executions(stateMachineArn=sm, nextToken="bogus"), "InvalidToken",
                         "Invalid Token: 'Invalid token'")
        self.assertError(lambda: self.sfn.list_executions(stateMachineArn=sm, statusFilter="PENDING_REDRIVE"),
                         "ValidationException")
        missing = f"{ARN}:stateMachine:{unique('missing')}"
        self.assertError(lambda: self.sfn.list_executions(stateMachineArn=missing), "StateMachineDoesNotExist",
                         f"State Machine Does Not Exist: '{missing}'")

    def test_get_execution_history_paginates_both_ways_and_can_leave_out_data(self):
        items = list(range(80))
        definition = {"StartAt": "Each", "States": {"Each": {
            "Type": "Map", "ItemsPath": "$.items", "End": True,
            "ItemProcessor": {"StartAt": "Double", "States": {"Double": {
                "Type": "Pass", "Parameters": {"v.$": "States.MathAdd($, $)"}, "End": True}}}}}}
        sm = self.create(definition)["stateMachineArn"]
        done = self.run_to_end(sm, input_text=json.dumps({"items": items}))
        self.assertEqual(json.loads(done["output"]), [{"v": 2 * i} for i in items])
        arn = done["executionArn"]
        pages = list(self.sfn.get_paginator("get_execution_history").paginate(
            executionArn=arn, PaginationConfig={"PageSize": 100}))
        events = [e for p in pages for e in p["events"]]
        self.assertGreater(len(events), 300)
        self.assertEqual(len(pages), (len(events) + 99) // 100)
        self.assertEqual([e["id"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual((events[0]["type"], events[-1]["type"]), ("ExecutionStarted", "ExecutionSucceeded"))
        self.assertEqual(sum(1 for e in events if e["type"] == "MapIterationStarted"), len(items))
        backwards = history(self.sfn, arn, reverseOrder=True, PaginationConfig={"PageSize": 37})
        self.assertEqual(backwards, list(reversed(events)))
        one_call = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)
        self.assertEqual((one_call["events"], one_call.get("nextToken")), (events, None))

        lean = history(self.sfn, arn, includeExecutionData=False)
        self.assertEqual([e["type"] for e in lean], [e["type"] for e in events])
        for e in lean:
            for member, details in e.items():
                if member.endswith("EventDetails"):
                    self.assertNotIn("input", details, e)
                    self.assertNotIn("output", details, e)
        started = events[0]["executionStartedEventDetails"]
        self.assertEqual(json.loads(started["input"]), {"items": items})
        self.assertError(lambda: self.sfn.get_execution_history(executionArn=arn, nextToken="bogus"), "InvalidToken")

    def test_stop_execution_aborts_the_running_task(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        wait_event(self.sfn, arn, "TaskSubmitted")
        stopped = self.sfn.stop_execution(executionArn=arn, error="Operator.Stop", cause="no longer needed")
        self.assertEqual(keys(stopped), {"stopDate"})
        d = wait_status(self.sfn, arn, "ABORTED")
        self.assertEqual((d["error"], d["cause"], d["stopDate"]), ("Operator.Stop", "no longer needed",
                                                                   stopped["stopDate"]))
        self.assertEqual(d["redriveStatus"], "REDRIVABLE")
        self.assertNotIn("output", d)
        events = history(self.sfn, arn)
        types = [e["type"] for e in events]
        self.assertEqual(types[-1], "ExecutionAborted")
        self.assertIn("TaskStateAborted", types)
        self.assertNotIn("TaskStateExited", types)
        self.assertEqual(events[-1]["executionAbortedEventDetails"], {"error": "Operator.Stop",
                                                                      "cause": "no longer needed"})
        # Without error and cause the details are empty.
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        wait_event(self.sfn, arn, "TaskSubmitted")
        self.sfn.stop_execution(executionArn=arn)
        wait_status(self.sfn, arn, "ABORTED")
        self.assertEqual(history(self.sfn, arn)[-1].get("executionAbortedEventDetails", {}), {})

    def test_describe_state_machine_for_execution_gives_the_revision_it_ran(self):
        name = unique("rev")
        sm = self.create(callback_definition(), name=name)["stateMachineArn"]
        old = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        wait_event(self.sfn, old, "TaskSubmitted")
        updated = self.sfn.update_state_machine(stateMachineArn=sm, definition=json.dumps(PASS))
        new = self.run_to_end(sm)["executionArn"]
        ran = self.sfn.describe_state_machine_for_execution(executionArn=old)
        self.assertEqual(json.loads(ran["definition"]), callback_definition())
        self.assertEqual((ran["stateMachineArn"], ran["name"], ran["roleArn"]), (sm, name, ROLE))
        self.assertIn("updateDate", ran)
        self.assertNotIn("revisionId", ran)  # the first revision has none
        ran = self.sfn.describe_state_machine_for_execution(executionArn=new)
        self.assertEqual(json.loads(ran["definition"]), PASS)
        self.assertEqual(ran["revisionId"], updated["revisionId"])
        # The running execution still runs the old definition to its end.
        self.sfn.send_task_success(taskToken=task_token(self.sfn, old), output='{"late": 1}')
        self.assertEqual(json.loads(wait_status(self.sfn, old, "SUCCEEDED")["output"]), {"reply": {"late": 1}})


    def test_timeouts_and_trace_header(self):
        # TimeoutSeconds 1 is 10 ms at time scale 0.01; the Wait is 1 s.
        sm = self.create({"StartAt": "W", "TimeoutSeconds": 1,
                          "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}})["stateMachineArn"]
        d = self.run_to_end(sm, traceHeader="Root=1-5759e988-bd862e3fe1be46a994272793")
        self.assertEqual(d["status"], "TIMED_OUT")
        self.assertEqual(d["traceHeader"], "Root=1-5759e988-bd862e3fe1be46a994272793")
        self.assertNotIn("output", d)
        self.assertEqual(d["redriveStatus"], "REDRIVABLE")
        events = history(self.sfn, d["executionArn"])
        self.assertEqual([e["type"] for e in events][-1], "ExecutionTimedOut")
        self.assertEqual(events[-1]["executionTimedOutEventDetails"].get("error"), "States.Timeout")
        self.assertEqual(self.sfn.list_executions(stateMachineArn=sm, statusFilter="TIMED_OUT")["executions"][0]
                         ["executionArn"], d["executionArn"])

    def test_payload_limits(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        big = json.dumps({"x": "y" * 262144})
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=sm, input=big), "ValidationException",
                         message_startswith="1 validation error detected: Value at 'input' failed to satisfy "
                                            "constraint: Member must have length less than or equal to 262144")
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        token = task_token(self.sfn, arn)
        self.assertError(lambda: self.sfn.send_task_success(taskToken=token, output=big), "ValidationException")
        self.sfn.send_task_success(taskToken=token, output=json.dumps({"x": "y" * 1000}))
        wait_status(self.sfn, arn, "SUCCEEDED")

    def test_deleting_a_machine_deletes_its_versions_and_aliases(self):
        created = self.create(PASS, publish=True)
        sm, v1 = created["stateMachineArn"], created["stateMachineVersionArn"]
        alias = self.sfn.create_state_machine_alias(
            name="current",
            routingConfiguration=[{"stateMachineVersionArn": v1, "weight": 100}])["stateMachineAliasArn"]
        self.assertEqual([a["stateMachineAliasArn"] for a in
                          self.sfn.list_state_machine_aliases(stateMachineArn=v1)["stateMachineAliases"]], [alias])
        self.sfn.delete_state_machine(stateMachineArn=sm)
        self.wait_deleted(sm)
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn=v1), "StateMachineDoesNotExist")
        self.assertError(lambda: self.sfn.describe_state_machine_alias(stateMachineAliasArn=alias),
                         "ResourceNotFound")
        self.assertError(lambda: self.sfn.start_execution(stateMachineArn=sm), "StateMachineDoesNotExist")


class Express(ApiTest):
    def test_start_execution_on_express_gives_an_express_arn_that_describe_refuses(self):
        name = unique("exp")
        sm = self.create(PASS, name=name, type="EXPRESS")["stateMachineArn"]
        started = self.sfn.start_execution(stateMachineArn=sm, name="run-1")
        arn = started["executionArn"]
        self.assertTrue(arn.startswith(f"{ARN}:express:{name}:run-1:"), arn)
        for call in (lambda: self.sfn.describe_execution(executionArn=arn),
                     lambda: self.sfn.get_execution_history(executionArn=arn),
                     lambda: self.sfn.stop_execution(executionArn=arn)):
            self.assertError(call, "InvalidArn", "Invalid Arn: 'Resource type not valid in this context: express'")
        self.assertError(lambda: self.sfn.list_executions(stateMachineArn=sm), "StateMachineTypeNotSupported",
                         "This operation is not supported by this type of state machine")
        # Express start is not idempotent: the same name starts another execution.
        self.assertNotEqual(self.sfn.start_execution(stateMachineArn=sm, name="run-1")["executionArn"], arn)

    def test_start_sync_execution(self):
        name = unique("sync")
        doubling = {"StartAt": "P", "States": {"P": {
            "Type": "Pass", "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"}, "End": True}}}
        sm = self.create(doubling, name=name, type="EXPRESS")["stateMachineArn"]
        r = self.sfn.start_sync_execution(stateMachineArn=sm, name="s1", input='{"n": 21}', traceHeader="Root=1-abc")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(keys(r), {"executionArn", "stateMachineArn", "name", "startDate", "stopDate", "status",
                                   "input", "inputDetails", "output", "outputDetails", "traceHeader",
                                   "billingDetails"})
        self.assertTrue(r["executionArn"].startswith(f"{ARN}:express:{name}:s1:"))
        self.assertEqual((r["stateMachineArn"], r["name"], r["status"]), (sm, "s1", "SUCCEEDED"))
        self.assertEqual((r["input"], json.loads(r["output"]), r["traceHeader"]), ('{"n": 21}', {"doubled": 42},
                                                                                  "Root=1-abc"))
        self.assertEqual(set(r["billingDetails"]), {"billedMemoryUsedInMB", "billedDurationInMilliseconds"})
        self.assertGreaterEqual(r["stopDate"], r["startDate"])

        failing = self.create(FAIL, type="EXPRESS")["stateMachineArn"]
        r = self.sfn.start_sync_execution(stateMachineArn=failing)
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 200)  # 200 although it failed
        self.assertEqual((r["status"], r["error"], r["cause"]), ("FAILED", "Boom", "it broke"))
        self.assertNotIn("output", r)
        self.assertIn("billingDetails", r)

        slow = self.create({"StartAt": "W", "TimeoutSeconds": 1,
                            "States": {"W": {"Type": "Wait", "Seconds": 100, "End": True}}},
                           type="EXPRESS")["stateMachineArn"]
        r = self.sfn.start_sync_execution(stateMachineArn=slow)
        self.assertEqual((r["ResponseMetadata"]["HTTPStatusCode"], r["status"]), (200, "TIMED_OUT"))
        self.assertNotIn("output", r)
        r = self.sfn.start_sync_execution(stateMachineArn=sm, input='{"n": 1}', includedData="METADATA_ONLY")
        self.assertEqual((r["status"], r["inputDetails"], r["outputDetails"]), ("SUCCEEDED", {"included": False},
                                                                             {"included": False}))
        self.assertNotIn("input", r)
        self.assertNotIn("output", r)

        standard = self.create(PASS)["stateMachineArn"]
        self.assertError(lambda: self.sfn.start_sync_execution(stateMachineArn=standard),
                         "StateMachineTypeNotSupported",
                         "This operation is not supported by this type of state machine")
        self.assertError(lambda: self.sfn.start_sync_execution(stateMachineArn=sm, input="{"), "InvalidExecutionInput")
        self.assertError(lambda: self.sfn.start_sync_execution(stateMachineArn=f"{ARN}:stateMachine:nope"),
                         "StateMachineDoesNotExist")


class Callbacks(ApiTest):
    def test_send_task_success_completes_the_task_once(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm, input='{"order": 7}')["executionArn"]
        scheduled = wait_event(self.sfn, arn, "TaskScheduled")["taskScheduledEventDetails"]
        self.assertEqual((scheduled["resourceType"], scheduled["resource"]), ("sqs", "sendMessage.waitForTaskToken"))
        params = json.loads(scheduled["parameters"])
        self.assertEqual(params["MessageBody"]["in"], {"order": 7})
        token = params["MessageBody"]["token"]
        self.assertEqual(keys(self.sfn.send_task_heartbeat(taskToken=token)), set())
        self.assertEqual(keys(self.sfn.send_task_success(taskToken=token, output='{"shipped": true}')), set())
        done = wait_status(self.sfn, arn, "SUCCEEDED")
        self.assertEqual(json.loads(done["output"]), {"order": 7, "reply": {"shipped": True}})
        events = history(self.sfn, arn)
        self.assertEqual([e["type"] for e in events], [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSubmitted", "TaskSucceeded",
            "TaskStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
        succeeded = next(e for e in events if e["type"] == "TaskSucceeded")["taskSucceededEventDetails"]
        self.assertEqual(json.loads(succeeded["output"]), {"shipped": True})
        closed = "Task Timed Out: 'The task token has either expired or the task associated with the token has " \
                 "already been closed.'"
        for call in (lambda: self.sfn.send_task_success(taskToken=token, output="{}"),
                     lambda: self.sfn.send_task_failure(taskToken=token),
                     lambda: self.sfn.send_task_heartbeat(taskToken=token)):
            self.assertError(call, "TaskTimedOut", closed)

    def test_send_task_failure_fails_the_execution(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        token = task_token(self.sfn, arn)
        self.assertEqual(keys(self.sfn.send_task_failure(taskToken=token, error="Rejected", cause="out of stock")),
                         set())
        failed = wait_status(self.sfn, arn, "FAILED")
        self.assertEqual((failed["error"], failed["cause"]), ("Rejected", "out of stock"))
        failed_event = wait_event(self.sfn, arn, "TaskFailed")["taskFailedEventDetails"]
        self.assertEqual(failed_event, {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken",
                                        "error": "Rejected", "cause": "out of stock"})
        # Without an error name, TaskFailed carries none.
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        self.sfn.send_task_failure(taskToken=task_token(self.sfn, arn), cause="why")
        wait_status(self.sfn, arn, "FAILED")
        self.assertNotIn("error", wait_event(self.sfn, arn, "TaskFailed")["taskFailedEventDetails"])
        # Nor a cause without one; the execution then fails with neither.
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        self.sfn.send_task_failure(taskToken=task_token(self.sfn, arn))
        wait_status(self.sfn, arn, "FAILED")
        self.assertEqual(wait_event(self.sfn, arn, "TaskFailed")["taskFailedEventDetails"],
                         {"resourceType": "sqs", "resource": "sendMessage.waitForTaskToken"})
        described = self.sfn.describe_execution(executionArn=arn)
        self.assertNotIn("error", described)
        self.assertNotIn("cause", described)

    def test_bad_tokens_and_outputs(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        token = task_token(self.sfn, arn)
        for call in (lambda: self.sfn.send_task_success(taskToken="not-a-token", output="{}"),
                     lambda: self.sfn.send_task_failure(taskToken="not-a-token"),
                     lambda: self.sfn.send_task_heartbeat(taskToken="not-a-token")):
            self.assertError(call, "InvalidToken", "Invalid Token: 'Invalid token'")
        self.assertError(lambda: self.sfn.send_task_success(taskToken=token, output="not json"), "InvalidOutput",
                         message_startswith="Invalid Output: '")
        self.sfn.stop_execution(executionArn=arn)

    def test_heartbeats_keep_a_task_alive_and_their_absence_times_it_out(self):
        # HeartbeatSeconds 100 is 1 s at time scale 0.01.
        sm = self.create(callback_definition(HeartbeatSeconds=100))["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        token = task_token(self.sfn, arn)
        until = time.monotonic() + 2.5
        while time.monotonic() < until:  # heartbeats well inside the 1 s window, for 2.5 s
            self.sfn.send_task_heartbeat(taskToken=token)
            time.sleep(0.1)
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["status"], "RUNNING")
        self.sfn.send_task_success(taskToken=token, output='{"alive": true}')
        wait_status(self.sfn, arn, "SUCCEEDED")

        # HeartbeatSeconds 1 is 10 ms: without heartbeats the task times out.
        sm = self.create(callback_definition(HeartbeatSeconds=1))["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        token = task_token(self.sfn, arn)
        failed = wait_status(self.sfn, arn, "FAILED")
        self.assertEqual(failed["error"], "States.Timeout")
        timed_out = wait_event(self.sfn, arn, "TaskTimedOut")["taskTimedOutEventDetails"]
        self.assertEqual((timed_out["resourceType"], timed_out["resource"], timed_out["error"]),
                         ("sqs", "sendMessage.waitForTaskToken", "States.Timeout"))
        self.assertError(lambda: self.sfn.send_task_success(taskToken=token, output="{}"), "TaskTimedOut")


class Activities(ApiTest):
    def test_create_describe_list_delete(self):
        name = unique("act.v2")
        created = self.sfn.create_activity(name=name, tags=[{"key": "a", "value": "1"}])
        self.assertEqual(keys(created), {"activityArn", "creationDate"})
        arn = created["activityArn"]
        self.assertEqual(arn, f"{ARN}:activity:{name}")
        again = self.sfn.create_activity(name=name, tags=[{"key": "other", "value": "2"}])
        self.assertEqual((again["activityArn"], again["creationDate"]), (arn, created["creationDate"]))
        self.assertEqual(self.sfn.list_tags_for_resource(resourceArn=arn)["tags"], [{"key": "a", "value": "1"}])
        d = self.sfn.describe_activity(activityArn=arn)
        self.assertEqual((d["activityArn"], d["name"], d["creationDate"]), (arn, name, created["creationDate"]))
        self.assertEqual(keys(d) - {"encryptionConfiguration"}, {"activityArn", "name", "creationDate"})
        self.assertError(lambda: self.sfn.create_activity(name="bad name"), "InvalidName", "Invalid Name: 'bad name'")
        self.assertError(lambda: self.sfn.create_activity(name=unique("t"), tags=[{"key": f"k{i}", "value": ""}
                                                                                  for i in range(51)]),
                         "TooManyTags")

        prefix = unique("acts")
        made = {self.sfn.create_activity(name=f"{prefix}-{i}")["activityArn"] for i in range(5)}
        pages = list(self.sfn.get_paginator("list_activities").paginate(PaginationConfig={"PageSize": 2}))
        self.assertGreaterEqual(len(pages), 3)
        listed = [a for p in pages for a in p["activities"]]
        self.assertEqual(len(listed), len({a["activityArn"] for a in listed}))
        self.assertEqual({a["activityArn"] for a in listed if a["name"].startswith(prefix + "-")}, made)
        self.assertEqual(set(listed[0]), {"activityArn", "name", "creationDate"})

        self.assertEqual(keys(self.sfn.delete_activity(activityArn=arn)), set())
        self.sfn.delete_activity(activityArn=arn)  # a missing activity deletes fine
        self.assertError(lambda: self.sfn.describe_activity(activityArn=arn), "ActivityDoesNotExist",
                         f"Activity Does Not Exist: '{arn}'")
        self.assertError(lambda: self.sfn.get_activity_task(activityArn=arn), "ActivityDoesNotExist",
                         f"Activity Does Not Exist: '{arn}'")
        self.assertError(lambda: self.sfn.describe_activity(activityArn=f"{ARN}:stateMachine:x"), "InvalidArn")

    def test_a_waiting_poll_gets_the_task_scheduled_meanwhile(self):
        activity = self.sfn.create_activity(name=unique("work"))["activityArn"]
        definition = {"StartAt": "Work", "States": {"Work": {
            "Type": "Task", "Resource": activity, "Parameters": {"job.$": "$.job"}, "End": True}}}
        sm = self.create(definition)["stateMachineArn"]
        answer, took = {}, {}

        def worker():
            t0 = time.monotonic()
            answer.update(client(SERVER).get_activity_task(activityArn=activity, workerName="worker-1"))
            took["s"] = time.monotonic() - t0

        poller = threading.Thread(target=worker)
        poller.start()
        try:
            time.sleep(0.3)  # usually the poll is waiting by now; either order must work
            arn = self.sfn.start_execution(stateMachineArn=sm, input='{"job": "resize"}')["executionArn"]
        finally:
            poller.join(timeout=DEADLINE)
        self.assertFalse(poller.is_alive(), "the poll was not answered when the task arrived")
        self.assertLess(took["s"], 30)
        self.assertEqual(json.loads(answer["input"]), {"job": "resize"})
        token = answer["taskToken"]
        started = wait_event(self.sfn, arn, "ActivityStarted")
        self.assertEqual(started["activityStartedEventDetails"], {"workerName": "worker-1"})
        scheduled = wait_event(self.sfn, arn, "ActivityScheduled")["activityScheduledEventDetails"]
        self.assertEqual((scheduled["resource"], json.loads(scheduled["input"])), (activity, {"job": "resize"}))
        self.sfn.send_task_success(taskToken=token, output='{"resized": true}')
        self.assertEqual(json.loads(wait_status(self.sfn, arn, "SUCCEEDED")["output"]), {"resized": True})
        types = [e["type"] for e in history(self.sfn, arn)]
        self.assertEqual(types, ["ExecutionStarted", "TaskStateEntered", "ActivityScheduled", "ActivityStarted",
                                 "ActivitySucceeded", "TaskStateExited", "ExecutionSucceeded"])

        # A task already queued is handed out at once; a worker without a name leaves workerName out.
        arn = self.sfn.start_execution(stateMachineArn=sm, input='{"job": "crop"}')["executionArn"]
        wait_event(self.sfn, arn, "ActivityScheduled")
        task = self.sfn.get_activity_task(activityArn=activity)
        self.assertEqual(json.loads(task["input"]), {"job": "crop"})
        self.assertEqual(wait_event(self.sfn, arn, "ActivityStarted").get("activityStartedEventDetails", {}), {})
        self.sfn.send_task_failure(taskToken=task["taskToken"], error="Crop.Failed", cause="bad image")
        failed = wait_status(self.sfn, arn, "FAILED")
        self.assertEqual((failed["error"], failed["cause"]), ("Crop.Failed", "bad image"))
        self.assertEqual(wait_event(self.sfn, arn, "ActivityFailed")["activityFailedEventDetails"],
                         {"error": "Crop.Failed", "cause": "bad image"})

    def test_activity_heartbeat_timeout(self):
        activity = self.sfn.create_activity(name=unique("slow"))["activityArn"]
        sm = self.create({"StartAt": "Work", "States": {"Work": {
            "Type": "Task", "Resource": activity, "HeartbeatSeconds": 1, "End": True}}})["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        task = self.sfn.get_activity_task(activityArn=activity, workerName="w")
        self.assertTrue(task["taskToken"])
        failed = wait_status(self.sfn, arn, "FAILED")
        self.assertEqual(failed["error"], "States.Timeout")
        self.assertEqual(wait_event(self.sfn, arn, "ActivityTimedOut")["activityTimedOutEventDetails"]["error"],
                         "States.Timeout")
        self.assertError(lambda: self.sfn.send_task_heartbeat(taskToken=task["taskToken"]), "TaskTimedOut")


class Redrive(ApiTest):
    def test_a_fixed_function_reruns_from_the_failed_state(self):
        definition = {"StartAt": "Prepare", "States": {
            "Prepare": {"Type": "Pass", "Parameters": {"id.$": "$.id"}, "Next": "Call"},
            "Call": {"Type": "Task", "Resource": FLAKY, "End": True}}}
        sm = self.create(definition)["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm, name="redrive-me", input='{"id": 5}')["executionArn"]
        failed = wait_status(self.sfn, arn, "FAILED")
        self.assertEqual(failed["error"], "FlakyError")
        self.assertEqual(failed["redriveStatus"], "REDRIVABLE")
        before = history(self.sfn, arn)

        redriven = self.sfn.redrive_execution(executionArn=arn)
        self.assertEqual(keys(redriven), {"redriveDate"})
        done = wait_status(self.sfn, arn, "SUCCEEDED")
        self.assertEqual(json.loads(done["output"]), {"fixed": True, "call": 2, "event": {"id": 5}})
        self.assertEqual((done["redriveCount"], done["redriveDate"]), (1, redriven["redriveDate"]))
        self.assertEqual(done["startDate"], failed["startDate"])
        after = history(self.sfn, arn)
        self.assertEqual(after[:len(before)], before)  # the old history is kept
        new = [e["type"] for e in after[len(before):]]
        self.assertEqual(new[0], "ExecutionRedriven")
        self.assertEqual(after[len(before)]["executionRedrivenEventDetails"], {"redriveCount": 1})
        self.assertNotIn("PassStateEntered", new)  # Prepare is not run again
        self.assertEqual(new[-1], "ExecutionSucceeded")
        self.assertIn("TaskStateEntered", new)

        listed = self.sfn.list_executions(stateMachineArn=sm)["executions"]
        self.assertEqual((listed[0]["redriveCount"], listed[0]["redriveDate"]), (1, redriven["redriveDate"]))
        self.assertEqual([e["name"] for e in self.sfn.list_executions(stateMachineArn=sm, redriveFilter="REDRIVEN")
                          ["executions"]], ["redrive-me"])
        self.assertEqual(self.sfn.list_executions(stateMachineArn=sm, redriveFilter="NOT_REDRIVEN")["executions"], [])
        self.assertError(lambda: self.sfn.redrive_execution(executionArn=arn), "ExecutionNotRedrivable",
                         message_startswith="Execution not redrivable")

    def test_a_redrive_with_the_same_client_token_is_answered_once(self):
        sm = self.create({"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Always"}}})["stateMachineArn"]
        arn = self.run_to_end(sm)["executionArn"]
        first = self.sfn.redrive_execution(executionArn=arn, clientToken="retry-button-1")
        failed = poll(lambda: self.sfn.describe_execution(executionArn=arn),
                      lambda d: d["status"] == "FAILED" and d["redriveCount"] == 1, "the redriven run to fail")
        self.assertEqual(failed["redriveDate"], first["redriveDate"])
        again = self.sfn.redrive_execution(executionArn=arn, clientToken="retry-button-1")
        self.assertEqual(again["redriveDate"], first["redriveDate"])
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["redriveCount"], 1)
        types = [e["type"] for e in history(self.sfn, arn)]
        self.assertEqual(types.count("ExecutionRedriven"), 1)
        self.sfn.redrive_execution(executionArn=arn, clientToken="retry-button-2")
        poll(lambda: self.sfn.describe_execution(executionArn=arn),
             lambda d: d["status"] == "FAILED" and d["redriveCount"] == 2, "the second redrive to fail")

    def test_a_stopped_callback_is_redriven_with_a_new_token(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm, input='{"x": 1}')["executionArn"]
        old_token = task_token(self.sfn, arn)
        self.sfn.stop_execution(executionArn=arn)
        self.assertEqual(wait_status(self.sfn, arn, "ABORTED")["redriveStatus"], "REDRIVABLE")
        self.sfn.redrive_execution(executionArn=arn)
        events = poll(lambda: history(self.sfn, arn),
                      lambda h: [e["type"] for e in h].count("TaskSubmitted") == 2, "the task to be submitted again")
        types = [e["type"] for e in events]
        self.assertEqual(types[types.index("ExecutionAborted"):], [
            "ExecutionAborted", "ExecutionRedriven", "TaskStateEntered", "TaskScheduled", "TaskStarted",
            "TaskSubmitted"])
        new_token = json.loads([e for e in events if e["type"] == "TaskScheduled"][-1]["taskScheduledEventDetails"]
                               ["parameters"])["MessageBody"]["token"]
        self.assertNotEqual(new_token, old_token)
        self.assertError(lambda: self.sfn.send_task_success(taskToken=old_token, output="{}"), "TaskTimedOut")
        self.sfn.send_task_success(taskToken=new_token, output='{"y": 2}')
        done = wait_status(self.sfn, arn, "SUCCEEDED")
        self.assertEqual((json.loads(done["output"]), done["redriveCount"]), ({"x": 1, "reply": {"y": 2}}, 1))
        self.assertNotIn("error", done)

    def test_executions_of_a_deleted_machine_are_not_redrivable(self):
        sm = self.create(FAIL)["stateMachineArn"]
        arn = self.run_to_end(sm)["executionArn"]
        self.sfn.delete_state_machine(stateMachineArn=sm)
        self.wait_deleted(sm)
        d = self.sfn.describe_execution(executionArn=arn)
        self.assertEqual((d["status"], d["redriveStatus"], d["redriveStatusReason"]),
                         ("FAILED", "NOT_REDRIVABLE", "State machine is in DELETING status"))
        self.assertError(lambda: self.sfn.redrive_execution(executionArn=arn), "ExecutionNotRedrivable",
                         "Execution not redrivable: State machine is in DELETING status")
        self.assertEqual(self.sfn.describe_execution(executionArn=arn)["redriveCount"], 0)

    def test_running_and_express_executions_are_not_redrivable(self):
        sm = self.create(callback_definition())["stateMachineArn"]
        arn = self.sfn.start_execution(stateMachineArn=sm)["executionArn"]
        self.assertError(lambda: self.sfn.redrive_execution(executionArn=arn), "ExecutionNotRedrivable")
        self.sfn.stop_execution(executionArn=arn)
        express = self.create(PASS, type="EXPRESS")["stateMachineArn"]
        express_arn = self.sfn.start_execution(stateMachineArn=express)["executionArn"]
        self.assertError(lambda: self.sfn.redrive_execution(executionArn=express_arn), "InvalidArn")


class TestState(ApiTest):
    def test_info_debug_and_mocks(self):
        state = {"Type": "Pass", "InputPath": "$.in", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"},
                 "ResultPath": "$.out", "Next": "Following"}
        r = self.sfn.test_state(definition=json.dumps(state), input='{"in": {"a": 1, "b": 2}}')
        self.assertEqual(keys(r), {"output", "nextState", "status"})
        # ResultPath places the result into the raw state input, not the InputPath selection.
        self.assertEqual((json.loads(r["output"]), r["nextState"], r["status"]),
                         ({"in": {"a": 1, "b": 2}, "out": {"sum": 3}}, "Following", "SUCCEEDED"))
        r = self.sfn.test_state(definition=json.dumps(state), input='{"in": {"a": 1, "b": 2}}',
                                inspectionLevel="DEBUG")
        data = r["inspectionData"]
        self.assertEqual(json.loads(data["input"]), {"in": {"a": 1, "b": 2}})
        self.assertEqual(json.loads(data["afterInputPath"]), {"a": 1, "b": 2})
        self.assertEqual(json.loads(data["afterParameters"]), {"sum": 3})
        self.assertEqual(json.loads(data["afterResultPath"]), {"in": {"a": 1, "b": 2}, "out": {"sum": 3}})

        task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "anything", "Payload.$": "$"}, "OutputPath": "$.Payload",
                "Catch": [{"ErrorEquals": ["Oops"], "Next": "Handle"}], "End": True}
        r = self.sfn.test_state(definition=json.dumps(task), input='{"x": 1}',
                                mock={"result": json.dumps({"Payload": {"answer": 42}, "StatusCode": 200})})
        self.assertEqual((r["status"], json.loads(r["output"])), ("SUCCEEDED", {"answer": 42}))
        self.assertNotIn("nextState", r)
        r = self.sfn.test_state(definition=json.dumps(task), input='{"x": 1}',
                                mock={"errorOutput": {"error": "Oops", "cause": "mocked"}})
        self.assertEqual((r["status"], r["nextState"], r["error"], r["cause"]), ("CAUGHT_ERROR", "Handle", "Oops",
                                                                                 "mocked"))
        fail = {"Type": "Fail", "Error": "E", "Cause": "C"}
        r = self.sfn.test_state(definition=json.dumps(fail))
        self.assertEqual((r["status"], r["error"], r["cause"]), ("FAILED", "E", "C"))

        # A whole machine with stateName.
        machine = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1, "Next": "B"},
                                              "B": {"Type": "Pass", "End": True}}}
        r = self.sfn.test_state(definition=json.dumps(machine), stateName="A")
        self.assertEqual((r["output"], r["nextState"]), ("1", "B"))

    def test_errors(self):
        parallel = {"Type": "Parallel", "Branches": [PASS], "End": True}
        self.assertError(lambda: self.sfn.test_state(definition=json.dumps(parallel)), "InvalidDefinition",
                         message_startswith="TestState API does not support Map or Parallel states.")
        task = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "f"}, "End": True}
        self.assertError(lambda: self.sfn.test_state(definition=json.dumps(task)), "ValidationException",
                         "RoleArn must be specified when testing a Task state")
        self.assertError(lambda: self.sfn.test_state(
            definition=json.dumps(task), mock={"result": "{}", "errorOutput": {"error": "E"}}),
            "ValidationException", "A test mock should have only one of the following fields: [result, errorOutput].")
        pass_state = {"Type": "Pass", "End": True}
        self.assertError(lambda: self.sfn.test_state(definition=json.dumps(pass_state), mock={"result": "{}"}),
                         "ValidationException", "State type 'Pass' is not supported when a mock is specified")
        self.assertError(lambda: self.sfn.test_state(definition=json.dumps(pass_state), input="{"),
                         "InvalidExecutionInput")


class Protocol(ApiTest):
    def test_unknown_target_is_unknown_operation(self):
        status, headers, body = raw_call(SERVER, "AWSStepFunctions.DoSomethingElse", b"{}")
        self.assertEqual(status, 400)
        self.assertIn("x-amzn-RequestId", headers)
        self.assertEqual(json.loads(body)["__type"].split("#")[-1], "UnknownOperationException")
        status, _, body = raw_call(SERVER, "SomeOtherService.ListStateMachines", b"{}")
        self.assertEqual((status, json.loads(body)["__type"].split("#")[-1]), (400, "UnknownOperationException"))

    def test_malformed_json_is_a_serialization_exception(self):
        for bad in (b'{"maxResults": ', b"not json", b"[1, 2]"):
            with self.subTest(bad):
                status, _, body = raw_call(SERVER, "AWSStepFunctions.ListStateMachines", bad)
                error = json.loads(body)
                self.assertEqual((status, error["__type"].split("#")[-1]), (400, "SerializationException"))
                self.assertTrue(error["message"])
        status, _, body = raw_call(SERVER, "AWSStepFunctions.ListStateMachines", b"")  # empty body is {}
        self.assertEqual(status, 200)
        self.assertIn("stateMachines", json.loads(body))

    def test_errors_have_the_awsjson_shape(self):
        status, headers, body = raw_call(SERVER, "AWSStepFunctions.DescribeStateMachine",
                                         json.dumps({"stateMachineArn": f"{ARN}:stateMachine:nope"}).encode())
        self.assertEqual(status, 400)
        self.assertEqual(headers["Content-Type"], "application/x-amz-json-1.0")
        error = json.loads(body)
        self.assertEqual(error["__type"], "com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist")
        self.assertNotIn(":", error["__type"])
        name = unique("wire")
        status, headers, body = raw_call(SERVER, "AWSStepFunctions.CreateStateMachine", json.dumps(
            {"name": name, "definition": json.dumps(PASS), "roleArn": ROLE}).encode())
        created = json.loads(body)
        self.assertEqual(status, 200)
        self.assertTrue(headers["x-amzn-RequestId"])
        self.assertIsInstance(created["creationDate"], (int, float))  # epoch seconds, not a string
        self.assertLess(abs(created["creationDate"] - time.time()), 300)
        status, _, body = raw_call(SERVER, "AWSStepFunctions.ListStateMachines", b'{"maxResults": 1001}')
        self.assertEqual(json.loads(body)["__type"], "com.amazon.coral.validate#ValidationException")

    def test_members_are_checked_as_coral_does(self):
        # What boto3 would refuse to send, sent anyway.
        status, _, body = raw_call(SERVER, "AWSStepFunctions.CreateStateMachine", b'{"name": "x"}')
        self.assertEqual((status, json.loads(body)), (400, {
            "__type": "com.amazon.coral.validate#ValidationException",
            "message": "2 validation errors detected: Value null at 'definition' failed to satisfy constraint: Member "
                       "must not be null; Value null at 'roleArn' failed to satisfy constraint: Member must not be "
                       "null"}))
        status, _, body = raw_call(SERVER, "AWSStepFunctions.ListStateMachines", b'{"maxResults": -1}')
        self.assertEqual((status, json.loads(body)["message"]), (400, (
            "1 validation error detected: Value '-1' at 'maxResults' failed to satisfy constraint: Member must have "
            "value greater than or equal to 0")))
        status, _, body = raw_call(SERVER, "AWSStepFunctions.ListStateMachines", b'{"maxResults": "ten"}')
        self.assertEqual((status, json.loads(body)["__type"]), (400, "SerializationException"))

    def test_a_body_over_one_megabyte_is_refused_with_413(self):
        body = json.dumps({"name": "huge", "definition": json.dumps(PASS), "roleArn": ROLE,
                           "padding": "x" * (2 << 20)}).encode()
        try:
            status, _, _ = raw_call(SERVER, "AWSStepFunctions.CreateStateMachine", body)
        except (BrokenPipeError, ConnectionResetError):
            self.fail("the server closed the connection instead of answering 413")
        self.assertEqual(status, 413)
        self.assertError(lambda: self.sfn.describe_state_machine(stateMachineArn=f"{ARN}:stateMachine:huge"),
                         "StateMachineDoesNotExist")
        # A definition over the model's 1,048,576 characters is the validator's to refuse.
        huge = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "x" * (1 << 20),
                                                             "End": True}}})
        self.assertError(lambda: self.create(huge, name="huge"), "ValidationException",
                         "1 validation error detected: Value at 'definition' failed to satisfy constraint: Member "
                         "must have length less than or equal to 1048576")

    def test_map_run_actions_answer_validation_exception(self):
        run = f"{ARN}:mapRun:sm/label:1"
        for call in (lambda: self.sfn.list_map_runs(executionArn=f"{ARN}:execution:sm:e"),
                     lambda: self.sfn.describe_map_run(mapRunArn=run),
                     lambda: self.sfn.update_map_run(mapRunArn=run, maxConcurrency=1)):
            self.assertError(call, "ValidationException")

    def test_any_host_header_is_accepted(self):
        # The "sync-" host prefix of StartSyncExecution and TestState, as a wildcard DNS name sends it.
        status, _, body = raw_call(SERVER, "AWSStepFunctions.TestState",
                                   json.dumps({"definition": '{"Type":"Pass","End":true}', "input": "{}"}).encode(),
                                   headers={"Host": "sync-states.localtest.me"})
        self.assertEqual((status, json.loads(body)["status"]), (200, "SUCCEEDED"))


def snapshot(sfn, arns):
    """What a user sees of the resources and executions in `arns`."""
    def bare(response):
        response.pop("ResponseMetadata", None)
        return response
    return {
        "state machine": bare(sfn.describe_state_machine(stateMachineArn=arns["sm"])),
        "version": bare(sfn.describe_state_machine(stateMachineArn=arns["version"])),
        "versions": sfn.list_state_machine_versions(stateMachineArn=arns["sm"])["stateMachineVersions"],
        "alias": bare(sfn.describe_state_machine_alias(stateMachineAliasArn=arns["alias"])),
        "aliases": sfn.list_state_machine_aliases(stateMachineArn=arns["sm"])["stateMachineAliases"],
        "express": bare(sfn.describe_state_machine(stateMachineArn=arns["express"])),
        "activity": bare(sfn.describe_activity(activityArn=arns["activity"])),
        "state machine tags": sfn.list_tags_for_resource(resourceArn=arns["sm"])["tags"],
        "activity tags": sfn.list_tags_for_resource(resourceArn=arns["activity"])["tags"],
        "executions": sfn.list_executions(stateMachineArn=arns["sm"])["executions"],
        "by alias": sfn.list_executions(stateMachineArn=arns["alias"])["executions"],
        "done": bare(sfn.describe_execution(executionArn=arns["done"])),
        "done history": history(sfn, arns["done"]),
        "done ran": bare(sfn.describe_state_machine_for_execution(executionArn=arns["done"])),
        "waiting": bare(sfn.describe_execution(executionArn=arns["waiting"])),
        "waiting history": history(sfn, arns["waiting"]),
    }


class Restart(unittest.TestCase):
    """Everything a user made is still there after the server restarts on the same data."""

    def test_resources_and_executions_survive_a_restart(self):
        with tempfile.TemporaryDirectory(prefix="sg-restart-") as data:
            server = Server(data_dir=data, extra_args=["--time-scale", "0.01"])
            server.start()
            try:
                self.check_restart(server)
            finally:
                server.close()

    def check_restart(self, server):
        sfn = client(server)
        created = sfn.create_state_machine(name="keep", definition=json.dumps(callback_definition()), roleArn=ROLE,
                                           publish=True, versionDescription="v1",
                                           tags=[{"key": "team", "value": "core"}])
        arns = {"sm": created["stateMachineArn"], "version": created["stateMachineVersionArn"]}
        arns["alias"] = sfn.create_state_machine_alias(
            name="prod", description="production",
            routingConfiguration=[{"stateMachineVersionArn": arns["version"], "weight": 100}])["stateMachineAliasArn"]
        arns["activity"] = sfn.create_activity(name="keep-work", tags=[{"key": "k", "value": "v"}])["activityArn"]
        arns["express"] = sfn.create_state_machine(name="keep-express", definition=json.dumps(PASS), roleArn=ROLE,
                                                   type="EXPRESS")["stateMachineArn"]
        arns["done"] = sfn.start_execution(stateMachineArn=arns["alias"], name="done")["executionArn"]
        sfn.send_task_success(taskToken=task_token(sfn, arns["done"]), output='{"r": 1}')
        wait_status(sfn, arns["done"], "SUCCEEDED")
        sfn.update_state_machine(stateMachineArn=arns["sm"], definition=json.dumps(PASS))
        arns["waiting"] = sfn.start_execution(stateMachineArn=arns["version"], name="waiting",
                                              input='{"w": 1}')["executionArn"]
        token = task_token(sfn, arns["waiting"])
        before = snapshot(sfn, arns)

        # A worker polling while the server shuts down gets "no task", not a dropped call.
        polled = {}

        def poll_activity():
            try:
                polled.update(client(server).get_activity_task(activityArn=arns["activity"], workerName="late"))
            except EndpointConnectionError:
                polled["never connected"] = True  # the server had stopped listening: fine
            except Exception as e:  # noqa: BLE001 - reported by the assertion below
                polled["error"] = repr(e)

        poller = threading.Thread(target=poll_activity)
        poller.start()
        time.sleep(0.3)  # usually the poll is waiting by now; either order must work
        self.assertEqual(server.stop(), 0)
        poller.join(timeout=DEADLINE)
        self.assertFalse(poller.is_alive())
        self.assertNotIn("error", polled)
        self.assertFalse(polled.get("taskToken"), polled)

        server.start()
        sfn = client(server)
        self.assertEqual(snapshot(sfn, arns), before)
        # The waiting execution still takes its token, and the version and alias still start.
        sfn.send_task_success(taskToken=token, output='{"after": "restart"}')
        self.assertEqual(json.loads(wait_status(sfn, arns["waiting"], "SUCCEEDED")["output"]),
                         {"w": 1, "reply": {"after": "restart"}})
        again = sfn.start_execution(stateMachineArn=arns["alias"])["executionArn"]
        self.assertEqual(sfn.describe_execution(executionArn=again)["stateMachineAliasArn"], arns["alias"])
        sfn.stop_execution(executionArn=again)
        self.assertEqual(json.loads(sfn.describe_state_machine(stateMachineArn=arns["sm"])["definition"]), PASS)
        self.assertEqual(server.stop(), 0)


def check_every_action_was_called():
    model = set(botocore.session.get_session().get_service_model("stepfunctions").operation_names)
    return sorted(model - CALLED)


if __name__ == "__main__":
    program = unittest.main(exit=False, verbosity=1)
    ok = program.result.wasSuccessful()
    if ok and len(sys.argv) == 1:  # the whole file ran: every model action must have been exercised
        missing = check_every_action_was_called()
        if missing:
            print(f"FAIL: actions never called: {missing}", file=sys.stderr)
            ok = False
    sys.exit(0 if ok else 1)
