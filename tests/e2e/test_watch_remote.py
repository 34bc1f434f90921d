#!/usr/bin/env python3
"""End-to-end test of `watch:` (issue 6 item 6): a second `stepguard serve` stands in for a
remote AWS account (another account id and region); the main server watches it with fake
credentials from the environment and shows its machines in the same grid, /metrics and
alarms, marked by account and region. A small Python HTTP server also stands in for AWS
once, to check the SigV4 Authorization header the watcher sends (structure, and the
signature itself recomputed with botocore).
"""
import http.server
import json
import os
import re
import sys
import tempfile
import threading
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import Server, free_port  # noqa: E402

REMOTE_ACCOUNT = "210987654321"
REMOTE_REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{REMOTE_ACCOUNT}:role/stepguard-test"
AKID = "AKIDWATCHEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "session-token-example"
DEADLINE = 20

PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
FAIL = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Broken", "Cause": "on purpose"}}}
WAIT = {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}}


class StandIn(http.server.BaseHTTPRequestHandler):
    """Answers every call as an account without state machines; keeps what it was sent."""
    seen = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        StandIn.seen.append((dict(self.headers.items()), body, self.path))
        out = json.dumps({"stateMachines": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


def get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read().decode()


def remote_client(server):
    import boto3
    from botocore.config import Config
    return boto3.client("stepfunctions", endpoint_url=server.url, region_name=REMOTE_REGION,
                        aws_access_key_id="test", aws_secret_access_key="test",
                        config=Config(retries={"max_attempts": 0}))


def wait_for(fn, what):
    deadline = time.time() + DEADLINE
    last = None
    while time.time() < deadline:
        last = fn()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last}")


class WatchRemoteTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="sg-watch-")
        cls.remote = Server(extra_args=["--account", REMOTE_ACCOUNT, "--region", REMOTE_REGION]).start()
        sfn = remote_client(cls.remote)
        cls.sfn = sfn
        arns = {}
        for name, definition in [("ok-machine", PASS), ("bad-machine", FAIL), ("slow-machine", WAIT),
                                 ("idle-machine", PASS)]:
            arns[name] = sfn.create_state_machine(name=name, definition=json.dumps(definition),
                                                  roleArn=ROLE)["stateMachineArn"]
        cls.arns = arns
        for name in ("ok-machine", "bad-machine", "slow-machine"):
            sfn.start_execution(stateMachineArn=arns[name], name=f"{name}-run-1")
        cls.slow_execution = f"arn:aws:states:{REMOTE_REGION}:{REMOTE_ACCOUNT}:execution:slow-machine:slow-machine-run-1"
        for name, status in (("ok-machine", "SUCCEEDED"), ("bad-machine", "FAILED")):
            ex = f"arn:aws:states:{REMOTE_REGION}:{REMOTE_ACCOUNT}:execution:{name}:{name}-run-1"
            wait_for(lambda: sfn.describe_execution(executionArn=ex)["status"] == status, f"{name} {status}")

        cls.standin_port = free_port()
        cls.standin = http.server.ThreadingHTTPServer(("127.0.0.1", cls.standin_port), StandIn)
        threading.Thread(target=cls.standin.serve_forever, daemon=True).start()

        config = os.path.join(cls.tmp.name, "stepguard.yaml")
        with open(config, "w") as f:
            f.write(f"""
watch:
  - name: remote-account
    region: {REMOTE_REGION}
    endpoint: {cls.remote.url}
    interval_seconds: 0.3
  - name: signature-check
    region: {REMOTE_REGION}
    endpoint: http://127.0.0.1:{cls.standin_port}
    interval_seconds: 0.3
  - name: no-credentials
    region: {REMOTE_REGION}
    endpoint: http://127.0.0.1:{cls.standin_port}/nocreds
    profile: missing-profile
alarm_templates:
  - name: remote-failed
    name_pattern: "*-machine"
    alarm:
      AlarmName: "latest-failed-${{state_machine}}"
      Namespace: StepGuard
      MetricName: LatestExecutionStatusCode
      Dimensions: [{{Name: StateMachineArn, Value: "${{state_machine_arn}}"}}]
      Statistic: Maximum
      Period: 60
      EvaluationPeriods: 1
      Threshold: 3
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
""")
        env = {"AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN,
               "AWS_SHARED_CREDENTIALS_FILE": os.path.join(cls.tmp.name, "no-such-credentials"),
               "AWS_CONFIG_FILE": os.path.join(cls.tmp.name, "no-such-config")}
        cls.main = Server(extra_args=["--config", config, "--time-scale", "0.01"], env=env).start()

    @classmethod
    def tearDownClass(cls):
        for s in (getattr(cls, "main", None), cls.remote):
            if s:
                s.stop()
                s.close()
        cls.standin.shutdown()
        cls.tmp.cleanup()

    def grid(self):
        return json.loads(get(self.main.url + "/guardian/api/state-machines"))

    def remote_tiles(self):
        return {t["name"]: t for t in self.grid()["stateMachines"] if t["account"] == REMOTE_ACCOUNT}

    def test_remote_machines_in_grid_with_latest_status(self):
        tiles = wait_for(lambda: (lambda t: t if len(t) == 4 else None)(self.remote_tiles()), "4 remote tiles")
        for t in tiles.values():
            self.assertEqual(t["region"], REMOTE_REGION)
            self.assertEqual(t["stateMachineArn"], self.arns[t["name"]])
            self.assertEqual(t["type"], "STANDARD")
        self.assertEqual(tiles["ok-machine"]["latest"]["status"], "SUCCEEDED")
        self.assertEqual(tiles["ok-machine"]["latest"]["name"], "ok-machine-run-1")
        self.assertEqual(tiles["bad-machine"]["latest"]["status"], "FAILED")
        self.assertEqual(tiles["slow-machine"]["latest"]["status"], "RUNNING")
        self.assertIsNone(tiles["idle-machine"]["latest"])
        watches = {w["name"]: w for w in self.grid()["watches"]}
        self.assertEqual(watches["remote-account"]["account"], REMOTE_ACCOUNT)
        self.assertIsNone(watches["remote-account"]["lastError"])
        self.assertEqual(watches["remote-account"]["stateMachines"], 4)
        # Filters apply to remote machines like local ones.
        failed = json.loads(get(self.main.url + "/guardian/api/state-machines?status=FAILED"))
        self.assertIn("bad-machine", [t["name"] for t in failed["stateMachines"]])

    # Last (tests run in name order): it changes slow-machine.
    def test_z_a_change_in_the_remote_account_shows_up(self):
        wait_for(lambda: self.remote_tiles().get("slow-machine", {}).get("latest"), "slow-machine tile")
        self.sfn.stop_execution(executionArn=self.slow_execution, error="Stopped", cause="by the test")
        wait_for(lambda: self.remote_tiles()["slow-machine"]["latest"]["status"] == "ABORTED", "ABORTED")

    def test_metrics_mark_account_and_region(self):
        labels = f'account="{REMOTE_ACCOUNT}",region="{REMOTE_REGION}"'
        line = f'stepguard_latest_execution_status_code{{state_machine="bad-machine",{labels}}} 3'
        text = wait_for(lambda: (lambda m: m if line in m else None)(get(self.main.url + "/metrics")), line)
        self.assertIn(f'stepguard_latest_execution_status_code{{state_machine="ok-machine",{labels}}} 2', text)
        self.assertIn(f'stepguard_latest_execution_status_code{{state_machine="idle-machine",{labels}}} 0', text)
        self.assertIn(f'stepguard_executions_closed_total{{state_machine="bad-machine",{labels},status="failed"}} 1',
                      text)

    def test_alarm_template_covers_remote_machines(self):
        def states():
            alarms = json.loads(get(self.main.url + "/guardian/api/alarms"))["alarms"]
            s = {a["alarmName"]: a["stateValue"] for a in alarms}
            return s if s.get("latest-failed-bad-machine") == "ALARM" and s.get("latest-failed-ok-machine") == "OK" \
                else None
        wait_for(states, "latest-failed-bad-machine in ALARM, ok-machine OK")
        tile = self.remote_tiles()["bad-machine"]
        wait_for(lambda: self.remote_tiles()["bad-machine"]["alarmState"] == "ALARM", "tile alarm state")
        self.assertEqual(tile["alarms"][0]["alarmName"], "latest-failed-bad-machine")

    def test_signed_requests(self):
        wait_for(lambda: StandIn.seen, "a request at the stand-in")
        headers, body, _ = StandIn.seen[0]
        h = {k.lower(): v for k, v in headers.items()}
        self.assertEqual(h["x-amz-target"], "AWSStepFunctions.ListStateMachines")
        self.assertEqual(h["content-type"], "application/x-amz-json-1.0")
        self.assertEqual(h["x-amz-security-token"], TOKEN)
        self.assertEqual(json.loads(body)["maxResults"], 1000)
        auth = h["authorization"]
        m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/states/aws4_request, "
                         r"SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})", auth)
        self.assertIsNotNone(m, auth)
        self.assertEqual(m.group(1), AKID)
        self.assertEqual(m.group(2), h["x-amz-date"][:8])
        self.assertEqual(m.group(3), REMOTE_REGION)
        signed = m.group(4).split(";")
        self.assertEqual(signed, sorted(signed))
        for name in ("host", "content-type", "x-amz-date", "x-amz-target", "x-amz-security-token"):
            self.assertIn(name, signed)
        # botocore computes the same signature over the signed headers.
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        req = AWSRequest(method="POST", url=f"http://127.0.0.1:{self.standin_port}/", data=body.encode(),
                         headers={k: h[k] for k in signed})
        req.context["timestamp"] = h["x-amz-date"]
        signer = SigV4Auth(Credentials(AKID, SECRET, TOKEN), "states", REMOTE_REGION)
        expected = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
        self.assertEqual(m.group(5), expected)

    def test_missing_credentials_are_an_error_not_unsigned_requests(self):
        def err():
            w = {w["name"]: w for w in self.grid().get("watches", [])}.get("no-credentials")
            return w and w["lastError"]
        message = wait_for(err, "the no-credentials watch error")
        self.assertIn("NoCredentials", message)
        self.assertIn("missing-profile", message)
        self.assertFalse([s for s in StandIn.seen if s[2].startswith("/nocreds")])
        self.assertIn("cannot sample a remote Step Functions endpoint", self.main.log())


if __name__ == "__main__":
    unittest.main()
