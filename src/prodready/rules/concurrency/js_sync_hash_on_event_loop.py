"""Password hash or key derivation run synchronously on the Node event loop

## What it does
Flags `bcrypt.hashSync`/`compareSync` (bcrypt and bcryptjs), `crypto.pbkdf2Sync` and
`crypto.scryptSync` in Node server code (not tests or scripts).

## Why it matters in production
A password hash is deliberately slow: 50–300 ms of CPU per call at the usual cost factors. The
synchronous form runs it on the event loop, so while one login is checked every other request the
process serves — health checks included — waits. A handful of concurrent logins (or a password
guessing run) stalls the whole service; bcryptjs, pure JavaScript, is several times slower still.

## Example
```javascript
if (!bcrypt.compareSync(password, user.passwordHash)) {
  return res.status(401).json({ error: 'invalid credentials' });
}
```

## Use instead
```javascript
if (!(await bcrypt.compare(password, user.passwordHash))) {   // runs on the libuv thread pool
  return res.status(401).json({ error: 'invalid credentials' });
}
```

## Known limitations
The asynchronous bcryptjs functions still run in JavaScript (in slices between other work): prefer
the native `bcrypt` or `argon2` package for heavy login traffic.

## References
- https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop
- https://github.com/kelektiv/node.bcrypt.js#a-note-on-timing-attacks
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-002",
    name="blocking-call-in-async",
    aliases=("PR-CC-102",),
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Use the asynchronous form (await bcrypt.compare / crypto.pbkdf2 / crypto.scrypt), which runs on the thread pool.",
    references=("https://nodejs.org/en/learn/asynchronous-work/dont-block-the-event-loop",),
)

# method -> the modules it is called on
SYNC_HASHES = {
    "hashSync": frozenset({"bcrypt", "bcryptjs", "bcrypt-nodejs"}),
    "compareSync": frozenset({"bcrypt", "bcryptjs", "bcrypt-nodejs"}),
    "pbkdf2Sync": frozenset({"crypto", "node:crypto"}),
    "scryptSync": frozenset({"crypto", "node:crypto"}),
}


def _skip(ctx: TreeContext) -> bool:
    return js.test_or_script(ctx) or not any(name in ctx.text for name in SYNC_HASHES)


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda c: c.rpartition(".")[2] in SYNC_HASHES, skip_file=_skip)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx):
        return
    name = js.callee(node)
    owner, _, method = name.rpartition(".")
    bare = method or name
    modules = SYNC_HASHES.get(bare)
    if modules is None:
        return
    # `bcrypt.compareSync(...)` on the imported module, or `compareSync(...)` imported by name
    imported = ctx.imports.get(owner or bare, "").split("#")[0]
    if imported not in modules:
        return
    if not js.is_server_file(ctx):
        return
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"{name}() runs a deliberately slow hash on the event loop: every other request of this process waits while it runs",
    )
