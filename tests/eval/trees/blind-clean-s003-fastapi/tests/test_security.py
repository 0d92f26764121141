from __future__ import annotations

import time

from app.core.security import KEY_PREFIX, TTLCache, generate_api_key, hash_api_key


def test_cache_is_bounded_and_evicts_least_recently_used():
    cache: TTLCache[str, int] = TTLCache(maxsize=3, ttl_seconds=60)
    for i in range(3):
        cache.set(f"k{i}", i)
    assert cache.get("k0") == 0  # k0 becomes most recently used
    cache.set("k3", 3)
    assert len(cache) == 3
    assert cache.get("k1") is None
    assert cache.get("k0") == 0


def test_cache_entries_expire(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    cache: TTLCache[str, int] = TTLCache(maxsize=10, ttl_seconds=5)
    cache.set("a", 1)
    now[0] += 6
    assert cache.get("a") is None
    assert len(cache) == 0


def test_api_key_hash_is_keyed_and_stable():
    key = generate_api_key()
    assert key.startswith(KEY_PREFIX)
    assert hash_api_key(key, "s1" * 20) == hash_api_key(key, "s1" * 20)
    assert hash_api_key(key, "s1" * 20) != hash_api_key(key, "s2" * 20)
    assert key not in hash_api_key(key, "s1" * 20)
