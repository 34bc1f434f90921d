"""Local stand-in for the `get-job-status` Lambda function.

Reads the job (as returned by submit-job or by the previous poll) on stdin, counts this
poll and answers with the job's status: RUNNING until the job has been polled
`pollsUntilDone` times, then its `outcome` (SUCCEEDED, or FAILED with a `reason`).
"""
import json
import sys

job = json.load(sys.stdin)
job["polls"] = job.get("polls", 0) + 1
if job["polls"] < job.get("pollsUntilDone", 2):
    job["status"] = "RUNNING"
else:
    job["status"] = job.get("outcome", "SUCCEEDED")
    if job["status"] == "FAILED":
        job["reason"] = f"job {job['jobId']} ({job.get('jobName')}) failed after {job['polls']} polls"
print(json.dumps(job))
