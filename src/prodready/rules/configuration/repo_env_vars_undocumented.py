"""Environment variables documented nowhere.

## What it does
Compares the environment variables the code reads (`os.getenv`, settings classes, `process.env`,
`os.Getenv`) with those documented in `.env.example`/`.env.sample`/`.env.template`, README/docs and
compose `environment:`. Reports one finding listing the variables that are read but documented
nowhere (and says when there is no `.env.example` at all).

## Why it matters in production
Operators deploy from documentation. An undocumented variable is missed in production, and the code
silently falls back to its default (often a development value).

## Example
```python
REDIS_URL = os.getenv("REDIS_URL", "redis://localhost:6379")   # appears nowhere else
```

## Use instead
```text
# .env.example
REDIS_URL=redis://redis:6379/0   # required in production
```

## Known limitations
When an `.env.example` exists, variables that have a production-safe default in code are taken as
optional and not listed. Variables whose names are built dynamically are not seen. Platform variables (PATH, HOME, PORT,
HOSTNAME, ...) are ignored.

## References
- https://12factor.net/config
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-302",
    name="env-vars-undocumented",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO}),
    fix="Commit a .env.example listing every variable the service reads, with safe example values.",
    references=("https://12factor.net/config",),
)

PLATFORM = {
    "PATH",
    "HOME",
    "USER",
    "PWD",
    "SHELL",
    "LANG",
    "TZ",
    "TERM",
    "HOSTNAME",
    "PORT",
    "HOST",
    "CI",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "TMPDIR",
    "NODE_ENV",
    "GOPATH",
    "KUBERNETES_SERVICE_HOST",
    "DEBUG",
    "COLUMNS",  # set by the terminal, read for output width
    "LINES",
    "NO_COLOR",
    "FORCE_COLOR",
    "WEB_CONCURRENCY",  # set by Heroku/Render and read by gunicorn/uvicorn
    "GUNICORN_CMD_ARGS",
    "FORWARDED_ALLOW_IPS",  # gunicorn's and uvicorn's own setting
    "DJANGO_SETTINGS_MODULE",  # Django's own switch, set by manage.py/wsgi.py
}
# Set by the hosting platform on every deployment, never by the operator.
PLATFORM_PREFIX = ("RAILWAY_", "RENDER_", "FLY_", "HEROKU_", "VERCEL_", "K_SERVICE", "GAE_", "AWS_LAMBDA_", "WEBSITE_", "DYNO")


DEV_DEFAULT = lazy_compile(r"(?i)localhost|127\.0\.0\.1|\bdev\b|development|debug|change.?me|secret|example|^$")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    names = sorted(
        {
            e.name
            for e in model.env_vars
            if e.name.upper() not in PLATFORM and not e.name.upper().startswith(PLATFORM_PREFIX)
            and not e.file.startswith(("tests/", "test/"))
        }
    )
    if len(names) < 2:
        return
    ctx.examine(RULE)
    documented: set[str] = set()
    has_example = False
    for record in model.facts.get("documented_env", []):
        documented.update(str(n).upper() for n in record.get("names", []))
        if str(record.get("source", "")).rsplit("/", 1)[-1].startswith(".env"):
            has_example = True
    missing = [n for n in names if n.upper() not in documented]
    if has_example:
        # Beside an .env.example, a variable with a production-safe default in code (a model name, a
        # cache size with bounds) is an optional knob, not something an operator must know to set.
        optional = {e.name for e in model.env_vars if e.has_default and not DEV_DEFAULT.search(str(e.default or ""))}
        missing = [n for n in missing if n not in optional]
    if not missing:
        return
    if not has_example:
        yield Hit(
            line=None,
            path=None,
            message=f"no .env.example, and {len(missing)} of {len(names)} variables read by the code are documented nowhere ({', '.join(missing[:8])}{', ...' if len(missing) > 8 else ''})",
        )
    else:
        yield Hit(
            line=None,
            path=None,
            message=f"{len(missing)} variables read but documented nowhere: {', '.join(missing[:10])}",
        )
