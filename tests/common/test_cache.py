"""The Redis cache keeps one client for its server instead of building one a call."""

from jiceng.common.cache import RedisCache


def test_the_redis_cache_keeps_one_client_per_server():
    # No command is sent: building clients needs no server.
    cache = RedisCache("redis://127.0.0.1:9/0", {})
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: reads and writes
    assert RedisCache("redis://127.0.0.1:9/0", {})._cache.get_client("a") is not first


def test_a_cache_of_a_primary_and_a_replica_keeps_a_client_for_each():
    cache = RedisCache("redis://127.0.0.1:9/0,redis://127.0.0.1:10/0", {})
    writer = cache._cache.get_client("a", write=True)
    reader = cache._cache.get_client("a")
    assert writer is not reader
    assert cache._cache.get_client("b", write=True) is writer and cache._cache.get_client("b") is reader
    assert writer.connection_pool.connection_kwargs["port"] == 9
    assert reader.connection_pool.connection_kwargs["port"] == 10
