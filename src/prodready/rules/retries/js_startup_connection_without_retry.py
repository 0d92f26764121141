"""Node start-up database connection without retry

## What it does
Flags the connection a Node service opens while starting — `mongoose.connect(...)`,
`mongoose.createConnection(...)`, `MongoClient.connect(...)`, `sequelize.authenticate()` — at
module level or in a start-up function, when nothing around it retries: no loop, no
`retry`/`attempt`/`backoff` logic in the function, no reconnect helper.

## Why it matters in production
On deploy, after a failover or when the whole stack restarts, the database is often seconds behind
the application. Mongoose retries only *after* a first successful connection: a failed first
attempt rejects once, and the service either exits (and is restarted in a loop, failing the
deploy) or keeps running with no database and fails every request.

## Example
```js
mongoose.connect(process.env.MONGODB_URI);
mongoose.connection.on("error", (err) => { console.error(err); process.exit(1); });
```

## Use instead
```js
async function connectWithRetry(attempt = 1) {
  try {
    await mongoose.connect(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 });
  } catch (err) {
    if (attempt >= 10) throw err;
    await new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** attempt, 30000)));
    return connectWithRetry(attempt + 1);
  }
}
```

## Known limitations
Retries done by a process manager or an init container (wait-for-it) are not visible; suppress the
finding with that reason.

## References
- https://mongoosejs.com/docs/connections.html#error-handling
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RT-003",
    name="startup-connection-without-retry",
    aliases=("PR-RT-102", "js-startup-connection-without-retry"),
    category=Category.RETRIES,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Retry the first connection with exponential backoff and a bounded number of attempts, then exit non-zero.",
    references=("https://mongoosejs.com/docs/connections.html#error-handling",),
)

CONNECT_CALLS = {"mongoose.connect", "mongoose.createConnection", "MongoClient.connect", "sequelize.authenticate"}
RETRYING = lazy_compile(r"(?i)retr(y|ies)|attempt|backoff|reconnect|pRetry|async-retry")
COMMENT = lazy_compile(r"//[^\n]*|/\*.*?\*/", re.S)
LOOPS = {"for_statement", "while_statement", "do_statement", "for_in_statement"}
HANDLER_PARAMS = lazy_compile(r"^\(?\s*(req|request|ctx)\b")


# pg, ioredis, knex and Prisma clients connected by an init function: `await pool.connect()` in initDb().
CLIENT_CONNECT = lazy_compile(r"(?i)^(this\.)?\w*(pool|client|redis|db|pg|sql|knex|prisma)\.\$?connect$")
STARTUP_FUNCTION = lazy_compile(r"(?i)^(init|connect|setup|bootstrap|start|open|main)")


def _is_connect(name: str) -> bool:
    name = re.sub(r"\s+", "", name)
    return name in CONNECT_CALLS or bool(CLIENT_CONNECT.match(name))


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=_is_connect)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = re.sub(r"\s+", "", js.callee(node))  # mongoose\n  .connect(...)
    if not _is_connect(name) or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    if name not in CONNECT_CALLS and not STARTUP_FUNCTION.match(js.function_name(js.enclosing_function(node)) or ""):
        return  # a client's connect() elsewhere (per request, in a pool checkout helper) is not start-up
    if name.startswith("mongoose.") and ctx.imports.get("mongoose", "").split("#")[0] != "mongoose":
        return
    func = js.enclosing_function(node)
    if func is not None and HANDLER_PARAMS.search(text(func.child_by_field_name("parameters") or func)[:40]):
        return  # connecting inside a request handler is another problem
    ctx.examine(RULE)
    if any(a.type in LOOPS for a in ancestors(node)):
        return
    if func is not None:
        scope = text(func)
    else:  # module level: the statements around the call
        line = node.start_point[0]
        scope = "\n".join(ctx.text.splitlines()[max(0, line - 15) : line + 20])
    own = js.function_name(func) if func is not None else ""
    body = field(func, "body") if func is not None else None
    if own and body is not None and re.search(rf"\b{re.escape(own)}\b", text(body)):
        return  # connect() calls itself again (.on("disconnected", connect)): a reconnect loop
    if RETRYING.search(COMMENT.sub("", scope)) or func is not None and RETRYING.search(js.function_name(func) or ""):
        return
    message = f"{name}() at start-up with no retry: a database that is seconds late at boot fails the first attempt for good"
    if func is not None:
        # `catch (err) { ...; process.exit(1) }` after the call is where the service gives up: point there.
        source = text(func)
        offset = node.end_byte - func.start_byte
        exit_call = re.search(r"catch\s*(\(\s*\w*\s*\))?\s*\{[^}]*?process\.exit\(", source[offset:])
        related = ((func.start_point[0] + 1, f"{own or 'the start-up function'}() tries once"),)
        if exit_call is not None:
            at = offset + exit_call.end()
            yield Hit(line=func.start_point[0] + source[:at].count("\n") + 1, message=message, related=related)
            return
        yield replace(RULE.hit(node, message), related=related)
        return
    yield RULE.hit(node, message)
