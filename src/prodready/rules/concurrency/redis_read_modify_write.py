"""Redis value read, changed in the process and written back (lost updates)

## What it does
Flags a Python function that reads a Redis key (`raw = await redis.get(key)`), builds the new value
from what it read (`history = json.loads(raw); history.append(...)`) and writes it back to the
same key (`await redis.set(key, json.dumps(history))`) with no `WATCH`/`MULTI` transaction, lock or
server-side operation in between.

## Why it matters in production
Two requests for the same key — two messages of one chat session, two workers updating one job —
both read the old value, both add their change, and the second write silently drops the first.
Nothing fails, so the lost update is found only when users notice missing data. Every replica and
every worker process makes the window wider.

## Example
```python
raw = await self.redis.get(key)
history = json.loads(raw) if raw else []
history.append(message)
await self.redis.set(key, json.dumps(history))
```

## Use instead
```python
await self.redis.rpush(key, json.dumps(message))   # atomic on the server
await self.redis.ltrim(key, -100, -1)
```
or a `WATCH`/`MULTI` transaction (`pipeline.watch(key)`) or a Lua script when the change needs
the old value.

## Known limitations
The read and the write must be in the same function and name the key the same way.

## References
- https://redis.io/docs/latest/develop/interact/transactions/#optimistic-locking-using-check-and-set
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-005",
    name="redis-read-modify-write",
    category=Category.CONCURRENCY,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Use an atomic Redis operation (RPUSH+LTRIM, HINCRBY, INCR), a WATCH/MULTI transaction or a Lua script.",
    references=("https://redis.io/docs/latest/develop/interact/transactions/#optimistic-locking-using-check-and-set",),
    grouped=False,  # each collection (global) is a defect of its own
)

READS = frozenset({"get", "hget", "hgetall", "lrange", "smembers"})
WRITES = frozenset({"set", "hset", "setex", "mset"})
REDIS_RECEIVER = lazy_compile(r"(?i)(^|\.)(redis|_redis|redis_client|rds|cache|r|client|conn)$")
GUARDED = lazy_compile(r"\.(watch|pipeline|transaction|lock|eval|evalsha|register_script)\(|\block\b")


@once_per_file
def _skip(ctx: PyContext) -> object:
    return ctx.is_test_file or "redis" not in ctx.text


def _redis_call(node: ast.AST, names: frozenset[str]) -> ast.Call | None:
    if isinstance(node, ast.Await):
        node = node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in names \
            and REDIS_RECEIVER.search(pyast.dotted(node.func.value) or "") and node.args:
        return node
    return None


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(sub, ast.Name) and sub.id in names for sub in ast.walk(node))


@RULE.on_python(ast.AsyncFunctionDef, ast.FunctionDef, skip_file=_skip)
def check(func: ast.AsyncFunctionDef | ast.FunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if _skip(ctx) or not ctx.imports_module("redis", "aioredis"):
        return
    statements = sorted((n for n in pyast.walk_shallow(func) if isinstance(n, ast.stmt)), key=lambda n: (n.lineno, n.col_offset))
    for index, stmt in enumerate(statements):
        if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)):
            continue
        read = _redis_call(stmt.value, READS)
        if read is None:
            continue
        ctx.examine(RULE)
        if GUARDED.search(ast.unparse(func)):
            return  # WATCH/MULTI, a lock or a script: the read-modify-write is atomic
        key = ast.unparse(read.args[0])
        derived = {stmt.targets[0].id}
        for later in statements[index + 1:]:
            if isinstance(later, ast.Assign) and _mentions(later.value, derived):
                derived.update(t.id for t in later.targets if isinstance(t, ast.Name))
            value = later.value if isinstance(later, ast.Expr | ast.Assign) else None
            write = _redis_call(value, WRITES) if value is not None else None
            if write is not None and ast.unparse(write.args[0]) == key and _mentions(ast.Module(body=[later], type_ignores=[]), derived):
                yield RULE.hit(
                    stmt,
                    f"`{key}` is read here and written back on line {later.lineno} from what was read: "
                    "concurrent updates of one key overwrite each other",
                )
                return
