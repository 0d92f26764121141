from __future__ import annotations

import pytest

from app.core.validation import ConfigurationError, enforce, validate_settings


def test_valid_production_settings_pass(make_settings):
    errors, warnings = validate_settings(make_settings())
    assert errors == []
    assert warnings == []


def test_default_environment_is_production(monkeypatch):
    from app.core.config import Settings

    monkeypatch.delenv("ENVIRONMENT", raising=False)
    settings = Settings(
        _env_file=None,
        DATABASE_URL="postgresql+asyncpg://u:p@h/db",
        REDIS_URL="redis://h:6379/0",
        SECRET_KEY="x" * 40,
        FRED_API_KEY="a" * 32,
    )
    assert settings.is_production
    assert settings.DEBUG is False


@pytest.mark.parametrize(
    "origin", ["http://localhost:3000", "http://127.0.0.1:5173", "https://localhost"]
)
def test_localhost_cors_origin_is_an_error_in_production(make_settings, origin):
    errors, _ = validate_settings(make_settings(CORS_ORIGINS=[origin]))
    assert any("CORS_ORIGINS" in e for e in errors)


def test_plain_http_origin_is_an_error_in_production(make_settings):
    errors, _ = validate_settings(make_settings(CORS_ORIGINS=["http://dashboard.example.com"]))
    assert any("https" in e for e in errors)


def test_localhost_cors_allowed_in_development(make_settings):
    errors, _ = validate_settings(
        make_settings(ENVIRONMENT="development", CORS_ORIGINS=["http://localhost:3000"])
    )
    assert errors == []


def test_development_environment_on_railway_is_rejected(make_settings, monkeypatch):
    monkeypatch.setenv("RAILWAY_ENVIRONMENT_NAME", "production")
    errors, _ = validate_settings(make_settings(ENVIRONMENT="development"))
    assert any("running on railway" in e for e in errors)


def test_sync_driver_is_rejected(make_settings):
    errors, _ = validate_settings(make_settings(DATABASE_URL="postgresql://u:p@h:5432/db"))
    assert any("asyncpg" in e for e in errors)


def test_short_secret_rejected_everywhere(make_settings):
    errors, _ = validate_settings(make_settings(ENVIRONMENT="development", SECRET_KEY="dev"))
    assert any("SECRET_KEY" in e for e in errors)


def test_missing_metrics_token_rejected_in_production(make_settings):
    errors, _ = validate_settings(make_settings(METRICS_TOKEN=None))
    assert any("METRICS_TOKEN" in e for e in errors)


def test_debug_rejected_in_production(make_settings):
    with pytest.raises(ConfigurationError) as info:
        enforce(make_settings(DEBUG=True))
    assert "DEBUG" in str(info.value)


def test_error_messages_do_not_contain_secrets(make_settings):
    settings = make_settings(DATABASE_URL="mysql://user:hunter2hunter2@h/db")
    errors, _ = validate_settings(settings)
    assert errors
    assert all("hunter2" not in e for e in errors)


def test_tracked_series_are_normalised(make_settings):
    settings = make_settings(TRACKED_SERIES=[" gdp", "UNRATE", ""])
    assert settings.TRACKED_SERIES == ["GDP", "UNRATE"]


def test_invalid_tracked_series_rejected(make_settings):
    with pytest.raises(ValueError):
        make_settings(TRACKED_SERIES=["GDP; DROP TABLE"])
