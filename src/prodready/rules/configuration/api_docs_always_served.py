"""API docs and Swagger UI served in every environment

## What it does
Flags interactive API documentation mounted with no switch to turn it off in production:
- Go: a route or static mount that serves Swagger UI (`ginSwagger.WrapHandler`,
  `echoSwagger.WrapHandler`, `httpSwagger.Handler`, fiber `swagger.HandlerDefault`, a `/swagger`
  or `/swaggerui` static directory) registered outside any `if`;
- Node: `swagger-ui-express` (`swaggerUi.serve` / `swaggerUi.setup`) mounted on the app outside any
  `if` (on an `express.Router()` of its own, the code that mounts that router decides);
- FastAPI: an app built with an explicit, unconditional `openapi_url`/`docs_url` (a constant or an
  f-string, not `None` or `""` and not chosen by a condition) — the author configured the docs and left
  them on everywhere.
Routes registered inside a condition (`if cfg.Swagger.Enabled`, `if (config.env === "development")`)
are not flagged.

## Why it matters in production
The docs hand anyone the full map of the API: every route (including admin and internal ones),
every parameter and schema, the auth scheme — and a console to call them. It is the first thing a
scanner looks for, and it is rarely meant to be public on a private API.

## Example
```go
r.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))
```

## Use instead
```go
if cfg.Swagger.Enabled { // off unless an operator turns it on
    r.GET("/swagger/*any", ginSwagger.WrapHandler(swaggerFiles.Handler))
}
```

## Known limitations
Docs that are public on purpose (a public API's reference) are reported too: suppress with that
reason. A switch applied elsewhere (a reverse proxy that blocks `/swagger`) is not seen.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/
- https://fastapi.tiangolo.com/how-to/conditional-openapi/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from itertools import takewhile
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-007",
    name="api-docs-always-served",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON}),
    fix="Serve the docs only when a setting turns them on (off by default in production), or behind authentication.",
    references=("https://fastapi.tiangolo.com/how-to/conditional-openapi/",),
)

GO_SWAGGER = lazy_compile(r"(?i)swagger")
FUNCTION_TYPES = {"function_declaration", "method_declaration", "func_literal", "function", "function_expression",
                  "arrow_function", "method_definition"}


def _conditional(node: Any) -> bool:
    """Inside an `if` (or a ternary) within its function."""
    enclosing = takewhile(lambda a: a.type not in FUNCTION_TYPES, ancestors(node))
    return any(a.type in {"if_statement", "ternary_expression", "conditional_expression"} for a in enclosing)


@once_per_file
def _no_swagger(ctx: Any) -> object:
    return ctx.is_test_file or "wagger" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.GO,), skip_file=_no_swagger)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_swagger(ctx) or non_production(ctx.path, ctx.is_test_file):
        return
    parts = go.call_parts(node)
    if parts is None or parts[1] not in {"GET", "Get", "Any", "Handle", "HandleFunc", "Static", "StaticFS", "Mount", "Use"}:
        return
    args = go.call_args(node)
    if len(args) < 2 or not any(GO_SWAGGER.search(text(a)) for a in args):
        return
    ctx.examine(RULE)
    if _conditional(node):
        return
    yield RULE.hit(node, "Swagger UI is served unconditionally: the whole API surface is published in production")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_swagger)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_swagger(ctx) or js.SCRIPT_PATH.search(ctx.path):
        return
    name = js.callee(node)
    if not name.endswith(".use") and not name.endswith(".get"):
        return
    arguments = js.args(node)
    served = [a for a in arguments if re.search(r"\.(serve|setup)\b", text(a))
              and ctx.imports.get(text(a).split(".")[0], "").startswith("swagger-ui")]
    if not served:
        return
    ctx.examine(RULE)
    owner = name.rsplit(".", 1)[0]
    if _conditional(node) or re.search(rf"\b{re.escape(owner)}\s*=\s*(?:express\.)?Router\(", ctx.text):
        return  # a router of its own: whoever mounts it decides (often only in development)
    yield RULE.hit(node, "swagger-ui is mounted unconditionally: the whole API surface is published in production")


DOC_KEYWORDS = ("openapi_url", "docs_url", "redoc_url")


@RULE.on_python(ast.Call, calls=["FastAPI"])
def check_fastapi(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or (ctx.call_name(node) or "").split(".")[-1] != "FastAPI":
        return
    given = {k.arg: k.value for k in node.keywords if k.arg in DOC_KEYWORDS}
    if not given:
        return  # the defaults: judged nowhere (most services keep them on their own purpose)
    ctx.examine(RULE)
    if any(not isinstance(v, ast.Constant | ast.JoinedStr) or isinstance(v, ast.Constant) and not v.value
           for v in given.values()):
        return  # None or "" (docs off), or chosen by a setting or a condition
    yield RULE.hit(node, f"the app sets {', '.join(given)} unconditionally: /docs and the OpenAPI schema are served "
                         "in every environment")
