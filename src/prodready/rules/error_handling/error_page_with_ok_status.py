"""Error page sent with status 200

## What it does
Flags Express handlers that render an error page — `res.render('error/500')`,
`res.render('errors/404')`, `res.render('error', ...)` — without setting an error status first
(`res.status(500).render(...)`), so the failure goes out as `200 OK`.

## Why it matters in production
Monitoring, load balancers and clients read the status code, not the page: a database outage
answered with 200 never shows in the error rate or the alerts, health-style probes stay green,
caches and CDNs store the error page as the real content, and search engines index "not found"
pages as content.

## Example
```javascript
} catch (err) {
  console.error(err);
  res.render('error/500');
}
```

## Use instead
```javascript
} catch (err) {
  logger.error(err);
  res.status(500).render('error/500');
}
```

## Known limitations
Only a status set on the same response object in the same function is seen.

## References
- https://expressjs.com/en/guide/error-handling.html
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Status
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-106",
    name="error-page-with-ok-status",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Set the status before rendering: res.status(500).render('error/500') (404 for not found).",
    references=("https://expressjs.com/en/guide/error-handling.html",),
)

ERROR_VIEW = lazy_compile(r"(?i)(^|/)(errors?|500|404|not[-_]?found|server[-_]?error)(/|$|\.)")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda c: c.endswith(".render"), skip_file=lambda ctx: not js.is_server_file(ctx))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    receiver = name.rpartition(".")[0]
    if receiver not in {"res", "response"} or not js.is_server_file(ctx):
        return  # `res.status(500).render(...)` has another receiver and is the fix
    args = js.args(node)
    view = string_value(args[0]) if args and args[0].type in {"string", "template_string"} else None
    if view is None or not ERROR_VIEW.search(view):
        return
    ctx.examine(RULE)
    function = js.enclosing_function(node)
    if function is not None:
        before = text(function)[: node.start_byte - function.start_byte]
        if re.search(rf"\b{re.escape(receiver)}\.(status|sendStatus)\(|\.statusCode\s*=", before[-400:]):
            return
    yield RULE.hit(node, f"`{name}('{view}')` answers with status 200: monitoring and clients see success")
