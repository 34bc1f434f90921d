#!/usr/bin/env python3
"""End-to-end test of examples/seed-002-patch-report through the API.

The example folder is copied to a temporary directory; its stepguard.yaml is served as the
README says, with the topic's webhook pointed at a small HTTP server run by this test.
boto3 starts executions under the mock config's test cases (`ARN#TestCase`): the
Systems Manager call is mocked, the SNS publish is real and delivers SNS's notification
JSON to the webhook and the file channel.
"""
import json
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ROLE, Server, sfn_client  # noqa: E402

EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                       "seed-002-patch-report")
TOPIC = "arn:aws:sns:us-east-1:123456789012:patch-report"
INSTANCE = "i-0123456789abcdef0"
DEADLINE = 15


class Webhook:
    """Collects the POSTs it receives: (path, headers, body) on a queue."""

    def __init__(self):
        received = self.received = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.put((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class PatchReportExampleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.webhook = Webhook()
        cls.tmp = tempfile.TemporaryDirectory(prefix="sg-example-")
        cls.folder = os.path.join(cls.tmp.name, "example")
        shutil.copytree(EXAMPLE, cls.folder, ignore=shutil.ignore_patterns("stepguard-data", "*.jsonl"))
        config = os.path.join(cls.folder, "stepguard.yaml")
        with open(config) as f:
            text = f.read()
        assert "http://127.0.0.1:9000/sns" in text
        with open(config, "w") as f:
            f.write(text.replace("http://127.0.0.1:9000/sns", f"http://127.0.0.1:{cls.webhook.port}/sns"))
        cls.server = Server(extra_args=["--config", config])
        cls.server.start()
        cls.sfn = sfn_client(cls.server)
        with open(os.path.join(cls.folder, "patch-report.asl.json")) as f:
            cls.arn = cls.sfn.create_state_machine(name="patch-report", definition=f.read(),
                                                   roleArn=ROLE)["stateMachineArn"]

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop()
        finally:
            cls.server.close()
            cls.webhook.close()
            cls.tmp.cleanup()

    def run_case(self, test_case):
        with open(os.path.join(self.folder, "input.json")) as f:
            arn = self.sfn.start_execution(stateMachineArn=f"{self.arn}#{test_case}", input=f.read())["executionArn"]
        deadline = time.time() + DEADLINE
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=arn)
            if d["status"] != "RUNNING":
                events = self.sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
                return d, events
            time.sleep(0.05)
        self.fail(f"{arn} did not end:\n{self.server.log()}")

    def next_notification(self):
        try:
            return self.webhook.received.get(timeout=DEADLINE)
        except queue.Empty:
            self.fail("the webhook received nothing:\n" + self.server.log())

    def file_lines(self):
        path = os.path.join(self.folder, "patch-report.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def test_pending_patches_reach_the_webhook_as_an_sns_notification(self):
        d, events = self.run_case("PatchesPending")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        out = json.loads(d["output"])
        self.assertEqual(out["report"]["patchCount"], 3)

        path, headers, body = self.next_notification()
        self.assertEqual(path, "/sns")
        self.assertEqual(headers["x-amz-sns-message-type"], "Notification")
        self.assertEqual(headers["x-amz-sns-topic-arn"], TOPIC)
        note = json.loads(body)
        self.assertEqual(note["Type"], "Notification")
        self.assertEqual(note["TopicArn"], TOPIC)
        self.assertEqual(note["Subject"], f"Patches to be installed on {INSTANCE}")
        self.assertEqual(note["MessageId"], out["notification"]["messageId"])
        self.assertEqual(headers["x-amz-sns-message-id"], note["MessageId"])
        self.assertEqual(note["MessageAttributes"], {"instanceId": {"Type": "String", "Value": INSTANCE}})
        self.assertRegex(note["Timestamp"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # The message is the report (a JSON object sent as its compact serialisation).
        report = json.loads(note["Message"])
        self.assertEqual(report["instanceId"], INSTANCE)
        self.assertEqual(report["patchCount"], 3)
        self.assertEqual([p["KBId"] for p in report["patches"]], ["KB5034129", "KB5033909", "KB4052623"])
        self.assertEqual({p["State"] for p in report["patches"]}, {"MISSING"})
        self.assertEqual(report["patches"][0]["Severity"], "Critical")

        # The mocked Systems Manager call appears in the history as the service's answer.
        sdk = [json.loads(e["taskSucceededEventDetails"]["output"]) for e in events
               if e["type"] == "TaskSucceeded" and e["taskSucceededEventDetails"]["resourceType"] == "aws-sdk:ssm"]
        self.assertEqual(len(sdk), 1)
        self.assertEqual(len(sdk[0]["Patches"]), 3)

        # The file channel got the same notification (as another subscription of the topic).
        deadline = time.time() + DEADLINE
        while not any(n["MessageId"] == note["MessageId"] for n in self.file_lines()) and time.time() < deadline:
            time.sleep(0.05)
        line = next(n for n in self.file_lines() if n["MessageId"] == note["MessageId"])
        self.assertNotEqual(line.pop("UnsubscribeURL"), note.pop("UnsubscribeURL"))
        self.assertEqual(line, note)

        # Deliveries are counted on the server's /metrics, per channel kind.
        import urllib.request
        with urllib.request.urlopen(self.server.url + "/metrics") as r:
            metrics = r.read().decode()
        for kind in ("webhook", "file"):
            line = f'stepguard_notifications_total{{channel="{kind}",outcome="delivered"}} '
            counts = [float(m[len(line):]) for m in metrics.splitlines() if m.startswith(line)]
            self.assertEqual(len(counts), 1, kind)
            self.assertGreaterEqual(counts[0], 1, kind)

    def test_ssm_error_fails_the_execution_and_notifies_nobody(self):
        before = len(self.file_lines())
        d, _ = self.run_case("InstanceUnknown")
        self.assertEqual(d["status"], "FAILED", d)
        self.assertEqual(d["error"], "Ssm.InvalidInstanceIdException")
        self.assertIn("is not valid", d["cause"])
        time.sleep(0.3)
        self.assertTrue(self.webhook.received.empty())
        self.assertEqual(len(self.file_lines()), before)


if __name__ == "__main__":
    unittest.main()
