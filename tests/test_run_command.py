"""`jiceng run` serves the pages with gunicorn and starts the job worker; a plain kill stops both."""

import json
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


SETUP = """
from jiceng.accounts.models import ApiToken, RoleBinding, User
from jiceng.accounts.roles import Role
from jiceng.territory.models import Area, Level
d = Area.objects.create(code="370303", name="张店区", level=Level.DISTRICT)
s = Area.objects.create(code="370303005", name="马尚街道", level=Level.STREET, parent=d)
c = Area.objects.create(code="370303005001", name="世纪花园社区", level=Level.COMMUNITY, parent=s)
g = Area.objects.create(code="370303005001001", name="第一网格", level=Level.GRID, parent=c)
u = User.objects.create(username="grid01")
RoleBinding.objects.create(user=u, role=Role.GRID_WORKER, area=g)
print(ApiToken.issue(u, "test")[1])
"""


def _api(port: int, token: str, path: str, body: dict[str, object] | None = None) -> dict[str, object]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        result: dict[str, object] = json.loads(response.read())
        return result


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
    token = subprocess.run(
        [*jiceng, "shell", "-c", SETUP], env=env, check=True, timeout=120, capture_output=True, text=True
    ).stdout.split()[-1]
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
        deadline = time.monotonic() + 240  # generous: other suites share the 2 cores
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/accounts/login/", timeout=2
                ) as response:
                    body = response.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "登录" in body
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if "Huey consumer started" in (tmp_path / "run.log").read_text():
                break
            time.sleep(0.2)
        assert "Huey consumer started" in (tmp_path / "run.log").read_text()
        # An appeal is answered at once and the worker writes its timeline's first event.
        appeal = _api(
            port,
            token,
            "appeals/",
            {"category": "garbage", "text": "三号楼下垃圾没人清运", "area": "370303005001001"},
        )
        kinds: list[object] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            events = _api(port, token, f"appeals/{appeal['id']}")["events"]
            kinds = [e["kind"] for e in events]  # type: ignore[attr-defined, index]
            if kinds:
                break
            time.sleep(0.2)
        assert kinds == ["submitted"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=40)
    time.sleep(0.5)
    leftovers = subprocess.run(["pgrep", "-s", str(proc.pid)], capture_output=True, text=True, check=False)
    assert leftovers.stdout.strip() == "", "gunicorn or the worker outlived `jiceng run`"
