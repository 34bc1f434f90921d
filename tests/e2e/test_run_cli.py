#!/usr/bin/env python3
"""End-to-end tests of `stepguard run` and `stepguard validate` as a user runs them: the real
binary, real definition files (JSON and YAML), real local functions as processes.

The seed workflows (../shared/seeds/004 and 002) run in virtual time; their exact outputs and
their timing (read from --trace history timestamps) are asserted.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
BIN = os.environ.get("STEPGUARD_BIN") or os.path.join(HERE, "..", "..", "build", "stepguard")
ACCT = "arn:aws:lambda:us-east-1:123456789012:function:"


def stepguard(*args, env=None, input_text=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    p = subprocess.run([BIN, *args], capture_output=True, text=True, env=full_env, input=input_text, timeout=120)
    return p.returncode, p.stdout, p.stderr


def trace_events(stderr):
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


def process_running(pid):
    """True while pid is a live process (a zombie waiting for its parent is not)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def duration_seconds(events):
    return round(events[-1]["timestamp"] - events[0]["timestamp"], 3)


class Seed004StatusLoop(unittest.TestCase):
    """Lambda + Choice + Wait loop; the function answers 500 twice, then 200."""

    def test_loops_until_the_function_answers_200(self):
        with tempfile.TemporaryDirectory() as tmp:
            fn = f"python3 {FIX}/status_500_twice.py"
            code, out, err = stepguard(
                "run", f"{FIX}/seed004_status_loop.asl.json", "--input", '{"orderId": "o-42"}',
                "--function", f"status-checker={fn}", "--trace",
                env={"COUNTER_FILE": os.path.join(tmp, "count")})
            self.assertEqual(code, 0, err)
            self.assertEqual(json.loads(out),
                             {"statusCode": 200, "attempt": 3, "body": "ok", "event": {"orderId": "o-42"}})
            events = trace_events(err)
            types = [e["type"] for e in events]
            self.assertEqual(types.count("TaskScheduled"), 3)
            self.assertEqual(types.count("WaitStateEntered"), 2)
            self.assertEqual(types[-1], "ExecutionSucceeded")
            self.assertEqual(duration_seconds(events), 20.0)  # two 10 s waits, in virtual time
            scheduled = [e for e in events if e["type"] == "TaskScheduled"][0]["taskScheduledEventDetails"]
            self.assertEqual(scheduled["resourceType"], "lambda")
            self.assertEqual(scheduled["resource"], "invoke")


class Seed002RollingRestart(unittest.TestCase):
    """Map with MaxConcurrency 2, a custom error retried 120 s x 3, a States.ALL catch."""

    def run_restart(self, ready_after):
        self.tmp = tempfile.TemporaryDirectory()
        fleet = f"python3 {FIX}/fleet.py"
        fns = {"disable-alarms": "disable-alarms", "deregister-target": "deregister", "reboot-instance": "reboot",
               "startup-check": "check", "register-target": "register", "notify-operators": "notify",
               "enable-alarms": "enable-alarms"}
        args = ["run", f"{FIX}/seed002_rolling_restart.asl.yaml", "--trace", "--input",
                json.dumps({"instances": ["i-1", "i-2", "i-3", "i-4"], "targetGroupArn": "arn:tg"})]
        for name, action in fns.items():
            args += ["--function", f"{name}={fleet} {action}"]
        code, out, err = stepguard(*args, env={"FLEET_DIR": self.tmp.name, "READY_AFTER": json.dumps(ready_after)})
        with open(os.path.join(self.tmp.name, "calls.log")) as f:
            calls = [json.loads(line) for line in f]
        return code, out, err, calls

    def tearDown(self):
        self.tmp.cleanup()

    def test_all_instances_restart_two_at_a_time(self):
        code, out, err, calls = self.run_restart({"i-2": 3, "i-3": 2})
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), {
            "instances": ["i-1", "i-2", "i-3", "i-4"], "targetGroupArn": "arn:tg",
            "restarted": [{"InstanceId": i, "Status": "InService"} for i in ["i-1", "i-2", "i-3", "i-4"]]})
        events = trace_events(err)
        # i-1 and i-2 start at 0; i-1 is up at 60 s, then i-3 runs 60..240 (one retry);
        # i-2 needs two retries (up at 300 s); i-4 starts at 240 and is up at 300.
        self.assertEqual(duration_seconds(events), 300.0)
        deregistered = [c["event"]["InstanceId"] for c in calls if c["action"] == "deregister"]
        # i-1 and i-2 run concurrently (their calls may interleave, as on AWS); i-3 and
        # i-4 only start once a slot frees up.
        self.assertEqual(sorted(deregistered[:2]), ["i-1", "i-2"])
        self.assertEqual(deregistered[2:], ["i-3", "i-4"])
        self.assertEqual([c["action"] for c in calls][0], "disable-alarms")
        self.assertEqual([c["action"] for c in calls][-1], "enable-alarms")
        self.assertEqual(sum(1 for c in calls if c["action"] == "check"), 4 + 2 + 1)

    def test_an_instance_that_never_starts_alerts_and_still_cleans_up(self):
        code, out, err, calls = self.run_restart({"i-2": 10})
        self.assertEqual(code, 0, err)
        result = json.loads(out)
        self.assertEqual(result["error"]["Error"], "InstanceNotYetStartedException")
        self.assertIn("instance i-2 not started (check 4)", result["error"]["Cause"])
        self.assertNotIn("restarted", result)
        actions = [c["action"] for c in calls]
        self.assertEqual(actions[-2:], ["notify", "enable-alarms"])
        notify = [c for c in calls if c["action"] == "notify"][0]["event"]
        self.assertEqual(notify["Subject"], "Rolling restart failed")
        self.assertIn("i-2", notify["Message"])
        self.assertEqual(sum(1 for c in calls if c["action"] == "check" and c["event"]["InstanceId"] == "i-2"), 4)
        events = trace_events(err)
        self.assertEqual(duration_seconds(events), 420.0)  # 60 s boot wait + 3 x 120 s
        self.assertIn("MapIterationFailed", [e["type"] for e in events])


