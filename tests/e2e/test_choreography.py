#!/usr/bin/env python3
"""End-to-end test of examples/seed-003-order-choreography: the example's setup script
(AWS CLI) creates the state machine and rules on `stepguard serve`; 100 orders publish their
events with boto3 PutEvents (batches of 10), a few of them out of order. Each order's
execution (named after the order id) must end SUCCEEDED after the full process, or FAILED in
"Unexpected Event" right after the step that received the wrong event, and its history must
show exactly the states it visited. The dashboard serves each execution's page (its graph).
"""
import json
import os
import subprocess
import sys
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import ACCOUNT, REGION, Server, cli_env, sfn_client  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "seed-003-order-choreography")
MACHINE = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:order-choreography"
STEPS = [("Payment", "Payment Received", "com.example.payments"),
         ("Inventory", "Inventory Reserved", "com.example.inventory"),
         ("Dispatch", "Order Dispatched", "com.example.dispatch"),
         ("Packaging", "Order Packaged", "com.example.packaging"),
         ("Delivery", "Order Delivered", "com.example.delivery")]
ORDERS = 100
# order index -> (step index that gets a wrong event, the step whose event is sent instead)
OUT_OF_ORDER = {7: (0, 2), 23: (1, 3), 42: (2, 4), 58: (3, 1), 77: (4, 0), 91: (1, 4)}


def events_client(server):
    import boto3
    from botocore.config import Config
    return boto3.client("events", endpoint_url=server.url, region_name=REGION, aws_access_key_id="test",
                        aws_secret_access_key="test", config=Config(retries={"max_attempts": 0}))


def order_id(i):
    return f"order-{i:03d}"


def entry(i, detail_type, source):
    return {"Source": source, "DetailType": detail_type, "Detail": json.dumps({"order_id": order_id(i)})}


class ChoreographyTest(unittest.TestCase):
    def setUp(self):
        # Delivery retries (an event that arrives before its execution waits) at 1/20 speed.
        self.server = Server(extra_args=["--time-scale", "0.05"]).start()

    def tearDown(self):
        self.server.stop()
        self.server.close()

    def put(self, ev, entries):
        for k in range(0, len(entries), 10):
            r = ev.put_events(Entries=entries[k:k + 10])
            self.assertEqual(r["FailedEntryCount"], 0, r)

    def test_hundred_orders(self):
        env = cli_env()
        env["STEPGUARD_ENDPOINT"] = self.server.url
        p = subprocess.run([os.path.join(EXAMPLE, "setup.sh")], capture_output=True, text=True, env=env,
                           timeout=120)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        ev = events_client(self.server)
        sfn = sfn_client(self.server)
        started = time.time()

        self.put(ev, [entry(i, "Order Placed", "com.example.orders") for i in range(ORDERS)])
        active = set(range(ORDERS))
        for step in range(len(STEPS)):
            time.sleep(0.3)  # most executions reach their next wait; the rest get a retry
            wave = []
            for i in sorted(active):
                if i in OUT_OF_ORDER and OUT_OF_ORDER[i][0] == step:
                    wrong = OUT_OF_ORDER[i][1]
                    wave.append(entry(i, STEPS[wrong][1], STEPS[wrong][2]))
                    active.discard(i)
                else:
                    wave.append(entry(i, STEPS[step][1], STEPS[step][2]))
            self.put(ev, wave)

        deadline = time.time() + 45
        while time.time() < deadline:
            running = sfn.list_executions(stateMachineArn=MACHINE, statusFilter="RUNNING")["executions"]
            if not running:
                break
            time.sleep(0.2)
        self.assertEqual(running, [], "executions still running")

        listed = {}
        kwargs = {}
        while True:
            page = sfn.list_executions(stateMachineArn=MACHINE, maxResults=100, **kwargs)
            listed.update({e["name"]: e for e in page["executions"]})
            if not page.get("nextToken"):
                break
            kwargs = {"nextToken": page["nextToken"]}
        self.assertEqual(sorted(listed), [order_id(i) for i in range(ORDERS)])

        for i in range(ORDERS):
            arn = listed[order_id(i)]["executionArn"]
            d = sfn.describe_execution(executionArn=arn)
            history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
            visited = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
            expected = ["Order Placed"]
            if i in OUT_OF_ORDER:
                bad_step, wrong = OUT_OF_ORDER[i]
                for name, detail_type, _ in STEPS[:bad_step + 1]:
                    expected += [name, detail_type + "?"]
                expected.append("Unexpected Event")
                self.assertEqual(d["status"], "FAILED", order_id(i))
                self.assertEqual(d["error"], "UnexpectedEvent")
                self.assertEqual(d["cause"], STEPS[wrong][1])
            else:
                for name, detail_type, _ in STEPS:
                    expected += [name, detail_type + "?"]
                expected.append("Order Completed")
                self.assertEqual(d["status"], "SUCCEEDED", order_id(i))
                self.assertEqual(json.loads(d["output"])["detail-type"], "Order Delivered")
            self.assertEqual(visited, expected, order_id(i))

        # The dashboard's execution page (graph inspector) for an order, failed or not.
        for i in (0, 7):
            url = self.server.url + "/executions/" + urllib.parse.quote(listed[order_id(i)]["executionArn"], safe="")
            with urllib.request.urlopen(url, timeout=5) as r:
                self.assertEqual(r.status, 200)
                self.assertIn("text/html", r.headers.get("Content-Type", ""))
        self.assertLess(time.time() - started, 60)


if __name__ == "__main__":
    unittest.main()
