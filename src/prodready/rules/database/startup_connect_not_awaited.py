"""Database connection started at boot and not awaited

## What it does
Flags a module-level call that connects to the database — `connectDB();`, `connectDatabase();`,
`dbConnect();` — made as a bare statement: not awaited, not chained with `.then()`/`.catch()`,
so the server goes on to listen before the connection exists.

## Why it matters in production
Requests that arrive in the first seconds (a rolling deploy sends them at once) find no database:
Mongoose buffers them until its timeout, other drivers fail at once. If the connection fails,
the rejection is unhandled — on Node 15+ that ends the process with a stack trace instead of a
clear start-up error — or, if the helper swallows it, the service runs without a database and
answers every request with a 500.

## Example
```javascript
connectDB();
const app = express();
app.listen(PORT);
```

## Use instead
```javascript
connectDB()
  .then(() => app.listen(PORT))
  .catch((err) => { logger.error(err); process.exit(1); });
```

## Known limitations
Only helpers named for a database connection are recognised; a generic `init()` is not.

## References
- https://mongoosejs.com/docs/connections.html#buffering
- https://nodejs.org/api/process.html#event-unhandledrejection
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-006",
    name="startup-connect-not-awaited",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Await the connection (or chain .then) before app.listen, and exit non-zero with a clear message when it fails.",
    references=("https://mongoosejs.com/docs/connections.html#buffering",),
)

CONNECT_HELPER = lazy_compile(
    r"(?i)^(connect_?\w*(db|database|mongo|mongodb|mongoose|postgres|pg|mysql|sql|redis)|"
    r"(db|database|mongo|mongoose)_?connect\w*|init_?\w*(db|database))$"
)


@RULE.on_tree("expression_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=js.test_or_script)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if node.parent is None or node.parent.type != "program" or ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    call = node.named_children[0] if node.named_children else None
    if call is None or call.type != "call_expression":
        return
    function = field(call, "function")
    name = text(function) if function is not None else ""
    if function is None or function.type != "identifier" or not CONNECT_HELPER.match(name):
        return
    ctx.examine(RULE)
    if not re.search(r"\.listen\(|createServer\(|\bserve\(", ctx.text):
        return  # a worker or script: nothing serves before the connection
    yield RULE.hit(
        node,
        f"{name}() is not awaited: the server listens before the database is connected, and a failed "
        "connection is an unhandled rejection",
    )
