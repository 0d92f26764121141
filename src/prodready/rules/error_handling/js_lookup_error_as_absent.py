"""Node handler that answers every failure as "not found"

## What it does
Flags a `catch` in an Express-style handler whose block only answers 404
(`res.sendStatus(404)`, `res.status(404).send(...)`) and never looks at the error: it does not
log it, test it, or hand it on. The `try` holds an awaited call (a store, a database, a remote
service).

## Why it matters in production
A lookup fails for many reasons besides "absent": the database or Redis is down, a timeout, a
bug. Answered as 404 and never logged, an outage looks to clients like missing data (links that
"expired", files that "do not exist") and to monitoring like nothing at all: no 5xx, no log line.

## Example
```javascript
app.get('/api/info/:id', async (req, res) => {
  try {
    const meta = await storage.metadata(req.params.id);
    res.send(meta);
  } catch (e) {
    res.sendStatus(404);
  }
});
```

## Use instead
```javascript
  } catch (e) {
    if (e.code === 'NOT_FOUND') return res.sendStatus(404);
    req.log.error({ err: e }, 'metadata lookup failed');
    res.sendStatus(500);
  }
```

## Known limitations
Only a catch block that answers 404 and does nothing else is read; a helper that answers on the
handler's behalf is not followed.

## References
- https://expressjs.com/en/guide/error-handling.html
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
    id="PR-EH-211",
    name="lookup-error-as-absent",
    aliases=("PR-EH-114",),
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Answer 404 only for the error that means absent; log every other error and answer 500 (or hand it to next(err)).",
    references=("https://expressjs.com/en/guide/error-handling.html",),
)

# the whole block is one 404 answer (optionally `return`ed)
ANSWERS_404 = lazy_compile(
    r"^\{\s*(?:return\s+)?(?:res|response|reply|ctx\.res)\s*\.\s*(?:sendStatus\(\s*404\s*\)|status\(\s*404\s*\)\s*(?:\.\s*\w+\([^()]*\))?)\s*;?\s*\}$"
)


def _skip(ctx: TreeContext) -> bool:
    return not js.is_server_file(ctx) or "404" not in ctx.text


@RULE.on_tree("catch_clause", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    body = field(node, "body")
    if body is None or not ANSWERS_404.match(text(body).strip()):
        return
    parameter = field(node, "parameter")
    if parameter is not None and re.search(rf"\b{re.escape(text(parameter))}\b", text(body)):
        return  # the answer carries the error: it is looked at, if not logged
    statement = node.parent
    guarded = field(statement, "body") if statement is not None and statement.type == "try_statement" else None
    if guarded is None or not re.search(r"\bawait\b", text(guarded)):
        return  # nothing that talks to a store: a parse or a local check that means absent
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        "every failure in this try (a store outage, a timeout, a bug) is answered 404 and never logged: "
        "an outage looks like missing data and raises no alarm",
    )
