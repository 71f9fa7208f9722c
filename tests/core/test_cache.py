"""Redis down is a cache miss (core/cache.py); the strict side raises. The pages and the
budget with Redis down: tests/orders_app/test_redis_down.py."""

import shutil
import socket
import subprocess
import time

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from core import cache as cache_module
from core.cache import FailSoftRedisCache


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def redis_cache(port: int) -> FailSoftRedisCache:
    return FailSoftRedisCache(f"redis://127.0.0.1:{port}/0", {})


@pytest.fixture
def no_retry_pause(monkeypatch):
    monkeypatch.setattr(cache_module, "RETRY_AFTER", 0.0)


def test_a_redis_that_is_down_answers_like_an_empty_cache(no_retry_pause):
    cache = redis_cache(closed_port())
    assert cache.get("k", "default") == "default"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    assert cache.set("k", 1) is False
    assert cache.get_or_set("k", 5) == 5
    with pytest.raises(ValueError):
        cache.incr("k")


def test_its_strict_side_raises(no_retry_pause):
    with pytest.raises(RedisConnectionError):
        redis_cache(closed_port()).strict.add("lock", "token", 5)


def test_after_a_failure_it_does_not_try_again_for_a_moment():
    cache = redis_cache(closed_port())
    cache.get("k")
    started = time.monotonic()
    for _ in range(1000):
        assert cache.get("k") is None
    with pytest.raises(RedisConnectionError, match="moments ago"):
        cache.strict.get("k")
    assert time.monotonic() - started < 0.5


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_it_works_again_when_redis_comes_back(no_retry_pause, tmp_path):
    port = closed_port()
    cache = redis_cache(port)
    cache.set("k", "before")  # down: nothing kept
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while cache.get("k") != "after" and time.monotonic() < deadline:
            cache.set("k", "after")  # a miss while the server starts, then kept
            time.sleep(0.05)
        assert cache.get("k") == "after"
        assert cache.strict.get("k") == "after"
    finally:
        server.terminate()
        server.wait(10)
    assert cache.get("k", "gone") == "gone"
