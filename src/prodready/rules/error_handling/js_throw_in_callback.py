"""Error thrown inside a Node-style callback: an uncaught exception that ends the process

## What it does
Flags `throw` inside a callback whose first parameter is the error (`(err, token) => { if (err)
throw err; ... }`) passed to an asynchronous API — `jwt.sign`, `fs.readFile`, a Mongoose or
driver callback — in Node server code. Promise handlers (`.then`, `.catch`, `.finally`), promise
executors and callbacks that catch their own throw are left alone. Also flags `JSON.parse` of the
payload such a callback receives (`request(url, (err, res, body) => JSON.parse(body))`) with no
try/catch: a non-JSON answer (an HTML error page, a truncated body) throws there just the same.

## Why it matters in production
The callback runs later, on its own stack: the `try/catch` around the call that registered it has
long returned, and Express never sees the error. The throw becomes an uncaught exception and Node
ends the process, dropping every request in flight; the request that triggered it never gets an
answer.

## Example
```javascript
router.post('/login', async (req, res) => {
  try {
    jwt.sign(payload, secret, { expiresIn: 3600 }, (err, token) => {
      if (err) throw err;             // not caught by the try above: the process exits
      res.json({ token });
    });
  } catch (err) {
    res.status(500).send('Server error');
  }
});
```

## Use instead
```javascript
    jwt.sign(payload, secret, { expiresIn: 3600 }, (err, token) => {
      if (err) return next(err);      // or: const token = await promisify(jwt.sign)(...)
      res.json({ token });
    });
```

## Known limitations
Only callbacks whose first parameter is named like an error (`err`, `error`, `e`) are read.

## References
- https://nodejs.org/api/process.html#event-uncaughtexception
- https://expressjs.com/en/guide/error-handling.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.error_handling._js_errors import param_names

RULE = RuleMeta(
    id="PR-EH-112",
    name="throw-in-callback",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Hand the error on (return next(err), reject(err), log and answer 500) instead of throwing it, or use the promise API.",
    references=("https://nodejs.org/api/process.html#event-uncaughtexception",),
)

ERROR_PARAMS = frozenset({"err", "error", "e", "er", "_err"})
CALLBACKS = frozenset({"arrow_function", "function_expression", "function"})
PROMISE_METHODS = frozenset({"then", "catch", "finally"})


def _skip(ctx: TreeContext) -> bool:
    return js.test_or_script(ctx) or "throw" not in ctx.text


def _node_callback(node: Any, ctx: TreeContext) -> tuple[Any, Any] | None:
    """(callback, the call it is handed to) when ``node`` runs in a Node-style `(err, ...)` callback
    of an asynchronous API, outside any try in that callback; else None."""
    callback = None
    for anc in ancestors(node):
        if anc.type == "try_statement":
            return None  # caught inside the callback itself
        if anc.type in CALLBACKS or anc.type in {"function_declaration", "method_definition"}:
            callback = anc
            break
    if callback is None or callback.type not in CALLBACKS or not js.is_server_file(ctx):
        return None
    names = param_names(callback)
    if not names or names[0] not in ERROR_PARAMS:
        return None
    arguments = callback.parent
    call = arguments.parent if arguments is not None and arguments.type == "arguments" else None
    if call is None or call.type != "call_expression":
        return None  # assigned, returned or stored: not handed to an asynchronous API here
    parts = js.member_parts(field(call, "function"))
    if parts is not None and parts[1] in PROMISE_METHODS:
        return None  # a throw in a promise handler rejects the chain: PR-EH-108's concern, not a crash
    if parts is not None and parts[0] == "process":
        return None  # process.on('unhandledRejection', err => { throw err }): a deliberate crash
    if call.parent is not None and call.parent.type == "new_expression":
        return None
    return callback, call


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee="JSON.parse".__eq__,
              skip_file=lambda ctx: js.test_or_script(ctx) or "JSON.parse" not in ctx.text)
def check_parse(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if js.callee(node) != "JSON.parse" or js.test_or_script(ctx):
        return
    arguments = js.args(node)
    found = _node_callback(node, ctx)
    if not arguments or found is None:
        return
    callback, call = found
    if text(arguments[0]) not in param_names(callback)[1:]:
        return  # parses something else than what the callback was handed
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"JSON.parse({text(arguments[0])[:20]}) inside the callback of {js.callee(call)[:40]}() with no try/catch: a "
        "non-JSON answer (an HTML error page, a cut-off body) throws after the caller returned, and the uncaught "
        "exception ends the process",
    )


@RULE.on_tree("throw_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    found = _node_callback(node, ctx)
    if found is None:
        return
    _callback, call = found
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"`{text(node)[:40]}` inside the callback of {js.callee(call)[:40]}(): it runs after the caller returned, so no "
        "try/catch or Express handler sees it and the uncaught exception ends the process",
    )

