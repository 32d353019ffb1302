"""The Redis cache backend production uses (sessions, pages' caches, the intake signal) keeps one
client per connection pool instead of building one for every call."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest

from jiceng.common.redis_cache import RedisCache


@pytest.fixture
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is missing: `make test` installs it (make system-deps)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_cache_works_through_one_kept_client(redis_url: str):
    cache = RedisCache(redis_url, {})
    assert cache.add("appeals:intake:signal", 1, 30) is True
    assert cache.add("appeals:intake:signal", 1, 30) is False  # the worker's signal is set once
    cache.set("menu", {"zh-hans": ["首页"]}, 60)
    assert cache.get("menu") == {"zh-hans": ["首页"]}
    cache.delete("appeals:intake:signal")
    assert cache.get("appeals:intake:signal") is None
    client = cache._cache.get_client()
    assert cache._cache.get_client() is client
    assert cache._cache.get_client(write=True) is client  # one server: one pool, one client


def test_a_cache_of_a_primary_and_a_replica_keeps_a_client_for_each():
    # No command is sent: building clients connects to nothing.
    cache = RedisCache("redis://127.0.0.1:9/0,redis://127.0.0.1:10/0", {})
    writer = cache._cache.get_client("a", write=True)
    reader = cache._cache.get_client("a")
    assert writer is not reader
    assert cache._cache.get_client("b", write=True) is writer and cache._cache.get_client("b") is reader
    assert writer.connection_pool.connection_kwargs["port"] == 9
    assert reader.connection_pool.connection_kwargs["port"] == 10
    assert RedisCache("redis://127.0.0.1:9/0", {})._cache.get_client() is not writer
