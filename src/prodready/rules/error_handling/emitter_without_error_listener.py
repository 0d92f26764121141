"""Client that emits 'error' events created without an 'error' listener

## What it does
Flags Node clients that report failures as `'error'` events — node-postgres `new Pool()`/`new
Client()`, node-redis `createClient()`, Bull/BullMQ `new Queue()`/`new Worker()`/`new
QueueEvents()`, and busboy multipart parsers (`new Busboy()`, `busboy()`) — assigned in a file that never attaches `.on('error', ...)` to them.
Also flags a stream made in a request handler (`fs.createReadStream`, a storage download, an
archive) and piped to the response with `.pipe(res)` when the handler attaches no `'error'`
listener to it and does not use `stream.pipeline`.

## Why it matters in production
An `'error'` event with no listener is thrown: Node ends the process. node-postgres emits it when an
idle pooled connection is dropped (a database failover, a proxy timeout), node-redis when the
connection breaks, Bull when Redis does. A routine network blip then restarts every replica at
once, dropping the requests in flight, instead of being logged and retried.

## Example
```javascript
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
module.exports = pool;
```

## Use instead
```javascript
const pool = new Pool({ connectionString: process.env.DATABASE_URL });
pool.on('error', (err) => logger.error({ err }, 'idle postgres client failed'));
module.exports = pool;

// a stream sent to the client: pipeline() forwards errors and destroys both ends
pipeline(fs.createReadStream(path), res, (err) => { if (err) logger.warn({ err }, 'download failed'); });
```

## Known limitations
The listener must be attached in the same file as the client (most code does); a listener added
by another module is not seen.

## References
- https://node-postgres.com/apis/pool#error
- https://github.com/redis/node-redis#events
- https://nodejs.org/api/events.html#error-events
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-107",
    name="emitter-without-error-listener",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Attach client.on('error', handler) right after creating it: log the error and let the client reconnect.",
    references=("https://node-postgres.com/apis/pool#error",),
)

# module -> constructors (new X) and factories (x()) whose result emits 'error'
EMITTERS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "pg": (frozenset({"Pool", "Client", "pg.Pool", "pg.Client"}), frozenset()),
    "redis": (frozenset(), frozenset({"createClient", "redis.createClient", "createCluster", "redis.createCluster"})),
    "@redis/client": (frozenset(), frozenset({"createClient"})),
    "bull": (frozenset({"Queue", "Bull"}), frozenset()),
    "bullmq": (frozenset({"Queue", "Worker", "QueueEvents", "FlowProducer"}), frozenset()),
    "bee-queue": (frozenset({"Queue", "BeeQueue"}), frozenset()),
    # a multipart parser fed by request.pipe(): a malformed or cut-off upload emits 'error'
    "busboy": (frozenset({"Busboy", "busboy"}), frozenset({"Busboy", "busboy"})),
}
# what makes each emitter fail (the clients above all fail when their connection drops)
FAILS_ON = {"busboy": "the first malformed or truncated upload (any client can send one)"}

# the HTTP response a handler streams into
RESPONSE_SINKS = frozenset({"res", "response", "resp", "ctx.res", "reply.raw", "ctx.body"})


def _emitter_module(ctx: TreeContext, constructor: str) -> str | None:
    local = constructor.split(".")[0]
    module = (ctx.imports.get(local) or "").split("#")[0]
    return module if module in EMITTERS else None


def _assigned_name(node: Any) -> str | None:
    parent = node.parent
    while parent is not None and parent.type in {"await_expression", "parenthesized_expression"}:
        parent = parent.parent
    if parent is None:
        return None
    if parent.type == "variable_declarator":
        name = parent.child_by_field_name("name")
        return text(name) if name is not None and name.type == "identifier" else None
    if parent.type == "assignment_expression":
        left = parent.child_by_field_name("left")
        return text(left).split(".")[-1] if left is not None else None
    return None


def _factory_result_name(node: Any, ctx: TreeContext) -> str | None:
    """`function createWorker(q) { return new Worker(...) }` then `const worker = createWorker(q)` in
    the same file: the variable the factory's result lands in."""
    parent = node.parent
    while parent is not None and parent.type in {"await_expression", "parenthesized_expression"}:
        parent = parent.parent
    function = js.enclosing_function(node)
    if parent is None or function is None or not (parent.type == "return_statement" or parent is function):
        return None
    factory = js.function_name(function)
    if not factory:
        return None
    found = re.search(rf"\b(?:const|let|var)\s+(\w+)\s*=\s*(?:await\s+)?{re.escape(factory)}\(", ctx.text)
    return found.group(1) if found else None


