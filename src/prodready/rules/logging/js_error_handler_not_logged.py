"""Express error handler that never logs the error

## What it does
Flags Express error middleware (`(err, req, res, next) => ...`) that answers the request without
logging the error anywhere: no `console.*`, no logger call, no error tracker
(`Sentry.captureException`), and no `next(err)` hand-off to another handler. The finding points at
the 500 response when there is one. Also flags request logging (`morgan`, `pino-http`,
`express-winston`) mounted only inside `if (NODE_ENV === 'development')`: production then has no
access log at all.

## Why it matters in production
The error handler is where every unexpected failure ends up. If it only answers the client, a
crash in production leaves no trace on the server: no stack, no request, nothing to alert on —
the first sign is a user complaint.

## Example
```ts
app.use((err, req, res, next) => {
  res.status(500).json({ message: "Internal server error" });
});
```

## Use instead
```ts
app.use((err, req, res, next) => {
  logger.error({ err, method: req.method, path: req.path }, "unhandled error");
  res.status(500).json({ message: "Internal server error" });
});
```

## Known limitations
Logging done by a request logger that records errors itself (pino-http with `res.err`) is not
recognised; suppress with that reason.

## References
- https://expressjs.com/en/guide/error-handling.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, descendants, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.error_handling._js_errors import param_names, production_error_middleware, response_calls

RULE = RuleMeta(
    id="PR-LG-103",
    name="js-error-handler-not-logged",
    category=Category.LOGGING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Log the error (with its stack and the request method/path) in the error handler before answering.",
    references=("https://expressjs.com/en/guide/error-handling.html",),
)

LOGS = lazy_compile(r"(?i)\b(console|logger|log|winston|pino|bunyan|sentry|bugsnag|rollbar|newrelic|apm)\b\s*\.|\blog\w*\(|capture\w*\(|report\w*\(|\bnext\(\s*\w+\s*\)")


DEV_ONLY = lazy_compile(r"""(?i)(env|NODE_ENV)\w*\s*===?\s*['"](development|dev|local)['"]|\bis_?dev(elopment)?\b""")


# skip_file=: production_error_middleware answers '' in test code and scripts
@RULE.on_tree("arrow_function", "function_expression", "function_declaration", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=js.test_or_script)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    err = production_error_middleware(node, ctx)
    if not err:
        return
    ctx.examine(RULE)
    names = param_names(node)
    body = text(node)
    dev_logging = None
    for branch in descendants(node, "if_statement"):
        condition = text(branch.child_by_field_name("condition"))
        if DEV_ONLY.search(condition) and branch.child_by_field_name("alternative") is None:
            body = body.replace(text(branch), "")  # `if (config.env === 'development') logger.error(err)`
            if LOGS.search(text(branch)):
                dev_logging = branch
    if LOGS.search(body) or re.search(rf"\w\(\s*\w+\s*,\s*{names[1]}\s*,\s*{names[2]}\b", text(node)):
        return  # logs, or hands the error to another handler: handler(convertedError, req, res)
    if dev_logging is not None:
        yield RULE.hit(dev_logging, "error handler logs the error only in development: production failures leave no trace on the server")
        return
    calls = response_calls(node, names[2])
    target = next((c for c in calls if "500" in text(c)), calls[-1] if calls else node)
    yield RULE.hit(target, "error handler answers without logging the error: unexpected failures leave no trace on the server")


ACCESS_LOGGERS = frozenset({"morgan", "pinoHttp", "pino_http", "expressWinston.logger", "logger"})


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.endswith(".use"),
    skip_file=lambda ctx: "NODE_ENV" not in ctx.text,
)
def check_dev_only_access_log(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    args = js.args(node)
    if not args or args[0].type != "call_expression":
        return
    logger = js.callee(args[0])
    if logger not in ACCESS_LOGGERS or (logger == "logger" and ctx.imports.get("logger") is None):
        return
    for ancestor in ancestors(node):
        if ancestor.type == "if_statement":
            condition = text(ancestor.child_by_field_name("condition"))
            if DEV_ONLY.search(condition):
                ctx.examine(RULE)
                yield RULE.hit(
                    node,
                    f"request logging ({logger}) is mounted only in development: production keeps no access log",
                )
            return
