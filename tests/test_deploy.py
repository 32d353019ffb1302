"""Production settings pass Django's deployment checks, through the `jiceng` command."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def _jiceng(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "JICENG_DEBUG", "DATABASE_URL")}
    env.update(extra)
    return subprocess.run(
        [sys.executable, "-m", "jiceng.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production_settings(tmp_path: Path):
    result = _jiceng(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        JICENG_SECRET_KEY=secrets.token_urlsafe(50),
        JICENG_FIELD_KEY=Fernet.generate_key().decode(),
        JICENG_SSL_REDIRECT="1",
        JICENG_HSTS_SECONDS="31536000",
        JICENG_SECURE_COOKIES="1",  # a local .env from `make run` turns them off for plain http
        JICENG_VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_keys(tmp_path: Path):
    result = _jiceng("check", JICENG_VAR_DIR=str(tmp_path), JICENG_SECRET_KEY="", JICENG_FIELD_KEY="")
    assert result.returncode != 0 and "JICENG_SECRET_KEY" in result.stderr


def test_the_production_cache_and_job_queue_have_their_redis_client():
    """With REDIS_URL (docs/deployment.md) the cache, the sessions and huey talk to Redis: the
    client library must be installed (building the clients connects to nothing yet)."""
    from huey import RedisHuey

    from jiceng.common.redis_cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:1/0", {})
    assert cache._cache.get_client(write=True).connection_pool is not None
    assert RedisHuey("jiceng-test", url="redis://127.0.0.1:1/0").storage.conn is not None
