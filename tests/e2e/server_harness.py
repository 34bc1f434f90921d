"""Starts and stops a real `stepguard serve` for end-to-end tests.

The server binds 127.0.0.1 on a free port, keeps its data in a temporary directory (unless
one is given, so a test can restart on the same data), and is always stopped: SIGTERM,
then SIGKILL if it lingers. Clients are real: boto3 with the endpoint URL, the AWS CLI.
"""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("STEPGUARD_BIN") or os.path.join(HERE, "..", "..", "build", "stepguard")
ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/stepguard-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir=None, port=None, extra_args=(), env=None):
        self._tmp = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="sg-e2e-")
            data_dir = self._tmp.name
        self.data_dir = data_dir
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.env = env
        self.proc = None
        self.log_path = os.path.join(self.data_dir, "server.log")

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout=15):
        full_env = dict(os.environ)
        full_env.update(self.env or {})
        if getattr(self, "_log", None):
            self._log.close()
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [BIN, "serve", "--listen", f"127.0.0.1:{self.port}", "--data", self.data_dir, *self.extra_args],
            stdout=self._log, stderr=self._log, env=full_env)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as r:
                    if json.loads(r.read()) == {"status": "ok"}:
                        return self
            except OSError:
                time.sleep(0.02)
        self.kill()
        raise RuntimeError("server did not become healthy:\n" + self.log())

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def stop(self, timeout=15):
        """Graceful stop (SIGTERM); returns the exit code."""
        if not self.proc or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def kill(self):
        """SIGKILL: a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self):
        try:
            self.kill()
        finally:
            if getattr(self, "_log", None):
                self._log.close()
            if self._tmp:
                self._tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        try:
            self.stop()
        finally:
            self.close()


def sfn_client(server, **config):
    """A boto3 Step Functions client for the server. inject_host_prefix=False keeps
    StartSyncExecution and TestState on the endpoint (botocore otherwise prepends "sync-")."""
    import boto3
    from botocore.config import Config
    settings = {"inject_host_prefix": False, "retries": {"max_attempts": 0}, "read_timeout": 70}
    settings.update(config)
    cfg = Config(**settings)
    return boto3.client("stepfunctions", endpoint_url=server.url, region_name=REGION,
                        aws_access_key_id="test", aws_secret_access_key="test", config=cfg)


def cli_env():
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": REGION,
                "AWS_PAGER": "", "AWS_DISABLE_HOST_PREFIX_INJECTION": "true"})
    return env


def aws_cli(server, *args, input_text=None):
    """Runs `aws stepfunctions ...` against the server; returns (code, parsed stdout or text, stderr)."""
    p = subprocess.run(["aws", "--endpoint-url", server.url, "--output", "json", "stepfunctions", *args],
                       capture_output=True, text=True, env=cli_env(), input=input_text, timeout=120)
    out = p.stdout
    try:
        out = json.loads(out) if out.strip() else {}
    except json.JSONDecodeError:
        pass
    return p.returncode, out, p.stderr
