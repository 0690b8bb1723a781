"""A real `stepladder serve` (gunicorn) on a free port, for the phone and load benchmarks."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`stepladder serve` against `database_url` with `workers` processes; a context manager."""

    def __init__(self, database_url: str, workers: int = 2, threads: int | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = tempfile.mkdtemp(prefix="stepladder-serve-")
        self.env = dict(
            os.environ,
            STEPLADDER_DATABASE_URL=database_url,
            STEPLADDER_INSTANCE_PATH=self.instance,
            STEPLADDER_SECRET_KEY="benchmark-secret",
            PYTHONPATH=str(ROOT),
        )
        self.command = [
            sys.executable,
            "-m",
            "app.cli",
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        self.log_path = Path(self.instance) / "server.log"
        self.process = None

    def __enter__(self) -> "Server":
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(
            self.command, env=self.env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("server exited:\n" + self.log_path.read_text())
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("server did not start:\n" + self.log_path.read_text())

    def __exit__(self, *_exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
