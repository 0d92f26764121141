"""Unit tests: settings validation, tokens, passwords, LRU cache, rate limiter."""
import uuid

import fakeredis
import httpx
import pytest
from pydantic import ValidationError

from app.config import Settings
from app.llm import LLMClient, LLMUnavailable, LRUCache
from app.security import RateLimiter, create_access_token, decode_access_token, hash_password, verify_password

GOOD = dict(
    ENVIRONMENT="production",
    DATABASE_URL="postgresql+asyncpg://rag:s3cr3t-Pg-pass@postgres:5432/rag",
    REDIS_URL="redis://:s3cr3t-redis@redis:6379/0",
    SECRET_KEY="k" * 48,
    OPENAI_API_KEY="sk-test-0123456789",
    ALLOWED_ORIGINS="https://app.acme.io",
    METRICS_TOKEN="m" * 32,
)


def make_settings(**overrides) -> Settings:
    return Settings(**{**GOOD, **overrides})


def test_valid_production_settings_load():
    settings = make_settings()
    assert settings.allowed_origins == ["https://app.acme.io"]
    assert settings.is_production


@pytest.mark.parametrize(
    "field,value",
    [
        ("SECRET_KEY", "change-me-generate-with-openssl-rand-hex-32"),
        ("OPENAI_API_KEY", "change-me"),
        ("DATABASE_URL", "postgresql+asyncpg://rag:change-me@postgres:5432/rag"),
        ("METRICS_TOKEN", "your-token-here"),
    ],
)
def test_placeholders_are_refused(field, value):
    with pytest.raises(ValidationError, match="placeholder"):
        make_settings(**{field: value})


def test_short_secret_key_refused():
    with pytest.raises(ValidationError, match="at least 32"):
        make_settings(SECRET_KEY="short-but-real-0123")


@pytest.mark.parametrize("origins", ["*", "http://app.acme.io", "https://localhost:3000"])
def test_unsafe_origins_refused_in_production(origins):
    with pytest.raises(ValidationError):
        make_settings(ALLOWED_ORIGINS=origins)


def test_localhost_origin_allowed_in_development():
    settings = make_settings(ENVIRONMENT="development", ALLOWED_ORIGINS="http://localhost:3000")
    assert settings.allowed_origins == ["http://localhost:3000"]


def test_debug_refused_in_production():
    with pytest.raises(ValidationError, match="DEBUG"):
        make_settings(DEBUG=True)


def test_sync_driver_refused():
    with pytest.raises(ValidationError, match="asyncpg"):
        make_settings(DATABASE_URL="postgresql://rag:s3cr3t@postgres/rag")


def test_token_round_trip_and_tamper():
    settings = make_settings()
    user_id = uuid.uuid4()
    token = create_access_token(user_id, settings)
    assert decode_access_token(token, settings) == user_id
    assert decode_access_token(token[:-2] + "xx", settings) is None
    other = make_settings(SECRET_KEY="z" * 48)
    assert decode_access_token(token, other) is None


def test_expired_token_rejected():
    settings = make_settings()
    settings_short = settings.model_copy(update={"ACCESS_TOKEN_TTL_MIN": -1})
    token = create_access_token(uuid.uuid4(), settings_short)
    assert decode_access_token(token, settings) is None


def test_password_hashing():
    hashed = hash_password("correct horse battery")
    assert verify_password("correct horse battery", hashed)
    assert not verify_password("wrong horse battery", hashed)
    assert not verify_password("anything", None)
    assert not verify_password("anything", "not-a-bcrypt-hash")


def test_lru_cache_is_bounded_and_recency_ordered():
    cache: LRUCache[str, int] = LRUCache(maxsize=2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "a" becomes most recent
    cache.put("c", 3)           # evicts "b"
    assert cache.get("b") is None
    assert cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_lru_cache_disabled_with_zero_size():
    cache: LRUCache[str, int] = LRUCache(maxsize=0)
    cache.put("a", 1)
    assert cache.get("a") is None


async def test_rate_limiter_blocks_after_limit():
    limiter = RateLimiter(fakeredis.FakeAsyncRedis(decode_responses=True))
    results = [await limiter.hit("login", "203.0.113.7", limit=3) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert results[-1].retry_after_s > 0
    other = await limiter.hit("login", "198.51.100.1", limit=3)
    assert other.allowed


async def test_llm_retries_transient_errors_then_succeeds(monkeypatch):
    monkeypatch.setattr("app.llm.asyncio.sleep", _no_sleep)
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            return httpx.Response(503)
        return httpx.Response(200, json={"choices": [{"message": {"content": "hi"}}]})

    client = LLMClient(make_settings(), transport=httpx.MockTransport(handler))
    try:
        assert await client.chat([{"role": "user", "content": "hello"}]) == "hi"
    finally:
        await client.aclose()
    assert calls["n"] == 2


async def test_llm_does_not_retry_client_errors(monkeypatch):
    monkeypatch.setattr("app.llm.asyncio.sleep", _no_sleep)
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(400, json={"error": "bad"})

    client = LLMClient(make_settings(), transport=httpx.MockTransport(handler))
    try:
        with pytest.raises(LLMUnavailable):
            await client.chat([{"role": "user", "content": "hello"}])
    finally:
        await client.aclose()
    assert calls["n"] == 1


async def test_embeddings_are_cached():
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        return httpx.Response(200, json={"data": [{"embedding": [0.5, 0.25]}]})

    client = LLMClient(make_settings(), transport=httpx.MockTransport(handler))
    try:
        assert await client.embed("q") == [0.5, 0.25]
        assert await client.embed("q") == [0.5, 0.25]
    finally:
        await client.aclose()
    assert calls["n"] == 1


async def _no_sleep(_seconds: float) -> None:
    return None
