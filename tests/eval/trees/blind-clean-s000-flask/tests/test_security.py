"""Path confinement, input validation, configuration and rate limiting."""
from __future__ import annotations

import os

import pytest

from app.config import ConfigError, Settings
from app.errors import NotFound, ServiceUnavailable, ValidationError
from app.paths import open_confined, resolve_user_path
from app.ratelimit import RateLimited, RateLimiter
from app.validation import bounded_int, validate_idempotency_key, validate_training_request

OWNER = "7d1f0d7e-3c1a-4a4e-9d62-3f7e8f0b1a11"


@pytest.fixture
def data_root(tmp_path):
    owner_dir = tmp_path / OWNER
    (owner_dir / "datasets").mkdir(parents=True)
    (owner_dir / "datasets" / "train.jsonl").write_text('{"text": "hi"}\n')
    (tmp_path / "other-owner").mkdir()
    (tmp_path / "other-owner" / "secret.jsonl").write_text("nope\n")
    return tmp_path


class TestPaths:
    def test_resolves_inside_owner_root(self, data_root):
        path = resolve_user_path(data_root, OWNER, "datasets/train.jsonl")
        assert path == (data_root / OWNER / "datasets" / "train.jsonl").resolve()

    @pytest.mark.parametrize("bad", ["../other-owner/secret.jsonl", "datasets/../../other-owner",
                                     "/etc/passwd", "a\x00b", "x" * 2000])
    def test_rejects_escapes_and_garbage(self, data_root, bad):
        with pytest.raises(ValidationError):
            resolve_user_path(data_root, OWNER, bad)

    def test_symlink_out_of_root_is_rejected(self, data_root):
        os.symlink(data_root / "other-owner" / "secret.jsonl", data_root / OWNER / "link.jsonl")
        with pytest.raises(ValidationError):
            resolve_user_path(data_root, OWNER, "link.jsonl")

    def test_missing_file_is_not_found(self, data_root):
        with pytest.raises(NotFound):
            resolve_user_path(data_root, OWNER, "datasets/absent.jsonl")

    def test_open_confined_refuses_directories(self, data_root):
        with pytest.raises(ValidationError):
            open_confined(data_root / OWNER / "datasets")


class TestValidation:
    def _payload(self, **hp):
        return {"base_model": "meta/llama-3-8b", "dataset_path": "datasets/train.jsonl", "hyperparameters": hp}

    def test_defaults_are_filled(self):
        spec = validate_training_request(self._payload())
        assert spec.hyperparameters["epochs"] == 3
        assert spec.hyperparameters["learning_rate"] == pytest.approx(2e-4)

    @pytest.mark.parametrize("hp", [{"epochs": 0}, {"epochs": 51}, {"epochs": True}, {"batch_size": "8"},
                                    {"learning_rate": float("nan")}, {"learning_rate": 5}, {"unknown": 1},
                                    {"batch_size": 256, "max_seq_length": 8192}])
    def test_rejects_out_of_bounds(self, hp):
        with pytest.raises(ValidationError):
            validate_training_request(self._payload(**hp))

    @pytest.mark.parametrize("model", ["../etc", "a/b/c", "", "x" * 300, "org/..name"])
    def test_rejects_bad_model_names(self, model):
        payload = self._payload()
        payload["base_model"] = model
        with pytest.raises(ValidationError):
            validate_training_request(payload)

    def test_rejects_non_object_and_extra_fields(self):
        with pytest.raises(ValidationError):
            validate_training_request(["not", "an", "object"])
        with pytest.raises(ValidationError):
            validate_training_request({**self._payload(), "priority": 100})

    def test_idempotency_key_and_bounded_int(self):
        assert validate_idempotency_key("abcdefgh") == "abcdefgh"
        with pytest.raises(ValidationError):
            validate_idempotency_key("short")
        assert bounded_int(None, name="n", default=5, minimum=1, maximum=10) == 5
        with pytest.raises(ValidationError):
            bounded_int("11", name="n", default=5, minimum=1, maximum=10)


class TestConfig:
    def test_required_variables(self, monkeypatch):
        monkeypatch.delenv("DATABASE_URL")
        with pytest.raises(ConfigError):
            Settings.from_env()

    def test_short_pepper_rejected(self, monkeypatch):
        monkeypatch.setenv("API_KEY_PEPPER", "short")
        with pytest.raises(ConfigError):
            Settings.from_env()

    def test_production_cannot_disable_rate_limits(self, monkeypatch):
        monkeypatch.setenv("APP_ENV", "production")
        monkeypatch.setenv("RATE_LIMIT_ENABLED", "false")
        with pytest.raises(ConfigError):
            Settings.from_env()

    def test_wildcard_cors_rejected(self, monkeypatch):
        monkeypatch.setenv("CORS_ALLOWED_ORIGINS", "https://app.example.com,*")
        with pytest.raises(ConfigError):
            Settings.from_env()

    def test_rate_strings_parsed(self, monkeypatch):
        monkeypatch.setenv("RATE_LIMIT_TRAINING_EXECUTE", "5/hour")
        assert Settings.from_env().rate_limit_training_execute == (5, 3600)


class TestRateLimiter:
    def test_allows_up_to_limit_then_rejects(self, fake_redis, frozen_clock):
        limiter = RateLimiter(fake_redis, clock=frozen_clock)
        for _ in range(3):
            limiter.enforce("execute", "key-1", 3, 60)
        with pytest.raises(RateLimited) as exc:
            limiter.enforce("execute", "key-1", 3, 60)
        assert int(exc.value.headers["Retry-After"]) >= 1

    def test_keys_and_windows_are_independent(self, fake_redis, frozen_clock):
        limiter = RateLimiter(fake_redis, clock=frozen_clock)
        limiter.enforce("execute", "key-1", 1, 60)
        limiter.enforce("execute", "key-2", 1, 60)
        frozen_clock.now += 60
        limiter.enforce("execute", "key-1", 1, 60)

    def test_redis_outage_fails_closed(self, fake_redis, frozen_clock):
        fake_redis.fail = True
        with pytest.raises(ServiceUnavailable):
            RateLimiter(fake_redis, clock=frozen_clock).enforce("execute", "key-1", 10, 60)

    def test_disabled_limiter_does_not_touch_redis(self, fake_redis):
        fake_redis.fail = True
        RateLimiter(fake_redis, enabled=False).enforce("execute", "key-1", 1, 60)
