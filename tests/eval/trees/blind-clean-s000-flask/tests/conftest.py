from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("API_KEY_PEPPER", "test-pepper-" + "x" * 32)
os.environ.setdefault("DATABASE_URL", "sqlite://")
os.environ.setdefault("REDIS_URL", "redis://localhost:6379/15")
os.environ.setdefault("APP_ENV", "test")


class FakePipeline:
    def __init__(self, store: "FakeRedis") -> None:
        self._store = store
        self._ops: list = []

    def incr(self, key):
        self._ops.append(("incr", key))
        return self

    def expire(self, key, seconds):
        self._ops.append(("expire", key, seconds))
        return self

    def lpush(self, key, value):
        self._ops.append(("lpush", key, value))
        return self

    def ltrim(self, key, start, end):
        self._ops.append(("ltrim", key, start, end))
        return self

    def zadd(self, key, mapping):
        self._ops.append(("zadd", key, mapping))
        return self

    def zremrangebyscore(self, key, low, high):
        self._ops.append(("zrem_range", key, low, high))
        return self

    def execute(self):
        if self._store.fail:
            import redis
            raise redis.ConnectionError("down")
        results = []
        for op in self._ops:
            if op[0] == "incr":
                self._store.data[op[1]] = int(self._store.data.get(op[1], 0)) + 1
                results.append(self._store.data[op[1]])
            elif op[0] == "expire":
                self._store.ttl[op[1]] = op[2]
                results.append(True)
            elif op[0] == "lpush":
                self._store.data.setdefault(op[1], []).insert(0, op[2])
                results.append(len(self._store.data[op[1]]))
            elif op[0] == "zadd":
                self._store.data.setdefault(op[1], {}).update(op[2])
                results.append(len(op[2]))
            elif op[0] == "zrem_range":
                zset = self._store.data.get(op[1], {})
                for member in [m for m, score in zset.items() if op[2] <= score <= op[3]]:
                    del zset[member]
                results.append(True)
            elif op[0] == "ltrim":
                self._store.data[op[1]] = self._store.data[op[1]][op[2]: op[3] + 1]
                results.append(True)
        self._ops.clear()
        return results


class FakeRedis:
    """The handful of commands the API uses, in memory."""

    def __init__(self) -> None:
        self.data: dict = {}
        self.ttl: dict = {}
        self.fail = False

    def pipeline(self, transaction=True):
        return FakePipeline(self)

    def ping(self):
        if self.fail:
            import redis
            raise redis.ConnectionError("down")
        return True

    def get(self, key):
        if self.fail:
            import redis
            raise redis.ConnectionError("down")
        return self.data.get(key)

    def zcount(self, key, low, high):
        return sum(1 for score in self.data.get(key, {}).values() if score >= low)

    def zrem(self, key, member):
        return int(self.data.get(key, {}).pop(member, None) is not None)

    def blpop(self, keys, timeout=0):
        for key in keys:
            if self.data.get(key):
                return key, self.data[key].pop()
        return None

    def close(self):
        pass


@pytest.fixture
def fake_redis() -> FakeRedis:
    return FakeRedis()


@pytest.fixture
def frozen_clock():
    class Clock:
        def __init__(self) -> None:
            self.now = time.time()

        def __call__(self) -> float:
            return self.now

    return Clock()
