"""Example env file ships a usable signing secret

## What it does
Flags a signing secret (`SECRET_KEY`, `JWT_SECRET`, `SESSION_SECRET`, `ACCESS_TOKEN_SECRET`, ...)
given a working value in a committed env template (`.env.example`, `.env.sample`, `.env.template`):
`SECRET_KEY=insecure_key_for_dev`, `JWT_SECRET=thisisasamplesecret`. Empty values and obvious
placeholders (`<secret>`, `your-secret-here`, `changeme`, `${JWT_SECRET}`) are left alone.

## Why it matters in production
The template is what every deployment starts from: `cp .env.example .env` and the service runs.
A placeholder breaks loudly; a value that works is kept, and the service then signs its sessions and
tokens with a key anyone can read in the repository — anyone can forge a session or a token for any
user, including an administrator.

## Example
```dotenv
SECRET_KEY=insecure_key_for_dev
```

## Use instead
```dotenv
# generate with: python -c "import secrets; print(secrets.token_urlsafe(48))"
SECRET_KEY=
```
and refuse to start when it is empty or short.

## Known limitations
Code that rejects the template's exact value at start-up is not seen.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._secretutil import PLACEHOLDER, snake_case
from prodready.rules.base import RuleMeta
from prodready.rules.secrets.infra_committed_env_file import is_template

RULE = RuleMeta(
    id="PR-SE-305",
    name="template-env-usable-secret",
    category=Category.SECRETS,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Leave the signing secret empty in the template (with how to generate one) and refuse to start without a strong one.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html",),
)

# placeholders a deployment cannot run with unnoticed, beyond the shared PLACEHOLDER forms
NOT_USABLE = lazy_compile(r"(?i)^(change[-_ ]?(me|this|it)\b.*|.*change[-_ ]?(me|this|in[-_ ]production).*|generate.*|random.*|secret)$")
# the service's own signing keys (not OAuth client secrets or provider keys)
SIGNING = lazy_compile(
    r"(?i)^secret$|^(\w+_)?(secret_?key|jwt_?secret|jwt_?key|jwt_?signing_?key|session_?secret|cookie_?secret|"
    r"(access|refresh)?_?token_?secret|auth_?secret|signing_?key|secret_?key_?base|app_?secret|app_?key)$"
)
PROVIDER = lazy_compile(r"(?i)(client|oauth|facebook|github|google|twitter|linkedin|aws|s3|stripe|smtp|mail|api|discord|slack|paypal)")
DEV_PATH = lazy_compile(r"(?i)(^|/)(\.devcontainer|dev|development|test|tests|e2e|ci)/")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    # a template the code loads at start-up is PR-SE-302's finding (its values are live defaults)
    loaded = {str(s.get("detail", "")).lower() for s in ctx.model.signals("loads-template-env")}
    usable: dict[str, list[dict[str, Any]]] = {}
    for entry in ctx.model.facts.get("template_env_entry", []):
        path = str(entry.get("file", ""))
        if not is_template(path) or DEV_PATH.search(path) or path.rsplit("/", 1)[-1].lower() in loaded:
            continue
        name = snake_case(str(entry.get("key", "")))
        if not SIGNING.match(name) or PROVIDER.search(name):
            continue
        ctx.examine(RULE)
        value = str(entry.get("value") or "").strip().strip("\"'")
        if not (PLACEHOLDER.match(value) or NOT_USABLE.match(value)):
            usable.setdefault(path, []).append(entry)
    for path, entries in sorted(usable.items()):
        # one defect per template (reviewers write the keys up together): at the first key
        first = min(entries, key=lambda e: int(e.get("line") or 0))
        keys = ", ".join(str(e.get("key")) for e in entries)
        yield Hit(
            line=first.get("line"), path=path,
            message=f"{path.rsplit('/', 1)[-1]} gives {keys} a usable value: a deployment that copies the "
            "template signs with a key published in the repository",
        )
