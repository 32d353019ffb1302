"""`jiceng run`: the web server (gunicorn) and the job worker (huey) together, until Ctrl-C."""

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from jiceng.demo.accounts import print_demo_logins


def _stamp() -> Path:
    return Path(settings.STATIC_ROOT) / ".collected"


def _static_is_current() -> bool:
    """The collected files are newer than every source asset (the stamp is written after a
    complete collectstatic)."""
    stamp = _stamp()
    if not stamp.exists():
        return False
    collected = stamp.stat().st_mtime
    for source in settings.STATICFILES_DIRS:
        for path in Path(source).rglob("*"):
            if path.stat().st_mtime > collected:
                return False
    return True


class Command(BaseCommand):
    help = "Serve the web application and run the background worker"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("JICENG_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("JICENG_WEB_WORKERS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiceng.settings"}
        if not _static_is_current():
            # Copies and compresses (gzip and Brotli) every asset: about 20 s the first time.
            self.stdout.write("collectstatic …")
            subprocess.run(
                [sys.executable, "-m", "jiceng.cli", "collectstatic", "--no-input", "-v", "0"],
                check=True,
                env=env,
            )
            _stamp().touch()
        worker = subprocess.Popen([sys.executable, "-m", "jiceng.cli", "worker"], env=env)
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "jiceng.wsgi",
                "--preload",  # the application and jieba's dictionary loaded once, shared by the workers
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
            ],
            env=env,
        )
        # A plain `kill` must stop the children too, as Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        print_demo_logins(self.stdout)
        self.stdout.write(f"Jiceng 基层治理平台: http://{options['bind']}/  (Ctrl-C 停止 / to stop)")
        try:
            web.wait()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            for proc in (web, worker):
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in (web, worker):
                proc.wait(timeout=30)
