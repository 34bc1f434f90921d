#!/usr/bin/env python3
"""Local Lambda function (command protocol): answers statusCode 500 twice, then 200.

Reads the event JSON on stdin. The number of calls so far lives in the file named by the
environment variable COUNTER_FILE (absent file: 0), so each test starts from zero by pointing
it at a fresh path. Prints, on stdout:
  calls 1 and 2:  {"statusCode": 500, "event": <event>}
  later calls:    {"statusCode": 200, "body": "ok", "event": <event>}
"""
import json
import os
import sys

event = json.load(sys.stdin)
path = os.environ["COUNTER_FILE"]
count = 0
if os.path.exists(path):
    with open(path) as f:
        count = int(f.read().strip() or "0")
count += 1
with open(path, "w") as f:
    f.write(str(count))
if count <= 2:
    result = {"statusCode": 500, "event": event}
else:
    result = {"statusCode": 200, "body": "ok", "event": event}
sys.stdout.write(json.dumps(result))
