"""`jiceng run` serves the pages with gunicorn and starts the job worker; a plain kill stops both."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from cryptography.fernet import Fernet


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_run_serves_pages_and_starts_the_worker(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "DATABASE_URL")}
    env.update(
        JICENG_VAR_DIR=str(tmp_path),
        JICENG_SECRET_KEY="k" * 50,
        JICENG_FIELD_KEY=Fernet.generate_key().decode(),
        JICENG_SECURE_COOKIES="0",
        JICENG_HUEY_IMMEDIATE="0",
    )
    jiceng = [sys.executable, "-m", "jiceng.cli"]
    subprocess.run([*jiceng, "migrate", "-v", "0"], env=env, check=True, timeout=120)
    port = _free_port()
    log = (tmp_path / "run.log").open("w")
    proc = subprocess.Popen(
        [*jiceng, "run", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = ""
        # The first start collects and compresses the static files (about 20 s on 2 cores).
        for _ in range(450):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=2
                ) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "登录" in body
        for _ in range(50):
            if "Huey consumer started" in (tmp_path / "run.log").read_text():
                break
            time.sleep(0.2)
        assert "Huey consumer started" in (tmp_path / "run.log").read_text()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
    time.sleep(0.5)
    leftovers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True, check=False)
    assert leftovers.stdout.strip() == "", "gunicorn or the worker outlived `jiceng run`"