class RunCli(unittest.TestCase):
    def write(self, name, text):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def test_succeeded_execution_prints_output_on_one_line(self):
        path = self.write("hello.json", '{"StartAt":"Hello","States":{"Hello":{"Type":"Pass",'
                                        '"Result":{"hello":"world"},"End":true}}}')
        code, out, err = stepguard("run", path)
        self.assertEqual((code, out), (0, '{"hello":"world"}\n'), err)

    def test_failed_execution_prints_error_and_cause_and_exits_2(self):
        path = self.write("fail.json", '{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"Oops","Cause":"bad"}}}')
        code, out, _ = stepguard("run", path)
        self.assertEqual(code, 2)
        self.assertEqual(json.loads(out), {"Error": "Oops", "Cause": "bad"})

    def test_invalid_definition_exits_1_with_diagnostics_on_stderr(self):
        path = self.write("bad.json", '{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"Nope"}}}')
        code, out, err = stepguard("run", path)
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("MISSING_TRANSITION_TARGET", err)
        self.assertIn("/States/A/Next", err)

    def test_invalid_input_exits_1(self):
        path = self.write("pass.json", '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')
        code, out, err = stepguard("run", path, "--input", "not json")
        self.assertEqual(code, 1)
        self.assertIn("Invalid State Machine Execution Input", err)

    def test_any_json_value_is_valid_input(self):
        path = self.write("echo.json", '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')
        for value in ["1", '"str"', "null", "[1,2]"]:
            code, out, err = stepguard("run", path, "--input", value)
            self.assertEqual((code, out.strip()), (0, value), err)

    def test_input_file_and_context_file(self):
        path = self.write("ctx.json", '{"StartAt":"P","States":{"P":{"Type":"Pass","Parameters":'
                                      '{"v.$":"$.v","name.$":"$$.Execution.Name","custom.$":"$$.Custom.x"},"End":true}}}')
        inp = self.write("in.json", '{"v": 5}')
        ctx = self.write("context.json", '{"Custom": {"x": "y"}}')
        code, out, err = stepguard("run", path, "--input-file", inp, "--context-file", ctx, "--execution-name", "e1")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), {"v": 5, "name": "e1", "custom": "y"})

    def test_unknown_resource_fails_naming_it(self):
        path = self.write("t.json", '{"StartAt":"T","States":{"T":{"Type":"Task",'
                                    '"Resource":"arn:aws:states:::sqs:sendMessage","End":true}}}')
        code, out, _ = stepguard("run", path)
        self.assertEqual(code, 2)
        self.assertIn("arn:aws:states:::sqs:sendMessage", json.loads(out)["Cause"])

    def test_jsonata_runs(self):
        # More in test_run_jsonata.py.
        path = self.write("j.json", '{"QueryLanguage":"JSONata","StartAt":"P","States":{"P":{"Type":"Pass",'
                                    '"Output":"{% 1 + 1 %}","End":true}}}')
        code, out, err = stepguard("run", path)
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), 2)

    def test_validate_reports_and_exits(self):
        good = os.path.join(HERE, "..", "..", "examples", "hello-world.asl.json")
        bad = self.write("bad.json", '{"StartAt":"A","States":{"A":{"Type":"Pass"}}}')
        code, out, _ = stepguard("validate", good)
        self.assertEqual(code, 0)
        code, out, _ = stepguard("validate", bad, "--format", "json")
        self.assertEqual(code, 1)
        self.assertIn('"FAIL"', out)

    def test_empty_input_is_rejected_and_input_is_recorded_as_written(self):
        path = self.write("pass.json", '{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}')
        code, out, err = stepguard("run", path, "--input", "")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("Invalid State Machine Execution Input", err)
        code, out, err = stepguard("run", path, "--input", '{ "a" : [1, 2] }', "--trace")
        self.assertEqual((code, out), (0, '{"a":[1,2]}\n'), err)
        started = json.loads(err.splitlines()[0])
        self.assertEqual(started["type"], "ExecutionStarted")
        self.assertEqual(started["executionStartedEventDetails"]["input"], '{ "a" : [1, 2] }')

    def test_distributed_map_is_refused_by_run_but_valid_for_validate(self):
        path = self.write("dmap.json", json.dumps({
            "StartAt": "M", "States": {"M": {"Type": "Map", "End": True, "ItemBatcher": {"MaxItemsPerBatch": 2},
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                                  "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}}))
        code, out, _ = stepguard("validate", path)
        self.assertEqual(code, 0, out)
        code, out, err = stepguard("run", path, "--input", "[1,2,3]")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("Distributed Map", err)

    def test_execution_timeout_stops_a_running_function(self):
        slow = self.write("slow.sh", "cat >/dev/null; sleep 30; echo '{}'\n")
        path = self.write("t.json", '{"TimeoutSeconds":1,"StartAt":"T","States":{"T":{"Type":"Task",'
                                    f'"Resource":"{ACCT}slow","End":true}}}}}}')
        code, out, err = stepguard("run", path, "--function", f"slow=sh {slow}", "--trace")
        self.assertEqual(code, 2, err)
        self.assertEqual(json.loads(out), {"Error": "States.Timeout"})
        events = [json.loads(line) for line in err.splitlines()]
        self.assertEqual(events[-1]["type"], "ExecutionTimedOut")
        self.assertEqual(duration_seconds(events), 1.0)

    def test_diagnostics_without_location_and_unreadable_files(self):
        empty = self.write("empty.json", "")
        code, _, err = stepguard("run", empty)
        self.assertEqual(code, 1)
        self.assertIn(f"{empty}: error SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object", err)
        code, _, err = stepguard("validate", os.path.join(self.tmp.name, "missing.json"))
        self.assertEqual(code, 1)
        self.assertIn("cannot read", err)

    def test_endless_loops_end_at_the_transition_limit(self):
        path = self.write("loop.json", '{"TimeoutSeconds":5,"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},'
                                       '"B":{"Type":"Choice","Choices":[{"Variable":"$.stop","IsPresent":true,'
                                       '"Next":"C"}],"Default":"A"},"C":{"Type":"Succeed"}}}')
        code, out, err = stepguard("run", path, "--max-transitions", "1000")
        self.assertEqual(code, 2, err)
        result = json.loads(out)
        self.assertEqual(result["Error"], "States.Runtime")
        self.assertIn("exceeded 1000 state transitions", result["Cause"])

    def test_a_failed_branch_withdraws_its_siblings_calls(self):
        pidfile = os.path.join(self.tmp.name, "hang.pid")
        hang = self.write("hang.sh", f"echo $$ > {pidfile}; cat >/dev/null; exec sleep 60\n")
        fail = self.write("fail.sh", "cat >/dev/null; sleep 0.3; exit 1\n")
        path = self.write("par.json", json.dumps({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True,
            "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Task", "Resource": f"{ACCT}fail", "End": True}}},
                         {"StartAt": "H", "States": {"H": {"Type": "Task", "Resource": f"{ACCT}hang", "End": True}}}]}}}))
        # Without withdrawal the hung function (no timeout) would hold the run for a minute.
        p = subprocess.run([BIN, "run", path, "--function", f"fail=sh {fail}", "--function", f"hang=sh {hang}"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Error"], "Lambda.Unknown")
        with open(pidfile) as f:
            pid = int(f.read())
        self.assertFalse(process_running(pid), "the hung function was left running")

    def test_a_failed_iteration_withdraws_calls_to_a_server_that_never_answers(self):
        import http.server
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if b'"fail"' in body:
                    reply = b'{"errorType":"Custom.Failed","errorMessage":"no"}'
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(reply)))
                    self.end_headers()
                    self.wfile.write(reply)
                    return
                threading.Event().wait(60)  # never answers in time

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            url = f"http://127.0.0.1:{server.server_address[1]}/"
            path = self.write("map.json", json.dumps({"StartAt": "M", "States": {"M": {"Type": "Map", "End": True,
                "ItemProcessor": {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": f"{ACCT}fn",
                                                                     "End": True}}}}}}))
            items = json.dumps([{"i": i} for i in range(6)] + ["fail"])
            p = subprocess.run([BIN, "run", path, "--input", items, "--function", f"fn={url}"],
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertEqual(json.loads(p.stdout)["Error"], "Custom.Failed")
        finally:
            server.shutdown()

    def test_interrupting_a_run_stops_its_functions(self):
        import signal
        import time
        pidfile = os.path.join(self.tmp.name, "fn.pid")
        fn = self.write("fn.sh", f"echo $$ > {pidfile}; cat >/dev/null; exec sleep 60\n")
        path = self.write("t.json", f'{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{ACCT}fn","End":true}}}}}}')
        p = subprocess.Popen([BIN, "run", path, "--function", f"fn=exec sh {fn}"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        for _ in range(100):
            if os.path.exists(pidfile) and os.path.getsize(pidfile) > 0:
                break
            time.sleep(0.05)
        with open(pidfile) as f:
            pid = int(f.read())
        p.send_signal(signal.SIGTERM)
        p.communicate(timeout=10)
        self.assertEqual(p.returncode, -signal.SIGTERM)
        for _ in range(40):
            if not process_running(pid):
                break
            time.sleep(0.05)
        self.assertFalse(process_running(pid), "the function outlived the interrupted run")

    def test_max_concurrent_calls_bounds_overlap(self):
        d = self.tmp.name
        fn = self.write("fn.sh", f"cat >/dev/null; if [ -e {d}/busy ]; then echo overlap >> {d}/log; fi; "
                                 f"touch {d}/busy; sleep 0.2; rm -f {d}/busy; echo '{{}}'\n")
        path = self.write("m.json", f'{{"StartAt":"M","States":{{"M":{{"Type":"Map","End":true,"ItemProcessor":'
                                    f'{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{ACCT}fn",'
                                    f'"End":true}}}}}}}}}}}}')
        code, out, err = stepguard("run", path, "--input", "[1,2,3]", "--function", f"fn=sh {fn}",
                                   "--max-concurrent-calls", "1")
        self.assertEqual((code, out), (0, "[{},{},{}]\n"), err)
        self.assertFalse(os.path.exists(f"{d}/log"), "calls overlapped with --max-concurrent-calls 1")
        # By default they overlap: each call waits (up to 10 s) until another has started.
        os.makedirs(f"{d}/started")
        meet = self.write("meet.sh", f"cat >/dev/null; touch {d}/started/$$; i=0; "
                                     f"while [ $(ls {d}/started | wc -l) -lt 2 ] && [ $i -lt 100 ]; do "
                                     f"sleep 0.1; i=$((i+1)); done; echo \"$(ls {d}/started | wc -l)\"\n")
        code, out, err = stepguard("run", path, "--input", "[1,2,3]", "--function", f"fn=sh {meet}")
        self.assertEqual(code, 0, err)
        self.assertTrue(all(n >= 2 for n in json.loads(out)), out)

    def test_each_diagnostic_is_one_line(self):
        path = self.write("syn.json", '{"StartAt":"A",\n"States":{"A":{"Type":"Pass" "End":true}}}\n')
        code, out, _ = stepguard("validate", path)
        self.assertEqual(code, 1)
        self.assertEqual(len(out.splitlines()), 1, out)
        self.assertIn("INVALID_JSON_DESCRIPTION", out)
        code, out, _ = stepguard("validate", os.path.join(self.tmp.name, "missing.json"), "--format", "json")
        self.assertEqual(code, 1)
        self.assertEqual(json.loads(out)["diagnostics"][0]["code"], "READ_FAILED")


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=2).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
