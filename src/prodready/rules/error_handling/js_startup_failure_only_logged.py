"""Start-up connection failure only logged (JS/TS)

## What it does
Flags a `.catch(...)` on the service's first database connection (`mongoose.connect(...)`,
`mongoose.createConnection(...)`, `MongoClient.connect(...)`, `sequelize.authenticate()`), or a
`catch` block around `await mongoose.connect(...)`, that only logs: no `process.exit`, no
`throw`, no retry.

## Why it matters in production
The process stays up and keeps accepting traffic with no database: every request fails or hangs
on buffered queries, while the orchestrator sees a live process and never restarts it. Health
checks that do not touch the database keep reporting it healthy.

## Example
```ts
mongoose.connect(mongoUrl).then(() => {}).catch((err) => {
  console.log(`MongoDB connection error. ${err}`);
  // process.exit();
});
```

## Use instead
```ts
mongoose.connect(mongoUrl).catch((err) => {
  logger.error({ err }, "MongoDB connection failed");
  process.exit(1);            // or retry with backoff, then exit
});
```

## Known limitations
A failure flag read later (a readiness check that reports the missing connection) is not seen.

## References
- https://mongoosejs.com/docs/connections.html#error-handling
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-102",
    name="js-startup-failure-only-logged",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Exit non-zero (or retry with backoff, then exit) when the first database connection fails.",
    references=("https://mongoosejs.com/docs/connections.html#error-handling",),
)

CONNECT = lazy_compile(r"^(mongoose\.connect|mongoose\.createConnection|MongoClient\.connect|sequelize\.authenticate)\(")
HANDLES = lazy_compile(r"process\.exit|\bthrow\b|reject\(|retr(y|ies)|setTimeout|\bnext\(|\bexit\(")
COMMENT = lazy_compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _only_logs(body: str) -> bool:
    return not HANDLES.search(COMMENT.sub("", body))


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.endswith("catch"))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression" or text(field(function, "property")) != "catch":
        return
    chain = re.sub(r"\s+", "", text(field(function, "object")))
    if not CONNECT.match(chain):
        return
    ctx.examine(RULE)
    handler = js.args(node)[0] if js.args(node) else None
    if handler is not None and handler.type in {"arrow_function", "function_expression"} and _only_logs(text(handler)):
        yield RULE.hit(field(function, "property"), f"{chain.split('(')[0]}() failure is only logged: the service keeps serving with no database")


@RULE.on_tree("try_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check_try(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    body = field(node, "body")
    handler = field(node, "handler")
    if body is None or handler is None:
        return
    connects = [c for c in descendants(body, "call_expression") if CONNECT.match(re.sub(r"\s+", "", text(c)))]
    if not connects:
        return
    ctx.examine(RULE)
    if _only_logs(text(field(handler, "body") or handler)):
        name = re.sub(r"\s+", "", text(connects[0])).split("(")[0]
        yield RULE.hit(handler, f"{name}() failure is only logged: the service keeps serving with no database")
