"""Transaction callback that writes through the outer client

## What it does
Flags interactive transactions whose callback writes through the client the transaction was
opened on instead of the transaction handle it was given:
- Prisma: `prisma.$transaction(async (tx) => { await prisma.user.update(...) })`, or a callback
  that takes no handle at all (`$transaction(async () => ...)`);
- Knex: `knex.transaction(async (trx) => { await knex('users').insert(...) })`;
- gorm: `db.Transaction(func(tx *gorm.DB) error { return db.Create(&row).Error })`.

A callback whose handle has the client's own name (`$transaction(async (prisma) => ...)`) shadows it
and is fine; reads through the outer client are not reported, only writes.

## Why it matters in production
The writes run on other pooled connections, outside the transaction: they are committed one by
one whether the transaction commits or not. A failure half-way (a constraint, a timeout, the
transaction's own time limit) leaves a partial change — a user without settings, an import half
done, memberships rewritten for some collections only — and the code believes it was atomic.

## Example
```ts
await prisma.$transaction(async () => {
  await prisma.verificationToken.create({ data: { identifier, token, expires } });
  await prisma.user.update({ where: { id }, data: { unverifiedNewEmail: newEmail } });
});
```

## Use instead
```ts
await prisma.$transaction(async (tx) => {
  await tx.verificationToken.create({ data: { identifier, token, expires } });
  await tx.user.update({ where: { id }, data: { unverifiedNewEmail: newEmail } });
});
```

## Known limitations
Helpers called from the callback that use a module-level client are not followed.

## References
- https://www.prisma.io/docs/orm/prisma-client/queries/transactions#interactive-transactions
- https://knexjs.org/guide/transactions.html
- https://gorm.io/docs/transactions.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-011",
    name="transaction-callback-ignores-client",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO}),
    fix="Run every statement of the transaction through the handle the callback receives (tx / trx).",
    references=(
        "https://www.prisma.io/docs/orm/prisma-client/queries/transactions#interactive-transactions",
        "https://knexjs.org/guide/transactions.html",
        "https://gorm.io/docs/transactions.html",
    ),
)

PRISMA_WRITES = lazy_compile(r"^(create|createMany|createManyAndReturn|update|updateMany|upsert|delete|deleteMany|\$executeRaw\w*)$")
KNEX_WRITES = lazy_compile(r"^(insert|update|del|delete|upsert|increment|decrement|truncate)$")
GORM_WRITES = lazy_compile(r"^(Create|CreateInBatches|Save|Update|Updates|UpdateColumn|UpdateColumns|Delete|Exec|FirstOrCreate)$")
FUNCTIONS = ("arrow_function", "function_expression", "function")


def _parameter_names(function: Any) -> list[str]:
    parameters = field(function, "parameters") or field(function, "parameter")
    if parameters is None:
        return []
    if parameters.type == "identifier":
        return [text(parameters)]
    names = []
    for parameter in parameters.named_children:
        pattern = field(parameter, "pattern") if parameter.type in ("required_parameter", "optional_parameter") else parameter
        if pattern is not None and pattern.type == "identifier":
            names.append(text(pattern))
    return names


def _outer_writes_js(body: Any, client: str, kind: str) -> Any:
    """The first write in the callback that goes through `client` rather than the handle."""
    for call in descendants(body, "call_expression"):
        function = field(call, "function")
        if function is None or function.type != "member_expression":
            continue
        method = text(field(function, "property"))
        target = field(function, "object")
        if kind == "prisma":
            # prisma.user.create(...): the object is `prisma.user`
            if target is not None and target.type == "member_expression" and text(field(target, "object")) == client \
                    and PRISMA_WRITES.match(method):
                return call
            if text(target) == client and method.startswith("$execute"):
                return call
        elif KNEX_WRITES.match(method):
            # knex('users').where(...).insert(...): the chain starts with a call of the client
            root = target
            while root is not None and root.type in ("call_expression", "member_expression"):
                inner = field(root, "function") if root.type == "call_expression" else field(root, "object")
                if root.type == "call_expression" and text(inner) == client:
                    return call
                root = inner
    return None


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda name: name.endswith(("$transaction", ".transaction")))
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression":
        return
    method = text(field(function, "property"))
    client = text(field(function, "object"))
    kind = "prisma" if method == "$transaction" else "knex" if "knex" in client.lower() or client in ("db", "this.db", "trx") else ""
    arguments = js.args(node)
    if not kind or not arguments or arguments[0].type not in FUNCTIONS:
        return
    callback = arguments[0]
    ctx.examine(RULE)
    handles = _parameter_names(callback)
    if client in handles:
        return  # `$transaction(async (prisma) => ...)`: the handle shadows the client
    write = _outer_writes_js(field(callback, "body"), client, kind)
    if write is None:
        return
    handle = f"`{handles[0]}`" if handles else "no transaction handle"
    name = field(function, "property")
    yield Hit(
        line=(name if name is not None else node).start_point[0] + 1,
        message=f"{client}.{method}() callback takes {handle} but writes through `{client}` (line "
        f"{write.start_point[0] + 1}): those writes run outside the transaction and are not rolled back",
        related=((write.start_point[0] + 1, "write through the outer client"),),
    )


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: name.endswith(".Transaction"),
              skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or in_test_path(ctx):
        return
    parts = go.call_parts(node)
    arguments = go.call_args(node)
    if parts is None or not arguments or arguments[0].type != "func_literal":
        return
    client = parts[0]
    callback = arguments[0]
    parameters = field(callback, "parameters")
    if parameters is None or "gorm" not in text(parameters):
        return
    handles = [text(field(p, "name")) for p in descendants(parameters, "parameter_declaration")]
    ctx.examine(RULE)
    if client in handles:
        return
    for call in go.calls_in(field(callback, "body")):
        inner = go.call_parts(call)
        if inner is None or not GORM_WRITES.match(inner[1]):
            continue
        receiver = inner[0].split("(")[0]
        if receiver == client or receiver.startswith(client + "."):
            line = call.start_point[0] + 1
            yield Hit(
                line=node.start_point[0] + 1,
                message=f"{client}.Transaction callback receives `{handles[0] if handles else 'tx'}` but writes through "
                f"`{client}` (line {line}): that write runs outside the transaction and is not rolled back",
                related=((line, "write through the outer client"),),
            )
            return
