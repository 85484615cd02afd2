"""What stands in for Redis while it is down: the cache misses (and drops writes) instead of raising, the NCBI
rate limit moves to this host's file; both use Redis again once it answers."""

import logging
import time
import uuid

import pytest
import redis

from articles.ncbi import ratelimit
from articles.ncbi.ratelimit import FileRateLimiter, RedisRateLimiter
from cafex_portal import cache as resilient
from cafex_portal.cache import ResilientRedisCache

from .servers import PrivateRedis

pytestmark = pytest.mark.services

TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.kill()


def test_the_cache_misses_while_redis_is_down_and_works_again_when_it_returns(private_redis, monkeypatch, caplog):
    monkeypatch.setattr(resilient, "RETRY_AFTER_SECONDS", 0.2)
    cache = ResilientRedisCache(private_redis.url, {"OPTIONS": TIMEOUTS, "KEY_PREFIX": uuid.uuid4().hex})
    cache.set("kept", "before", 60)
    cache.set("count", 1, 60)
    assert cache.get("kept") == "before"

    private_redis.kill()
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="cafex_portal.cache"):
        assert cache.get("kept") is None
        assert cache.get("kept", "default") == "default"
        assert cache.get_many(["kept", "count"]) == {}
        assert cache.has_key("kept") is False
        assert cache.add("new", 1) is False
        cache.set("new", 1)
        assert cache.touch("kept") is False
        assert cache.delete("kept") is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        cache.delete_many(["a", "b"])
        assert cache.get_or_set("computed", lambda: "fresh") == "fresh"
        with pytest.raises(ValueError):
            cache.incr("count")
        with pytest.raises(ValueError):
            cache.decr("count")
    assert time.monotonic() - started < 2, "an unreachable Redis must cost little"
    warnings = [r for r in caplog.records if r.name == "cafex_portal.cache" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()

    private_redis.start()  # same port, empty: what was cached before is gone, which a cache may do
    time.sleep(0.3)
    assert cache.get("kept") is None
    cache.set("kept", "after", 60)
    assert cache.get("kept") == "after"
    assert cache.add("kept_count", 5) is True
    assert cache.incr("kept_count") == 6


def test_the_rate_limit_moves_to_the_host_file_while_redis_is_down_and_back_when_it_returns(
    private_redis, tmp_path, monkeypatch, caplog
):
    monkeypatch.setattr(ratelimit, "REDIS_RETRY_SECONDS", 0.2)
    client = redis.Redis.from_url(private_redis.url, **TIMEOUTS)
    key = f"cafex:test:rate:{uuid.uuid4().hex}"
    fallback = FileRateLimiter(tmp_path / "ncbi-rate", 3)
    limiter = RedisRateLimiter(client, key, 3, fallback=fallback)
    assert limiter.try_acquire() == 0
    assert client.zcard(key) == 1

    private_redis.kill()
    with caplog.at_level(logging.WARNING, logger="articles.ncbi.ratelimit"):
        waits = [limiter.try_acquire() for _ in range(4)]
    assert waits[:3] == [0, 0, 0] and waits[3] > 0, "the file keeps the same limit: three a window, then wait"
    assert len((tmp_path / "ncbi-rate").read_text().split()) == 3
    assert sum("keeps the limit until Redis answers again" in r.getMessage() for r in caplog.records) == 1

    private_redis.start()
    time.sleep(0.3)
    assert limiter.try_acquire() == 0
    assert client.zcard(key) == 1, "the grant went to Redis again"
    client.close()


def test_without_a_fallback_the_redis_error_is_raised(tmp_path):
    dead = redis.Redis.from_url("redis://127.0.0.1:1/0", **TIMEOUTS)
    with pytest.raises(redis.ConnectionError):
        RedisRateLimiter(dead, "cafex:test:rate:none", 3).try_acquire()
