"""Async Express 4 route handler whose rejections nothing catches

## What it does
Flags an `async` function passed directly as an Express route handler (`router.get(path, async (req,
res) => { ... })`) that awaits outside any `try` block, in a project on Express 4 (its package.json
asks for `express` 4.x or older) with no `express-async-errors` / `express-async-handler` package.
Handlers wrapped in a helper (`asyncHandler(...)`, `catchAsync(...)`) are not passed directly and are
left alone. A named handler defined elsewhere (`const deleteNote = async (req, res) => {...}` in a
controller file, or a `co`-wrapped generator `exports.index = async(function* (req, res) {...})`) is
judged when a route registers it by name, unwrapped (`router.delete(path, notes.deleteNote)`).
`await check(...).run(req)` (express-validator) does not reject and is not counted.

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
from prodready.lazyre import lazy_compile
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


# express-validator chains (`await check("email").isEmail().run(req)`) collect errors, they do not reject
VALIDATOR_RUN = lazy_compile(r"\.run\(\s*(req|request)\s*\)\s*$")


def awaits_outside_try(body: Any) -> Any:
    """The first `await` of the function body that no enclosing try statement (in this function) covers."""
    stack = [(body, False)]
    while stack:
        node, covered = stack.pop()
        if node.type in FUNCTIONS or node.type in {"function_declaration", "method_definition"}:
            continue
        if node.type in {"await_expression", "yield_expression"} and not covered:  # (yield: co-wrapped generators)
            argument = node.named_children[0] if node.named_children else None
            if argument is None or not (re.search(r"\.catch\(", text(argument)) or VALIDATOR_RUN.search(text(argument))):
                return node
        # (children pushed last-first, so that the first await in the source is the one found)
        if node.type == "try_statement":
            block = field(node, "body")
            for child in reversed(node.children):
                stack.append((child, covered or child == block))
            continue
        for child in reversed(node.children):
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
    paths = arguments[0] if arguments else None
    if paths is not None and paths.type == "array" and paths.named_children and all(
        string_value(p) is not None for p in paths.named_children
    ):
        paths = paths.named_children[0]  # router.get(['/d', '/d/*'], ...)
    if len(arguments) < 2 or paths is None or string_value(paths) is None and paths.type != "template_string":
        return  # not `router.get("/path", ...)`
    handler = arguments[-1]
    if handler.type not in FUNCTIONS or not any(child.type == "async" for child in handler.children):
        return
    body = field(handler, "body")
    if body is None or body.type != "statement_block" or not js.is_server_file(ctx):
        return
    ctx.examine(RULE)
    waited = awaits_outside_try(body)
    if waited is None:
        return
    # The finding is decided with the project's Express version (check_project).
    ctx.emit("signal", line=node.start_point[0] + 1, name=SIGNAL, detail=text(arguments[0])[:60],
             awaited=waited.start_point[0] + 1)
    yield from ()


DEF_SIGNAL = "express-async-handler-def"
REF_SIGNAL = "express-route-handler-ref"
REQ = lazy_compile(r"^\(?\s*(req|request)\s*(:[^,]*)?,\s*(res|response)\b")


@once_per_file
def _no_handlers(ctx: TreeContext) -> object:
    return ctx.is_test_file or "req" not in ctx.text or not ("await" in ctx.text or "yield" in ctx.text)


def _co_wrapped(call: Any, ctx: TreeContext) -> Any:
    """`async(function* (req, res) {...})` with `async`/`wrap` from co: the generator, else None."""
    callee = text(field(call, "function"))
    if ctx.imports.get(callee.split(".")[0], "").split("#")[0] != "co":
        return None
    arguments = js.args(call)
    if len(arguments) == 1 and arguments[0].type in {"generator_function", "function_expression", "generator_function_declaration"}:
        return arguments[0]
    return None


def _named_handler(node: Any, ctx: TreeContext) -> tuple[str, Any] | None:
    """(name, function) for `const name = async (req, res) => {}`, `async function name(req, res)`,
    `exports.name = async (req, res) => {}` and co-wrapped generators assigned the same ways."""
    if node.type == "function_declaration":
        name, function = text(field(node, "name")), node
    else:
        target = field(node, "name") if node.type == "variable_declarator" else field(node, "left")
        value = field(node, "value") if node.type == "variable_declarator" else field(node, "right")
        if target is None or value is None:
            return None
        name = text(target).rsplit(".", 1)[-1]
        function = _co_wrapped(value, ctx) if value.type == "call_expression" else value
    if function is None or function.type not in FUNCTIONS | {"function_declaration", "generator_function"}:
        return None
    generator = function.type == "generator_function" or any(c.type == "*" for c in function.children)
    if not generator and not any(child.type == "async" for child in function.children):
        return None
    parameters = field(function, "parameters") or field(function, "parameter")
    if parameters is None or not REQ.match(text(parameters)):
        return None
    return name, function


@RULE.on_tree("function_declaration", "variable_declarator", "assignment_expression",
              languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_handlers)
def collect_handler(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """A named async (or co-wrapped generator) Express handler that awaits outside try: judged in the
    project pass when a route registers it unwrapped (`router.delete(path, controller.deleteNote)`)."""
    if _no_handlers(ctx):
        return
    found = _named_handler(node, ctx)
    if found is None:
        return
    name, function = found
    body = field(function, "body")
    if body is None or body.type != "statement_block" or not js.is_server_file(ctx) and "controller" not in ctx.path.lower():
        return
    waited = awaits_outside_try(body)
    if waited is not None:
        ctx.emit("signal", line=node.start_point[0] + 1, name=DEF_SIGNAL, detail=name, awaited=waited.start_point[0] + 1)
    yield from ()


@once_per_file
def _no_routes(ctx: TreeContext) -> object:
    return ctx.is_test_file or not any(f".{method}(" in ctx.text for method in ROUTE_METHODS)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_routes)
def collect_route_refs(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """Handlers a route registers by name, unwrapped: `app.get('/articles', articles.index)`."""
    if _no_routes(ctx):
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression" or text(field(function, "property")) not in ROUTE_METHODS:
        return
    arguments = js.args(node)
    if len(arguments) < 2 or string_value(arguments[0]) is None and arguments[0].type != "template_string":
        return
    for argument in arguments[1:]:
        if argument.type in {"identifier", "member_expression"}:
            ctx.emit("signal", line=node.start_point[0] + 1, name=REF_SIGNAL, detail=text(argument).rsplit(".", 1)[-1],
                     route=text(arguments[0])[:60])
    yield from ()


def _major(spec: str) -> int | None:
    match = re.search(r"(\d+)", spec)
    return int(match.group(1)) if match else None


@RULE.on_project
def check_project(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    found = model.signals(SIGNAL)
    registered = {str(s.get("detail")): s for s in model.signals(REF_SIGNAL)}
    named = [s for s in model.signals(DEF_SIGNAL) if str(s.get("detail")) in registered]
    if not (found or named) or model.has_dependency(*CATCHING_PACKAGES):
        return
    versions = [_major(str(s.get("detail", ""))) for s in model.signals("express-version")]
    majors = [v for v in versions if v is not None]
    if not majors or min(majors) >= 5:
        return
    for signal in named:
        route = registered[str(signal.get("detail"))]
        yield Hit(
            line=signal.get("awaited") or signal.get("line"),
            path=str(signal["file"]),
            message=f"async handler {signal.get('detail')}() (registered for {route.get('route')} in {route.get('file')}) awaits "
            "outside try/catch on Express 4: a rejection reaches no error middleware, the request hangs and Node 15+ exits",
            related=_handler_start(signal),
        )
    for signal in found:
        # at the await that can reject (where the try/catch belongs), not at the route registration
        yield Hit(
            line=signal.get("awaited") or signal.get("line"),
            path=str(signal["file"]),
            message=f"async handler of {signal.get('detail')} (line {signal.get('line')}) awaits outside try/catch on "
            "Express 4: a rejection reaches no error middleware, the request hangs and Node 15+ exits",
            related=_handler_start(signal),
        )


def _handler_start(signal: dict) -> tuple[tuple[int, str], ...]:
    """The handler's first line, listed beside the await (the try/catch wraps the body from there)."""
    start, awaited = signal.get("line"), signal.get("awaited")
    return ((int(start), "the handler starts here"),) if start and awaited and start != awaited else ()

