"""Local stand-in for the `submit-job` Lambda function.

Reads the event (the execution input) on stdin and "submits" a simulated job: it answers
with the job's id and its first status. The job itself lives in the event that the state
machine passes from poll to poll, so the simulation needs no database:

  {"jobName": "nightly-report",   # any name
   "pollsUntilDone": 3,           # the job finishes on the 3rd status poll (default 2)
   "outcome": "SUCCEEDED"}        # or "FAILED"
"""
import json
import sys
import uuid

event = json.load(sys.stdin)
outcome = event.get("outcome", "SUCCEEDED")
if outcome not in ("SUCCEEDED", "FAILED"):
    print(json.dumps({"errorType": "InvalidJobRequest",
                      "errorMessage": f"outcome must be SUCCEEDED or FAILED, got {outcome!r}"}))
    sys.exit(0)

print(json.dumps({
    "jobId": "job-" + uuid.uuid4().hex[:12],
    "jobName": event.get("jobName", "job"),
    "status": "SUBMITTED",
    "polls": 0,
    "pollsUntilDone": int(event.get("pollsUntilDone", 2)),
    "outcome": outcome,
}))
