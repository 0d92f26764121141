"""Secrets in a committed `.env` file.

## What it does
Flags entries with secret-like names (or passwords inside URLs) that have real values in `.env`
files found in the tree. Templates (`.env.example`, `.env.sample`, `.env.template`) are skipped.

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

from collections.abc import Iterator

from prodready.engine.context import DotenvContext
from prodready.model import Category, Confidence, Hit, Language, Severity
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
