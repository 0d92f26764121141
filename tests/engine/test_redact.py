"""Secrets must never leave the engine: property-based checks of the redactor."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from prodready.redact import MASK, redact

SECRET_CHARS = st.text(alphabet="abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=12, max_size=40)
NAMES = st.sampled_from(["SECRET_KEY", "password", "api_key", "DB_PASSWORD", "jwtSecret", "client_secret", "AUTH_TOKEN"])
FORMS = st.sampled_from(['{name} = "{value}"', "{name}={value}", '{name}: "{value}"', "{name}: {value}", "'{name}': '{value}'", 'const {name} = "{value}";', '{name} := "{value}"'])


@settings(max_examples=300)
@given(name=NAMES, value=SECRET_CHARS, form=FORMS)
def test_secret_assignments_are_masked(name: str, value: str, form: str) -> None:
    line = form.format(name=name, value=value)
    out = redact(line)
    assert value not in out
    assert MASK in out


@given(user=st.from_regex(r"[a-z]{3,10}", fullmatch=True), password=SECRET_CHARS)
def test_url_passwords_are_masked(user: str, password: str) -> None:
    out = redact(f"DATABASE_URL=postgresql://{user}:{password}@db:5432/app")
    assert password not in out
    assert f"{user}:{MASK}@" in out


def test_known_formats_are_masked_anywhere() -> None:
    samples = [
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a" * 36,
        "xoxb-1234567890-abcdefghij",
        "sk_live_" + "b" * 24,
        "sk-proj-" + "c" * 30,
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    ]
    for sample in samples:
        assert sample not in redact(f"value = call({sample!r})")


def test_references_and_placeholders_stay_readable() -> None:
    for line in (
        'SECRET_KEY = os.environ["SECRET_KEY"]',
        "password = settings.DB_PASSWORD",
        "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
        "api_key = None",
        "token: str",
    ):
        assert redact(line) == line
