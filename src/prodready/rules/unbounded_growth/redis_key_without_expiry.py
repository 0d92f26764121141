"""Per-session Redis keys written with no expiry

## What it does
Flags a Redis write (Python redis-py, JavaScript/TypeScript ioredis or node-redis) — `set`, `hset`, `rpush`/`lpush`, `sadd`, `zadd` — to a key built per
session, conversation, job, token or cache entry (`f"chat:history:{session_id}"`) when nothing
gives those keys a lifetime: no `ex=`/`px=`/`exat=` (`'EX'`, `{ EX }`) on the write and no
`expire`, `setex`, `pexpire` or `ltrim` anywhere in the file.

## Why it matters in production
Every new session, job or cache entry adds a key that stays until someone deletes it by hand.
Redis keeps everything in memory: the instance grows until it hits `maxmemory`, then either
evicts keys the service still needs or refuses writes — often months after launch, on a day with
more traffic than usual.

## Example
```python
await self.redis.set(f"chat:history:{session_id}", json.dumps(history))
```

## Use instead
```python
await self.redis.set(f"chat:history:{session_id}", json.dumps(history), ex=7 * 24 * 3600)
```

## Known limitations
Keys given a lifetime in another module (a helper that calls `expire`) are reported; so are
keys that an operator's `maxmemory-policy` of `allkeys-lru` is meant to evict.

## References
- https://redis.io/docs/latest/commands/expire/
- https://redis.io/docs/latest/develop/reference/eviction/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import lowered_text, once_per_file
from prodready.rules.base import RuleMeta
from prodready.rules.concurrency.redis_read_modify_write import REDIS_RECEIVER

RULE = RuleMeta(
    id="PR-UG-005",
    name="redis-key-without-expiry",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Give per-session/per-entry keys a lifetime (ex= on the write, or EXPIRE after it) and trim lists (LTRIM).",
    references=("https://redis.io/docs/latest/commands/expire/",),
)

WRITES = frozenset({"set", "hset", "rpush", "lpush", "sadd", "zadd", "hmset", "append"})
LIFETIME = lazy_compile(r"\b(expire|pexpire|expireat|setex|psetex|ltrim|getex)\b|\b(ex|px|exat|pxat|keepttl)\s*=")
PER_ENTRY = lazy_compile(
    r"(?i)(session|history|chat|conversation|message|cache|token|temp|tmp|job|task|progress|otp|code|verify|reset|"
    r"state|user|jwt|blacklist|denylist|nonce)"
)


@once_per_file
def _skip(ctx: PyContext) -> object:
    return ctx.is_test_file or "redis" not in ctx.text or LIFETIME.search(ctx.text)


def _per_entry_key(key: ast.AST) -> str | None:
    """The fixed part of a key that varies per entry (`f"chat:{sid}"`, `"job:" + job_id`)."""
    if isinstance(key, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in key.values):
        return "".join(v.value for v in key.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(key, ast.BinOp) and isinstance(key.op, ast.Add):
        return pyast.const_str(key.left) or ""
    if isinstance(key, ast.Call) and isinstance(key.func, ast.Attribute) and key.func.attr.strip("_").endswith("key") and key.args:
        return ast.unparse(key)  # `self._key(session_id)`: a key helper given the entry
    if isinstance(key, ast.Call) and isinstance(key.func, ast.Attribute) and key.func.attr == "format" and (key.args or key.keywords):
        return pyast.const_str(key.func.value) or pyast.dotted(key.func.value) or ""  # `_CONV_KEY.format(session_id=sid)`
    return None


@RULE.on_python(ast.Call, calls=sorted(WRITES), skip_file=_skip)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or not isinstance(node.func, ast.Attribute) or node.func.attr not in WRITES or not node.args:
        return
    receiver = node.func.value
    if isinstance(receiver, ast.Call) and not receiver.args:
        receiver = receiver.func  # `get_redis().set(...)`: the accessor names the client
    name = (pyast.dotted(receiver) or "").rsplit(".", 1)[-1].lstrip("_").removeprefix("get_")
    if not (name.endswith("redis") or REDIS_RECEIVER.search(name) and ctx.imports_module("redis", "aioredis")):
        return
    ctx.examine(RULE)
    fixed = _per_entry_key(node.args[0])
    if fixed is None:
        key = node.args[0]
        # `key = self._key(session_id)` / `key = f"..."` assigned earlier in the function
        function = pyast.enclosing_function(node)
        if isinstance(key, ast.Name) and function is not None:
            for sub in ast.walk(function):
                if isinstance(sub, ast.Assign) and any(isinstance(t, ast.Name) and t.id == key.id for t in sub.targets):
                    fixed = _per_entry_key(sub.value)
    if fixed is None:
        return
    function = pyast.enclosing_function(node)
    context = f"{fixed} {ast.unparse(node.args[0])} {function.name if function is not None else ''}"
    if not PER_ENTRY.search(context):
        return
    yield RULE.hit(node, f"`{ast.unparse(node.args[0])[:50]}` gets a new key per entry and none of them ever expires: Redis memory grows without bound")


JS_LIFETIME = lazy_compile(r"(?i)\b(expire|pexpire|expireat|setex|psetex|ltrim|getex)\b|['\"](EX|PX|EXAT|PXAT|KEEPTTL)['\"]|\b(EX|PX)\s*:")
JS_RECEIVER = lazy_compile(r"(?i)(redis|cache|rds)\w*$")


@once_per_file
def _js_skip(ctx: TreeContext) -> object:
    return ctx.is_test_file or "redis" not in lowered_text(ctx) or bool(JS_LIFETIME.search(ctx.text))


def _js_per_entry_key(key: Any) -> str | None:
    if key.type == "template_string" and any(c.type == "template_substitution" for c in key.named_children):
        return text(key)
    if key.type == "binary_expression" and "+" in text(key):
        return text(key)
    if key.type == "call_expression" and re.search(r"(?i)key\w*$", js.callee(key)) and js.args(key):
        return text(key)  # `key(sessionId)`, `keys.history(id)`: a key helper given the entry
    return None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_js_skip)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _js_skip(ctx):
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression" or text(field(function, "property")) not in WRITES:
        return
    receiver = text(field(function, "object")).rsplit(".", 1)[-1]
    if not JS_RECEIVER.search(receiver):
        return
    arguments = js.args(node)
    if len(arguments) < 2:
        return
    ctx.examine(RULE)
    fixed = _js_per_entry_key(arguments[0])
    enclosing = js.enclosing_function(node)
    if fixed is None or not PER_ENTRY.search(f"{fixed} {js.function_name(enclosing) if enclosing is not None else ''}"):
        return
    yield RULE.hit(node, f"`{fixed[:50]}` gets a new key per entry and none of them ever expires: Redis memory grows without bound")
