"""Async Express 4 route handler whose rejections nothing catches

## What it does
Flags an `async` function passed directly as an Express route handler (`router.get(path, async (req,
res) => { ... })`) that awaits outside any `try` block, in a project on Express 4 (its package.json
asks for `express` 4.x or older) with no `express-async-errors` / `express-async-handler` package.
Handlers wrapped in a helper (`asyncHandler(...)`, `catchAsync(...)`) are not passed directly and are
left alone.

## Why it matters in production
Express 4 calls the handler and ignores the promise it returns. When an awaited call rejects (the
database is down, a document is missing), no error middleware runs: the request hangs until the
client gives up, and on Node 15+ the unhandled rejection ends the process — every request in flight
with it.

## Example
```typescript
router.get('/sessions/:id/transcript', async (req, res) => {
  const items = await transcripts().find({ sessionId: req.params.id }).toArray();
  res.json({ items });
});
```

## Use instead
```typescript
router.get('/sessions/:id/transcript', async (req, res, next) => {
  try {
    const items = await transcripts().find({ sessionId: req.params.id }).toArray();
    res.json({ items });
  } catch (err) {
    next(err);
  }
});
```
or install `express-async-errors` once, or move to Express 5.

## Known limitations
The Express version is read from the nearest package.json of the project; a monorepo whose
packages use different Express majors is judged by the one found.

## References
- https://expressjs.com/en/guide/error-handling.html
- https://github.com/davidbanham/express-async-errors
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, string_value, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import lowered_text, once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-110",
    name="express-async-handler-unhandled",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Wrap the handler body in try/catch and pass the error to next(err), or install express-async-errors, or move to Express 5.",
    references=("https://expressjs.com/en/guide/error-handling.html",),
)

ROUTE_METHODS = {"get", "post", "put", "patch", "delete", "all"}
SIGNAL = "express-async-unhandled"
FUNCTIONS = {"arrow_function", "function_expression", "function"}
CATCHING_PACKAGES = ("express-async-errors", "express-async-handler", "express-promise-router", "@awaitjs/express")


@once_per_file
def _skip(ctx: TreeContext) -> object:
    return ctx.is_test_file or "async" not in ctx.text or "await" not in ctx.text or "express" not in lowered_text(ctx)


def _awaits_outside_try(body: Any) -> Any:
    """The first `await` of the function body that no enclosing try statement (in this function) covers."""
    stack = [(body, False)]
    while stack:
        node, covered = stack.pop()
        if node.type in FUNCTIONS or node.type in {"function_declaration", "method_definition"}:
            continue
        if node.type == "await_expression" and not covered:
            argument = node.named_children[0] if node.named_children else None
            if argument is None or not re.search(r"\.catch\(", text(argument)):
                return node
        if node.type == "try_statement":
            block = field(node, "body")
            for child in node.children:
                stack.append((child, covered or child == block))
            continue
        for child in node.children:
            stack.append((child, covered))
    return None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression":
        return
    if text(field(function, "property")) not in ROUTE_METHODS:
        return
    arguments = js.args(node)
    if len(arguments) < 2 or string_value(arguments[0]) is None and arguments[0].type != "template_string":
        return  # not `router.get("/path", ...)`
    handler = arguments[-1]
    if handler.type not in FUNCTIONS or not any(child.type == "async" for child in handler.children):
        return
    body = field(handler, "body")
    if body is None or body.type != "statement_block" or not js.is_server_file(ctx):
        return
    ctx.examine(RULE)
    waited = _awaits_outside_try(body)
    if waited is None:
        return
    # The finding is decided with the project's Express version (check_project).
    ctx.emit("signal", line=node.start_point[0] + 1, name=SIGNAL, detail=text(arguments[0])[:60],
             awaited=waited.start_point[0] + 1)
    yield from ()


def _major(spec: str) -> int | None:
    match = re.search(r"(\d+)", spec)
    return int(match.group(1)) if match else None


@RULE.on_project
def check_project(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    found = model.signals(SIGNAL)
    if not found or model.has_dependency(*CATCHING_PACKAGES):
        return
    versions = [_major(str(s.get("detail", ""))) for s in model.signals("express-version")]
    majors = [v for v in versions if v is not None]
    if not majors or min(majors) >= 5:
        return
    for signal in found:
        # at the await that can reject (where the try/catch belongs), not at the route registration
        yield Hit(
            line=signal.get("awaited") or signal.get("line"),
            path=str(signal["file"]),
            message=f"async handler of {signal.get('detail')} (line {signal.get('line')}) awaits outside try/catch on "
            "Express 4: a rejection reaches no error middleware, the request hangs and Node 15+ exits",
        )
