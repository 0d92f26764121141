"""Access log writes full URLs while tokens travel in the query string

## What it does
In a Node service that reads a credential from the query string or the path — `req.query.token`,
`req.query.access_token`, `searchParams.get("token")`, a route like `/reset/:token` — flags the
HTTP access logger that records the full URL: morgan with a predefined format (`combined`,
`common`, `dev`, `short`, `tiny`) or a format string with `:url`, and koa-logger. The finding
points at the logger and names where the token is read.

## Why it matters in production
Password-reset, e-mail verification, magic-link and API tokens in URLs land in every access-log
line, then in the log shipper, the log index and everyone with read access to it. A reset token
copied from the logs takes over the account it was sent to, for as long as it stays valid.

## Example
```js
app.use(morgan("combined"));
router.post("/reset-password", (req, res) => resetPassword(req.query.token, req.body.password));
```

## Use instead
```js
morgan.token("path", (req) => req.originalUrl.split("?")[0]);
app.use(morgan(":remote-addr :method :path :status :response-time ms"));
```
or take the token in the request body or a header.

## Known limitations
Loggers configured through a wrapper package, and Go or Python access logs, are not read.

## References
- https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url
- https://github.com/expressjs/morgan#predefined-formats
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from prodready.engine.context import ProjectContext
from prodready.engine.safeio import read_head
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-007",
    name="access-log-records-query-tokens",
    category=Category.LOGGING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Log the path without its query string (a custom morgan token), or move tokens out of URLs into the body or a header.",
    references=(
        "https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url",
        "https://github.com/expressjs/morgan#predefined-formats",
    ),
)

_SECRET = r"(token|access_?token|accessToken|api_?key|apiKey|secret|signature|reset_?token|resetToken)"
TOKEN_IN_URL = lazy_compile(
    rf"\b(req|request|ctx\.request|ctx)\.query\.{_SECRET}\b|\b(req|request|ctx)\.query\[\s*['\"]{_SECRET}['\"]\s*\]|"
    rf"searchParams\.get\(\s*['\"]{_SECRET}['\"]\s*\)|['\"`]/[\w/:.-]*:{_SECRET}\b"
)
MORGAN_CALL = lazy_compile(r"\bmorgan\s*\(\s*(?P<arg>['\"`][^'\"`]*['\"`]|\w+)")
PREDEFINED = frozenset({"combined", "common", "dev", "short", "tiny"})
URL_FORMAT = lazy_compile(r"['\"`][^'\"`\n]*:url\b[^'\"`\n]*['\"`]")
KOA_LOGGER = lazy_compile(r"""require\(\s*['"]koa-logger['"]\s*\)|from\s+['"]koa-logger['"]""")
SOURCE = lazy_compile(r"\.(js|cjs|mjs|ts)$")
NOT_SERVER = lazy_compile(r"(?i)(^|/)(tests?|__tests__|spec|e2e|fixtures|docs?|node_modules|dist|build|public|static|client|frontend)/|\.(test|spec)\.")


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _url_logger(text: str) -> int | None:
    """Offset of the access-logger setup in this file that records the full URL, else None."""
    for call in MORGAN_CALL.finditer(text):
        argument = call.group("arg")
        if argument[0] in "'\"`":
            value = argument[1:-1]
            if value in PREDEFINED or ":url" in value:
                return call.start()
        else:
            # morgan(successFormat, ...): the format built in this file
            declared = re.search(rf"\b{re.escape(argument)}\s*=\s*([^;\n]+)", text)
            if declared and ":url" in declared.group(1):
                return declared.start()
            url_format = URL_FORMAT.search(text)
            if declared is None and url_format is not None:
                return url_format.start()
    koa = KOA_LOGGER.search(text)
    if koa is not None:
        use = re.search(r"\.use\(\s*\w*[Ll]ogger\(\s*\)", text)
        return use.start() if use else koa.start()
    return None


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    tests = set(model.test_files)
    token_at: tuple[str, int] | None = None
    loggers: list[tuple[str, int]] = []
    for path in model.source_files:
        if path in tests or not SOURCE.search(path) or NOT_SERVER.search(path):
            continue
        text = read_head(str(Path(model.root) / path), 400_000).decode("utf-8", "replace")
        if token_at is None:
            read = TOKEN_IN_URL.search(text)
            if read is not None:
                token_at = (path, _line(text, read.start()))
        if "morgan" in text or "koa-logger" in text:
            offset = _url_logger(text)
            if offset is not None:
                loggers.append((path, _line(text, offset)))
    if not loggers:
        return
    ctx.examine(RULE)
    if token_at is None:
        return
    where = f"{token_at[0]}:{token_at[1]}"
    for path, line in loggers:
        yield Hit(
            line=line,
            path=path,
            message=f"the access log records full URLs, and tokens travel in them (read at {where}): "
            "reset and API tokens end up in every log line",
            elsewhere=((token_at[0], token_at[1], "a token read from the URL"),),
        )
