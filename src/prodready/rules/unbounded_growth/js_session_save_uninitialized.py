"""express-session stores a session for every visitor (JS/TS)

## What it does
Flags `session({ saveUninitialized: true, store: ... })` from `express-session` with a persistent
store (Mongo, Redis, SQL): every request without a cookie — crawlers, health probes, bots —
creates and writes a new, empty session.

## Why it matters in production
Each anonymous hit is a database write and a stored document that lives until it expires. A crawler
or a load balancer probe can write millions of sessions a day: the session collection and the
store's memory grow without bound, and every request pays for the write.

## Example
```js
app.use(session({ resave: true, saveUninitialized: true, secret, store: MongoStore.create({ mongoUrl }) }));
```

## Use instead
```js
app.use(session({ resave: false, saveUninitialized: false, secret, store: MongoStore.create({ mongoUrl, ttl: 14 * 24 * 3600 }) }));
```

## Known limitations
Only the literal `true` is reported; a value computed elsewhere is not followed.

## References
- https://github.com/expressjs/session#saveuninitialized
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-103",
    name="js-session-save-uninitialized",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set saveUninitialized: false (and resave: false) so only sessions that hold data are stored.",
    references=("https://github.com/expressjs/session#saveuninitialized",),
)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    options = None if ctx.is_test_file else js.express_session_options(node, ctx.imports)
    if options is None or not js.object_has_key(options, "store"):
        return
    ctx.examine(RULE)
    flag = js.object_value(options, "saveUninitialized")
    if flag is not None and text(flag) == "true":
        pair = flag.parent
        yield RULE.hit(pair if pair is not None else flag, "saveUninitialized: true with a persistent store: every cookieless request writes a new session")
