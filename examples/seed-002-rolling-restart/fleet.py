"""Local stand-ins for the Lambda functions of the rolling restart (a simulated fleet).

    python3 fleet.py ACTION          # the event JSON on stdin, the result JSON on stdout

ACTION is one of disable-alarm-actions, deregister-target, reboot-instance,
check-application-startup, register-target, enable-alarm-actions. The simulated fleet lives
in the folder $FLEET_STATE_DIR (default ./state): one JSON file per instance, and
activity.jsonl, one line per call ({"t", "action", "phase": "start"|"end", "instance"}),
which shows what ran when.

check-application-startup raises InstanceNotYetStartedException (Lambda's error format: a
JSON object with errorType and errorMessage) until the instance has been checked
`startupChecksNeeded` times since its reboot (an item field; default 1, i.e. ready at the
first check). An instance that needs more checks than the Retry allows never gets back
into the target group.
"""
import json
import os
import sys
import time

STATE = os.environ.get("FLEET_STATE_DIR", "state")
STEP_SECONDS = float(os.environ.get("FLEET_STEP_SECONDS", "0.05"))  # time each call takes


def log(action, phase, instance=None):
    line = {"t": time.time(), "action": action, "phase": phase}
    if instance:
        line["instance"] = instance
    with open(os.path.join(STATE, "activity.jsonl"), "a") as f:
        f.write(json.dumps(line) + "\n")


def instance_file(instance_id):
    return os.path.join(STATE, instance_id + ".json")


def load(instance_id):
    try:
        with open(instance_file(instance_id)) as f:
            return json.load(f)
    except FileNotFoundError:
        return {"InstanceId": instance_id, "state": "running", "inTargetGroup": True, "checks": 0}


def save(record):
    path = instance_file(record["InstanceId"])
    with open(path + ".tmp", "w") as f:
        json.dump(record, f)
    os.replace(path + ".tmp", path)


def alarm_actions(event, enabled):
    names = event.get("alarmNames", [])
    with open(os.path.join(STATE, "alarms.json"), "w") as f:
        json.dump({name: {"actionsEnabled": enabled} for name in names}, f)
    return {"alarmNames": names, "actionsEnabled": enabled}


def instance_action(action, event):
    item = event["instance"]
    record = load(item["InstanceId"])
    if action == "deregister-target":
        record["inTargetGroup"] = False
        result = {"deregistered": item["InstanceId"]}
    elif action == "reboot-instance":
        record.update(state="rebooting", checks=0)
        result = {"rebooting": item["InstanceId"]}
    elif action == "check-application-startup":
        record["checks"] += 1
        needed = int(item.get("startupChecksNeeded", 1))
        if record["checks"] < needed:
            save(record)
            return {"errorType": "InstanceNotYetStartedException",
                    "errorMessage": f"application on {item['InstanceId']} has not started yet "
                                    f"(check {record['checks']})"}
        record["state"] = "running"
        result = {"ready": True, "checks": record["checks"]}
    elif action == "register-target":
        record["inTargetGroup"] = True
        result = {"registered": item["InstanceId"]}
    else:
        raise SystemExit(f"unknown action {action}")
    save(record)
    return result


def main():
    action = sys.argv[1]
    event = json.load(sys.stdin)
    os.makedirs(STATE, exist_ok=True)
    instance = event.get("instance", {}).get("InstanceId")
    log(action, "start", instance)
    time.sleep(STEP_SECONDS)
    if action in ("disable-alarm-actions", "enable-alarm-actions"):
        result = alarm_actions(event, action == "enable-alarm-actions")
    else:
        result = instance_action(action, event)
    log(action, "end", instance)
    print(json.dumps(result))
    # A function error is reported as Lambda reports an unhandled exception.
    sys.exit(1 if "errorType" in result else 0)


if __name__ == "__main__":
    main()
