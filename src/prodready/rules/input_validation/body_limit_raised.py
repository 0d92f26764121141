"""Request body limit raised to many megabytes for parsed bodies.

## What it does
Flags body parsers whose size limit is raised to 10 MB or more: Express and body-parser
`json()`, `urlencoded()` and `text()` with `limit: '50mb'`, Fastify's `bodyLimit`, and Next.js API
routes or server actions whose `sizeLimit` / `bodySizeLimit` is set that high.

## Why it matters in production
These parsers read the whole body into memory and then parse it on the event loop. At the default
(100 kB for Express, 1 MB for Next.js and Fastify) a request costs little; at 50 MB one client
holds tens of megabytes per request and blocks every other request for the time `JSON.parse`
takes, and a handful of concurrent posts, unauthenticated ones included when the parser is
mounted globally, exhaust the memory of the process. A limit sized for a file upload belongs on
that one route, with a streaming upload parser, not on every JSON endpoint.

## Example
```javascript
app.use(express.json({ limit: '50mb' }));
```

## Use instead
```javascript
app.use(express.json({ limit: '256kb' }));
app.post('/api/import', express.json({ limit: '5mb' }), importHandler);   // only where needed
```

## Known limitations
Limits computed at run time (`limit: config.maxBody`) are not judged. Raw parsers (`raw()`) used
for webhooks and multipart upload limits are out of scope (PR-IV-008 covers uploads).

## References
- https://expressjs.com/en/api.html#express.json
- https://nextjs.org/docs/pages/building-your-application/routing/api-routes#custom-config
- https://fastify.dev/docs/latest/Reference/Server/#bodylimit
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-012",
    name="body-limit-raised",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Keep the parser's limit small (a few hundred kB) and raise it only on the route that needs it; stream uploads.",
    references=("https://expressjs.com/en/api.html#express.json",),
)

RAISED = 10 * 1024 * 1024  # 10 MB: a hundred times Express's default
PARSERS = frozenset({"json", "urlencoded", "text"})
PARSER_MODULES = frozenset({"express", "body-parser"})
SIZE = lazy_compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)i?b?\s*$", re.IGNORECASE)
UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def size_in_bytes(node: Any) -> int | None:
    """A size as the `bytes` package reads it ('50mb', '10 MB', 52428800); None when computed."""
    if node is None:
        return None
    if node.type == "number":
        try:
            return int(float(text(node)))
        except ValueError:
            return None
    if node.type in {"string", "template_string"}:
        value = string_value(node)
        match = SIZE.match(value or "") if value is not None else None
        if match:
            return int(float(match.group(1)) * UNITS[match.group(2).lower()])
    return None


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB"


@once_per_file
def _skip(ctx: TreeContext) -> bool:
    return ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) is not None or not any(
        key in ctx.text for key in ("limit", "Limit")
    )


def _parser_call(call: Any, ctx: TreeContext) -> str | None:
    """`express.json(...)`, `bodyParser.urlencoded(...)`, or `json(...)` imported from either."""
    name = js.callee(call)
    owner, _, method = name.rpartition(".")
    if method not in PARSERS:
        return None
    if owner:
        module = ctx.imports.get(owner, "").split("#")[0]
        # `wares.bodyParser.json(...)`: body-parser handed around on a middleware object
        return name if module in PARSER_MODULES or owner.rpartition(".")[2] == "bodyParser" else None
    module = ctx.imports.get(method, "").split("#")[0]
    return name if module in PARSER_MODULES else None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_parser(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    name = _parser_call(node, ctx)
    if name is None or not js.args(node):
        return
    ctx.examine(RULE)
    size = size_in_bytes(js.object_value(js.args(node)[0], "limit"))
    if size is not None and size >= RAISED:
        yield RULE.hit(node, f"{name}() accepts bodies of {_megabytes(size)}, read whole into memory and parsed on "
                       "the event loop: a few concurrent requests exhaust the process")


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_config(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """Next.js `api: { bodyParser: { sizeLimit } }`, `serverActions: { bodySizeLimit }`; Fastify `bodyLimit`."""
    if _skip(ctx):
        return
    key = text(node.child_by_field_name("key")).strip("'\"")
    if key not in {"sizeLimit", "bodySizeLimit", "bodyLimit"}:
        return
    if key == "bodyLimit" and "fastify" not in ctx.text:
        return
    if key == "sizeLimit" and "bodyParser" not in ctx.text:
        return
    ctx.examine(RULE)
    size = size_in_bytes(node.child_by_field_name("value"))
    if size is not None and size >= RAISED:
        yield RULE.hit(node, f"`{key}` raised to {_megabytes(size)}: each request body is held in memory and parsed "
                       "whole, so a few concurrent requests exhaust the process")
