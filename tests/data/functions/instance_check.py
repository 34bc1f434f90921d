#!/usr/bin/env python3
"""Local Lambda function (command protocol): an instance start-up check that fails until the
instance has been checked READY_AFTER times.

Reads the event JSON on stdin; the instance id is its "InstanceId" (or "instanceId",
"instance_id"). Calls per instance are counted in the file COUNTER_DIR/<instance id>.
READY_AFTER (environment, default 1) is the call number that first succeeds: calls
1 .. READY_AFTER-1 print the Lambda-style error
  {"errorMessage": "instance <id> not started", "errorType": "InstanceNotYetStartedException"}
(exit status 0: an errorType object is how handlers report errors in this protocol), and
call READY_AFTER and later print
  {"InstanceId": <id>, "status": "running", "checks": <calls so far>}
"""
import json
import os
import sys

event = json.load(sys.stdin)
instance = None
if isinstance(event, dict):
    for key in ("InstanceId", "instanceId", "instance_id"):
        if key in event:
            instance = str(event[key])
            break
if instance is None:
    sys.stdout.write(json.dumps({"errorMessage": "event has no InstanceId", "errorType": "InvalidEvent"}))
    sys.exit(0)

counter = os.path.join(os.environ["COUNTER_DIR"], instance.replace("/", "_"))
calls = 0
if os.path.exists(counter):
    with open(counter) as f:
        calls = int(f.read().strip() or "0")
calls += 1
with open(counter, "w") as f:
    f.write(str(calls))

ready_after = int(os.environ.get("READY_AFTER", "1"))
if calls < ready_after:
    sys.stdout.write(json.dumps({"errorMessage": f"instance {instance} not started",
                                 "errorType": "InstanceNotYetStartedException"}))
else:
    sys.stdout.write(json.dumps({"InstanceId": instance, "status": "running", "checks": calls}))
