"""Node HTTP server started with the default timeouts.

## What it does
Flags the `listen()` of a Node web server (Express, Koa, NestJS, `http.createServer`) in a file that
sets none of `requestTimeout`, `headersTimeout`, `keepAliveTimeout` or `server.timeout`, and Fastify
instances (`fastify({...})`, `new FastifyAdapter({...})`) created without `connectionTimeout` or
`requestTimeout`.

## Why it matters in production
Node's `keepAliveTimeout` is 5 seconds, shorter than the idle timeout of the load balancers in front
of it (AWS ALB 60 s, nginx 75 s): the proxy reuses a socket Node has just closed and the client gets
a sporadic 502. Before Node 18 there is no request timeout at all, so a client that sends its body
slowly holds a socket and its buffered body for as long as it likes. Fastify's `connectionTimeout` and
`requestTimeout` default to 0 (none).

## Example
```js
app.listen(port)
```

## Use instead
```js
const server = app.listen(port)
server.keepAliveTimeout = 65_000   // longer than the load balancer's idle timeout
server.headersTimeout = 66_000
server.requestTimeout = 30_000
```

## Known limitations
Timeouts set in another file than the one that starts the server, or enforced by a proxy in front
of it, are not seen.

## References
- https://nodejs.org/api/http.html#serverkeepalivetimeout
- https://fastify.dev/docs/latest/Reference/Server/#connectiontimeout
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import line_of, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-203",
    name="server-without-timeouts",
    aliases=("PR-TO-104",),
    category=Category.TIMEOUTS,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set server.keepAliveTimeout above the load balancer's idle timeout, headersTimeout above that, and a "
    "requestTimeout; for Fastify pass connectionTimeout and requestTimeout.",
    references=("https://nodejs.org/api/http.html#serverkeepalivetimeout",),
)

TUNED = lazy_compile(r"\b(?:requestTimeout|headersTimeout|keepAliveTimeout|connectionTimeout)\b|\.timeout\s*=|\.setTimeout\(")
# what an owner of `.listen()` must have been made by to be an HTTP server
SERVER_MADE = (
    r"(?:await\s+)?(?:express\(|(?:https?|http2)\.create(?:Secure)?Server\(|createServer\(|new\s+Koa\(|"
    r"NestFactory\.create(?:<[^>]*>)?\(|micro\(|polka\(|restify\.createServer\()"
)
FASTIFY = lazy_compile(r"\bFastifyAdapter\b|\b[Ff]astify\(")
FASTIFY_KEYS = ("connectionTimeout", "requestTimeout")


# test servers and examples; not SCRIPT_PATH, which holds bin/www, the classic Express start file
NOT_PRODUCTION = lazy_compile(r"(^|/)(tests?|__tests__|e2e|examples?|fixtures|mocks?|demo)(/|$)|(^|/)test[-_]|[-_.](test|spec)\.[cm]?[jt]s$|(^|/|[-_.])dev\.[cm]?[jt]s$")


def _skip(ctx: TreeContext) -> bool:
    """Tests and examples. Being made by express()/createServer()/fastify() is the proof of server code."""
    return ctx.is_test_file or bool(NOT_PRODUCTION.search(ctx.path))


def _made_here(owner: str, ctx: TreeContext) -> int | None:
    """The line where `owner` was made an HTTP server in this file, else None."""
    if re.match(r"(?:https?|http2)\.create(?:Secure)?Server\(", owner):
        return 0
    if not owner.isidentifier():
        return None
    if owner in {"app", "server", "httpServer"} and ctx.imports.get(owner, "").startswith("."):
        return 0  # the project's own app or server module (`const app = require('./app')`)
    found = re.search(rf"\b{re.escape(owner)}\s*=\s*{SERVER_MADE}", ctx.text)
    return ctx.text.count("\n", 0, found.start()) + 1 if found else None


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.endswith(".listen"),
    skip_file=_skip,
)
def check_listen(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if not js.callee(node).endswith(".listen") or _skip(ctx):
        return
    function = node.child_by_field_name("function")
    owner_node = function.child_by_field_name("object") if function is not None else None
    if owner_node is None or not js.args(node):
        return
    owner = text(owner_node)
    made = _made_here(owner, ctx)
    if made is None:
        return
    ctx.examine(RULE)
    if TUNED.search(ctx.text) or FASTIFY.search(ctx.text):
        return  # tuned, or a Fastify server: its constructor is where the timeouts go
    hit = RULE.hit(
        node,
        f"{owner.split('(')[0]}.listen() with Node's default timeouts: keepAliveTimeout 5 s is shorter than a load "
        "balancer's idle timeout (sporadic 502s), and no requestTimeout is chosen for slow clients",
    )
    if made and made != line_of(node):
        hit = dataclasses.replace(hit, related=((made, "the server is created here"),))
    yield hit


def _fastify_options(node: Any) -> Any:
    arguments = js.args(node)
    if not arguments:
        return None
    return js.local_object(arguments[0]) or arguments[0]


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee={"fastify", "Fastify"}.__contains__,
    skip_file=_skip,
)
def check_fastify(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.imports.get(js.callee(node), "").split("#")[0] != "fastify" or _skip(ctx):
        return
    yield from _fastify(node, ctx, js.callee(node))


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_fastify_adapter(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    constructor = node.child_by_field_name("constructor")
    if constructor is None or text(constructor) != "FastifyAdapter" or _skip(ctx):
        return
    yield from _fastify(node, ctx, "FastifyAdapter")


def _fastify(node: Any, ctx: TreeContext, name: str) -> Iterator[Hit]:
    options = _fastify_options(node)
    if options is not None and options.type != "object":
        return  # options built elsewhere
    ctx.examine(RULE)
    if options is not None and any(js.object_has_key(options, key) for key in FASTIFY_KEYS):
        return
    yield RULE.hit(
        node,
        f"{name}() without connectionTimeout or requestTimeout: Fastify's default for both is 0 (none), so a slow "
        "or stalled client holds its socket for as long as it likes",
    )
