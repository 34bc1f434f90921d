#!/usr/bin/env python3
"""End-to-end test of the HTTP Task (`arn:aws:states:::http:invoke`) through `stepguard serve`.

A local HTTP server stands in for a third-party API. The server's config file gives the
connection's credentials (an API key header); boto3 starts executions that call the API:
the request carries the method, the query parameters, the URL-encoded body and the key, the
result has AWS's shape, and an error status becomes `States.Http.StatusCode.NNN`, which a
Catch handles.
"""
import json
import os
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ROLE, Server, sfn_client  # noqa: E402

CONNECTION = "arn:aws:events:us-east-1:123456789012:connection/payments/0f2c7a36-1d1e-4c55-9d6b-6f4a2a1b9e77"


class Api(BaseHTTPRequestHandler):
    seen = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        Api.seen.append({"method": self.command, "path": self.path, "headers": dict(self.headers), "body": body})
        if self.path.startswith("/missing"):
            payload, status = {"message": "no such customer"}, 404
        else:
            payload, status = {"id": "cus_1", "echo": urllib.parse.parse_qs(body)}, 200
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


def machine(endpoint):
    return {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {
                    "ApiEndpoint": endpoint,
                    "Method": "POST",
                    "Authentication": {"ConnectionArn": CONNECTION},
                    "QueryParameters": {"expand": "sources"},
                    "RequestBody": {"name": "Ada", "tags": ["a", "b"]},
                    "Transform": {"RequestBodyEncoding": "URL_ENCODED",
                                  "RequestEncodingOptions": {"ArrayFormat": "BRACKETS"}},
                },
                "Catch": [{"ErrorEquals": ["States.Http.StatusCode.404"], "Next": "NotFound"}],
                "End": True,
            },
            "NotFound": {"Type": "Pass", "Result": "not found", "End": True},
        },
    }


class HttpTaskTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.api = ThreadingHTTPServer(("127.0.0.1", 0), Api)
        threading.Thread(target=cls.api.serve_forever, daemon=True).start()
        cls.base = f"http://127.0.0.1:{cls.api.server_address[1]}"
        cls.tmp = tempfile.TemporaryDirectory(prefix="sg-http-")
        config = os.path.join(cls.tmp.name, "stepguard.yaml")
        with open(config, "w") as f:
            f.write(f"connections:\n  {CONNECTION}:\n    api_key: {{name: X-Api-Key, value: s3cret}}\n")
        cls.server = Server(extra_args=["--config", config]).start()
        cls.sfn = sfn_client(cls.server)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        cls.api.shutdown()
        cls.tmp.cleanup()

    def run_machine(self, name, endpoint):
        arn = self.sfn.create_state_machine(name=name, definition=json.dumps(machine(endpoint)),
                                            roleArn=ROLE)["stateMachineArn"]
        ex = self.sfn.start_execution(stateMachineArn=arn)["executionArn"]
        deadline = time.time() + 20
        while time.time() < deadline:
            d = self.sfn.describe_execution(executionArn=ex)
            if d["status"] != "RUNNING":
                return d
            time.sleep(0.05)
        self.fail("execution did not finish")

    def test_the_request_carries_the_parameters_and_the_connection_key(self):
        Api.seen.clear()
        d = self.run_machine("http-ok", self.base + "/v1/customers")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        out = json.loads(d["output"])
        self.assertEqual(out["StatusCode"], 200)
        self.assertEqual(out["StatusText"], "OK")
        self.assertEqual(out["ResponseBody"]["id"], "cus_1")
        self.assertIn("Headers", out)
        req = Api.seen[-1]
        self.assertEqual(req["method"], "POST")
        self.assertEqual(urllib.parse.urlparse(req["path"]).query, "expand=sources")
        self.assertEqual(req["headers"].get("X-Api-Key"), "s3cret")
        self.assertEqual(urllib.parse.parse_qs(req["body"]), {"name": ["Ada"], "tags[]": ["a", "b"]})

    def test_an_error_status_is_a_catchable_error(self):
        d = self.run_machine("http-404", self.base + "/missing")
        self.assertEqual(d["status"], "SUCCEEDED", d)
        self.assertEqual(json.loads(d["output"]), "not found")


if __name__ == "__main__":
    unittest.main()
