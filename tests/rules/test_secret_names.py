"""Which setting names hold a secret: every secrets rule, and redaction, decide by them."""

from __future__ import annotations

import pytest

from prodready.rules._secretutil import is_secret_name


@pytest.mark.parametrize(
    "name",
    ["ADMIN_PASSWORD", "ADMIN_TOKEN", "admin_secret", "DOMAIN_SECRET", "DB_PASS", "JWT_SECRET_KEY", "stripe.api_key"],
)
def test_names_that_hold_secrets(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    ["MAX_TOKENS", "min_password_length", "NUM_TOKENS", "page_token", "next_token", "PASSWORD_RESET_TTL", "SECRET_KEY_FILE"],
)
def test_names_that_hold_something_else(name: str) -> None:
    assert not is_secret_name(name)
