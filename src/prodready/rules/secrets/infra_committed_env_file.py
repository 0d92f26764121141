"""Secrets in a committed `.env` file.

## What it does
Flags entries with secret-like names (or passwords inside URLs) that have real values in `.env`
files found in the tree. Templates (`.env.example`, `.env.sample`, `.env.template`) are skipped —
unless the code loads the template at start-up (`dotenv.config({ path: ".env.example" })`,
`process.loadEnvFile(".env.example")`): then its signing secrets (any value) and real-looking keys
are live defaults and are reported.

## Why it matters in production
A committed `.env` puts live credentials in every clone, fork, CI cache and image built with
`COPY . .`. Rotating them requires finding every copy.

## Example
```text
SECRET_KEY=8f2c1b7e9a4d6f3e0b5c7a9d2e4f6a8b
DATABASE_URL=postgresql://shop:Sh0pPass@db/shop
```

## Use instead
```text
# .env.example (committed) — values come from the secret store at deploy time
SECRET_KEY=
DATABASE_URL=postgresql://user:password@host/db
```

## Known limitations
prodready audits files on disk: a local, git-ignored `.env` is reported too (the evidence shows the
line, with the value redacted). Suppress in config with a reason if that file never leaves the
machine.

## References
- https://12factor.net/config
- https://cwe.mitre.org/data/definitions/538.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.engine.context import DotenvContext, ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._secretutil import PLACEHOLDER, is_secret_name, snake_case
from prodready.rules.base import RuleMeta
from prodready.rules.secrets.infra_literal_secret_in_config import judge

RULE = RuleMeta(
    id="PR-SE-302",
    name="committed-env-file-secret",
    category=Category.SECRETS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.DOTENV}),
    fix="Remove the .env from the repository, rotate its credentials, and commit a .env.example without values.",
    references=("https://12factor.net/config",),
)

TEMPLATE_WORDS = ("example", "sample", "template", "dist", "defaults", "tpl")


def is_template(path: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    return any(word in name for word in TEMPLATE_WORDS)


NON_PRODUCTION = ("test", "testing", "dev", "development", "local", "ci", "e2e", "sample")


def is_non_production(path: str) -> bool:
    """`.env.test`, `.env.development`, `.env.local`: values for machines that are not production."""
    parts = path.rsplit("/", 1)[-1].lower().split(".")
    return any(part in NON_PRODUCTION for part in parts[2:] if part)


@RULE.on_file(Language.DOTENV)
def check(ctx: DotenvContext) -> Iterator[Hit]:
    if is_template(ctx.path) or is_non_production(ctx.path) or ctx.is_test_file:
        return
    for entry in ctx.entries:
        ctx.examine(RULE)
        if not entry.value:
            continue
        reason = judge(entry.key, entry.value)
        if reason:
            yield Hit(line=entry.line, message=f"{ctx.path.rsplit('/', 1)[-1]}: {reason}")


SIGNING = lazy_compile(
    r"(?i)^(secret|secret_?key|jwt_?(secret|key)|session_?secret|signing_?key|app_?secret|cookie_?secret|"
    r"token_?secret|auth_?secret|nextauth_?secret|secret_?key_?base|encryption_?key)$"
)
RANDOM_LOOKING = lazy_compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_+/=.~-]{16,}$")
KEY_NAME = lazy_compile(r"(?i)(^|_)s?key$")
PLACEHOLDER_WORDS = lazy_compile(r"(?i)(x{4,}|your|change|replace|example|placeholder|secret|password|dummy|<|>)")


@RULE.on_project
def check_loaded_template(ctx: ProjectContext) -> Iterator[Hit]:
    """A .env.example the code loads at start-up: its values are live defaults, not documentation."""
    loaded = {str(s.get("detail", "")).lower() for s in ctx.model.signals("loads-template-env")}
    if not loaded:
        return
    entries = ctx.model.facts.get("template_env_entry", [])
    keys = {str(e.get("key", "")).upper() for e in entries}
    for entry in entries:
        name = str(entry.get("file", "")).rsplit("/", 1)[-1].lower()
        if name not in loaded:
            continue
        key, value = str(entry.get("key", "")), str(entry.get("value") or "").strip()
        if not value or value.startswith("$") or not (is_secret_name(key) or KEY_NAME.search(key)):
            continue
        if not is_secret_name(key) and re.sub(r"_?S?KEY$", "_SECRET", key.upper()) in keys:
            continue  # TUMBLR_KEY beside TUMBLR_SECRET: the public consumer key of an OAuth pair
        ctx.examine(RULE)
        if SIGNING.match(snake_case(key)):
            yield Hit(line=entry.get("line"), path=entry.get("file"), message=f"{name} is loaded at start-up, so `{key}` defaults to the public value committed here: anyone can sign sessions/tokens unless every deployment overrides it")
        elif any(RANDOM_LOOKING.match(word) for word in value.split()) and not PLACEHOLDER.match(value) and not PLACEHOLDER_WORDS.search(value):
            yield Hit(line=entry.get("line"), path=entry.get("file"), message=f"{name} is loaded at start-up and commits a real-looking `{key}`: it is used as the live credential whenever the variable is not set")