def _check(node: Any, ctx: TreeContext, constructor: str, is_new: bool) -> Iterator[Hit]:
    if not js.is_server_file(ctx):
        return  # browser bundles, scripts and tests (the handlers' skip_file= says the same)
    module = _emitter_module(ctx, constructor)
    if module is None:
        return
    classes, factories = EMITTERS[module]
    bare = constructor.split(".")[-1]
    if not ((is_new and (constructor in classes or bare in classes)) or (not is_new and (constructor in factories or bare in factories))):
        return
    ctx.examine(RULE)
    name = _assigned_name(node) or _factory_result_name(node, ctx)
    after = text(node.parent) if node.parent is not None else ""
    if re.search(r"""\.on\(\s*['"]error['"]""", after[len(text(node)) : len(text(node)) + 200]):
        return  # new Pool(...).on('error', ...)
    if name is None:
        return  # passed straight on: whoever receives it owns the listener
    if re.search(rf"""\b{re.escape(name)}\s*\)?\s*\.\s*on(ce)?\(\s*['"]error['"]""", ctx.text):
        return
    yield RULE.hit(
        node,
        f"`{name}` ({module} {bare}) has no 'error' listener: {FAILS_ON.get(module, 'the first dropped connection')} "
        "throws an unhandled 'error' event and ends the process",
    )


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=lambda ctx: not js.is_server_file(ctx))
def check_new(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    constructor = node.child_by_field_name("constructor")
    if constructor is not None:
        yield from _check(node, ctx, text(constructor), True)


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.rpartition(".")[2] in {"createClient", "createCluster", "busboy", "Busboy"},
    skip_file=lambda ctx: not js.is_server_file(ctx),
)
def check_factory(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    yield from _check(node, ctx, js.callee(node), False)


def _declared_in(function_text: str, name: str) -> bool:
    """`const stream = ...`, `const { stream } = await storage.get(id)`, `stream = ...` inside the handler."""
    escaped = re.escape(name)
    return re.search(rf"\b(?:const|let|var)\s+(?:{escaped}\b|\{{[^}}]*\b{escaped}\b[^}}]*\}})\s*=|(?<![.\w]){escaped}\s*=[^=>]", function_text) is not None


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.endswith(".pipe"),
    skip_file=lambda ctx: not js.is_server_file(ctx),
)
def check_pipe_to_response(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not js.is_server_file(ctx):
        return
    arguments = js.args(node)
    if len(arguments) != 1 or text(arguments[0]) not in RESPONSE_SINKS:
        return
    function_node = node.child_by_field_name("function")
    source = function_node.child_by_field_name("object") if function_node is not None else None
    if source is None or source.type != "identifier":
        return  # a chained pipe (a.pipe(b).pipe(res)) or a member: its origin is not in view
    name = text(source)
    handler = js.enclosing_function(node)
    if handler is None:
        return
    body = text(handler)
    if not _declared_in(body, name):
        return  # a stream handed in by the caller: the caller owns its listeners
    ctx.examine(RULE)
    if re.search(rf"""\b{re.escape(name)}\s*\)?\s*\.\s*on(ce)?\(\s*['"]error['"]""", body):
        return
    if re.search(rf"\bpipeline\s*\(\s*(?:[\w.]+(?:\([^()]*\))?\s*,\s*)*{re.escape(name)}\b", body):
        return  # stream.pipeline() attaches the listeners
    yield RULE.hit(
        node,
        f"`{name}` is piped to the response with no 'error' listener: a read failure (file gone, storage error) "
        "throws an unhandled 'error' event and ends the process, and pipe() leaves the response hanging",
    )
