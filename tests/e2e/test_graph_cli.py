#!/usr/bin/env python3
"""End-to-end tests of `stepguard graph FILE --format svg|dot`: the diagram the dashboard
shows, drawn from a definition file (JSON or YAML) with the same code.

Checks what a user sees: SVG whose state nodes carry ids (state-NAME) and classes, Choice
labels and dashed Catch edges in the DOT source, Parallel branches as clusters, --output,
and the exit codes (1 for an unreadable or shapeless file, 2 for a usage error).
"""
import os
import subprocess
import sys
import tempfile
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_harness import BIN  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"

# The Step Functions Developer Guide's error handling example, plus a Choice and a Parallel.
DEFINITION = """{
  "Comment": "Orders",
  "StartAt": "Validate",
  "States": {
    "Validate": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:validate",
      "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "Rejected"}], "Next": "Route"},
    "Route": {"Type": "Choice", "Choices": [{"Variable": "$.total", "NumericGreaterThan": 100, "Next": "Review"}],
      "Default": "Ship"},
    "Review": {"Type": "Parallel", "Branches": [
      {"StartAt": "Fraud", "States": {"Fraud": {"Type": "Pass", "End": true}}},
      {"StartAt": "Credit", "States": {"Credit": {"Type": "Pass", "End": true}}}], "Next": "Ship"},
    "Ship": {"Type": "Succeed"},
    "Rejected": {"Type": "Fail", "Error": "Rejected"}
  }
}"""

YAML = """StartAt: Hello
States:
  Hello:
    Type: Pass
    Next: World
  World:
    Type: Pass
    End: true
"""


def run(*args):
    return subprocess.run([BIN, "graph", *args], capture_output=True, text=True, timeout=60)


class GraphCliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="sg-graph-")
        self.json_file = os.path.join(self.tmp.name, "orders.asl.json")
        with open(self.json_file, "w") as f:
            f.write(DEFINITION)

    def tearDown(self):
        self.tmp.cleanup()

    def test_svg_has_a_node_per_state_with_its_id(self):
        p = run(self.json_file)
        self.assertEqual(p.returncode, 0, p.stderr)
        root = ET.fromstring(p.stdout)
        self.assertEqual(root.tag, SVG_NS + "svg")
        ids = {g.get("id"): g.get("class") for g in root.iter(SVG_NS + "g") if g.get("id")}
        for name, kind in [("Validate", "Task"), ("Route", "Choice"), ("Review", "Parallel"), ("Fraud", "Pass"),
                           ("Credit", "Pass"), ("Ship", "Succeed"), ("Rejected", "Fail")]:
            self.assertIn("state-" + name, ids)
            self.assertIn("type-" + kind, ids["state-" + name])
        self.assertIn("graph-start", ids)
        self.assertIn("graph-end", ids)
        self.assertIn("cluster-Review", ids)
        texts = [t.text for t in root.iter(SVG_NS + "text")]
        self.assertIn("Default", texts)
        self.assertIn("$.total > 100", texts)
        self.assertIn("States.TaskFailed", texts)

    def test_dot_format_is_the_graphviz_source(self):
        p = run(self.json_file, "--format", "dot")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith("digraph StateMachine {"))
        self.assertIn('label="States.TaskFailed", style=dashed', p.stdout)
        self.assertIn('label="Default"', p.stdout)
        self.assertEqual(p.stdout.count("subgraph cluster_"), 3)

    def test_yaml_definition_and_output_file(self):
        yaml_file = os.path.join(self.tmp.name, "hello.asl.yaml")
        with open(yaml_file, "w") as f:
            f.write(YAML)
        out = os.path.join(self.tmp.name, "hello.svg")
        p = run(yaml_file, "--output", out, "--left-to-right")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, "")
        root = ET.parse(out).getroot()
        ids = {g.get("id") for g in root.iter(SVG_NS + "g")}
        self.assertTrue({"state-Hello", "state-World"} <= ids)

    def test_errors(self):
        p = run(os.path.join(self.tmp.name, "missing.json"))
        self.assertEqual(p.returncode, 1)
        self.assertIn("stepguard graph:", p.stderr)
        shapeless = os.path.join(self.tmp.name, "shapeless.json")
        with open(shapeless, "w") as f:
            f.write('{"StartAt": "A"}')
        p = run(shapeless)
        self.assertEqual(p.returncode, 1)
        self.assertIn("States", p.stderr)
        p = run(self.json_file, "--format", "png")
        self.assertEqual(p.returncode, 2)


if __name__ == "__main__":
    unittest.main()
