"""Reference field without an index: every lookup by owner scans the table

## What it does
Flags a field that points at the record's owner (`user`, `owner_id`, `author`, `account_id`,
`team_id`, `created_by`, ...) — what services look records up by — and has no index:
- Mongoose: a top-level schema field of type `ObjectId` (`user: { type: Schema.Types.ObjectId,
  ref: 'User' }`) with no `index: true`, `unique: true` and no `schema.index({ user: 1 })` in the
  file;
- SQLAlchemy / SQLModel: a column with a foreign key (`Column(ForeignKey("user.id"))`,
  `mapped_column(ForeignKey(...))`, `Field(foreign_key="user.id")`) with no `index=True`,
  `unique=True` or `primary_key=True`, and no `Index(...)` naming it in the model.

## Why it matters in production
Neither MongoDB nor PostgreSQL indexes a reference by itself. The queries every service runs on
these fields — a user's posts, a profile by user, tokens to delete at logout, the cascade when an
account is deleted — become full scans: fine with a hundred rows, seconds of CPU and lock time
with a million, and they get slower every day the service grows.

## Example
```javascript
const PostSchema = new Schema({
  user: { type: Schema.Types.ObjectId, ref: 'User' },
});
```

## Use instead
```javascript
const PostSchema = new Schema({
  user: { type: Schema.Types.ObjectId, ref: 'User', index: true },
});
```

## Known limitations
Indexes created elsewhere (a migration, `createIndex` in a script, a composite index in another
file) are not seen; suppress the finding there. MySQL/InnoDB indexes foreign keys by itself.

## References
- https://mongoosejs.com/docs/guide.html#indexes
- https://www.postgresql.org/docs/current/ddl-constraints.html#DDL-CONSTRAINTS-FK
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-008",
    name="reference-without-index",
    category=Category.DATABASE,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Index the reference (`index: true` / `index=True`) or add a compound index that starts with it.",
    references=("https://mongoosejs.com/docs/guide.html#indexes",),
)

INDEXED_KEYS = frozenset({"index", "unique", "primary_key", "primaryKey"})
# References to an owner: the fields services look records up by (a user's posts, a team's tokens).
OWNER = lazy_compile(
    r"(?i)^_?(user|owner|author|creator|account|member|customer|tenant|org|organi[sz]ation|team|workspace|"
    r"created_?by|owned_?by|uploaded_?by|sender|recipient)(_?id)?$"
)
MIGRATION_PATH = lazy_compile(r"(^|/)(migrations|alembic|versions)/")


def _mongoose_file(ctx: TreeContext) -> object:
    return ctx.is_test_file or "ObjectId" not in ctx.text


@RULE.on_tree("new_expression", "call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              skip_file=_mongoose_file)
def check_mongoose(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or "ObjectId" not in ctx.text:
        return
    callee = field(node, "constructor") if node.type == "new_expression" else field(node, "function")
    if callee is None or not text(callee).endswith("Schema") or text(callee).endswith("SchemaTypes"):
        return
    arguments = field(node, "arguments")
    definition = arguments.named_children[0] if arguments is not None and arguments.named_children else None
    if definition is None or definition.type != "object":
        return
    ctx.examine(RULE)
    for pair in definition.named_children:
        if pair.type != "pair":
            continue
        key = text(field(pair, "key")).strip("'\"")
        value = field(pair, "value")
        if value is None or value.type != "object":
            continue
        options = {text(field(p, "key")).strip("'\""): p for p in value.named_children if p.type == "pair"}
        kind = options.get("type")
        if kind is None or not text(field(kind, "value")).endswith("ObjectId"):
            continue
        if not OWNER.match(key) or INDEXED_KEYS & options.keys() or _indexed_elsewhere(ctx.text, key):
            continue
        yield RULE.hit(pair, f"reference field `{key}` has no index: every lookup of a user's/owner's records scans the collection")


def _indexed_elsewhere(source: str, key: str) -> bool:
    """`Schema.index({ user: 1, createdAt: -1 })` or `createIndex({ user: 1 })` in the same file."""
    return bool(re.search(rf"\.(index|createIndex)\(\s*\{{\s*['\"]?{re.escape(key)}['\"]?\s*:", source))


def _sqlalchemy_file(ctx: PyContext) -> object:
    return (ctx.is_test_file or ("ForeignKey" not in ctx.text and "foreign_key" not in ctx.text)
            or bool(MIGRATION_PATH.search(ctx.path)))


@RULE.on_python(ast.Call, calls=["Column", "mapped_column", "Field"], skip_file=_sqlalchemy_file)
def check_sqlalchemy(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or MIGRATION_PATH.search(ctx.path):
        return  # a migration's columns are judged where the model declares them
    name = ctx.call_name(node) or ""
    keywords = {k.arg: k.value for k in node.keywords if k.arg}
    if name.endswith("Field"):
        if "foreign_key" not in keywords:
            return
    elif not any(isinstance(a, ast.Call) and (ctx.call_name(a) or "").endswith("ForeignKey") for a in node.args):
        return
    ctx.examine(RULE)
    flags = {k: v.value for k, v in keywords.items() if isinstance(v, ast.Constant)}
    if any(flags.get(k) is True for k in INDEXED_KEYS):
        return
    column = _assigned_name(node, ctx)
    if column is None or not OWNER.match(column) or _named_in_table_index(ctx.text, column):
        return
    yield RULE.hit(node, f"foreign key column `{column}` has no index: PostgreSQL does not index foreign keys, so "
                         "every lookup and cascade by it scans the table")


def _assigned_name(node: ast.Call, ctx: PyContext) -> str | None:
    """`owner_id = Column(...)` / `owner_id: Mapped[int] = mapped_column(...)`: the attribute name."""
    for line in ctx.lines[node.lineno - 1 : node.lineno]:
        match = re.match(r"\s*(\w+)\s*(:[^=]*)?=", line)
        if match:
            return match.group(1)
    return None


def _named_in_table_index(source: str, column: str) -> bool:
    return bool(re.search(rf"Index\([^)]*['\"]?{re.escape(column)}\b", source))
