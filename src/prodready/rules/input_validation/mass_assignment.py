"""Request body written to a model as it came (mass assignment)

## What it does
Flags the raw request body handed whole to a model write: Mongoose `Model.create(req.body)`,
`new Model(req.body)`, `findByIdAndUpdate(id, req.body)`, `findOneAndUpdate(filter, req.body)`,
`Object.assign(doc, req.body)`, `doc.set(req.body)`, Sequelize `update(req.body)`, Prisma
`{ data: req.body }`; in Python (Flask), `Model(**request.json)` / `Model(**request.get_json())`
and `obj.update(**request.form)`.

## Why it matters in production
Every field of the model becomes writable by the client: `role`, `isAdmin`, `user` (the owner),
`createdAt`, `_id`, counters and flags nobody meant to expose. The request that should edit a title
can also hand the record to another account or make its author an administrator.

## Example
```javascript
router.put('/:id', async (req, res) => {
  const story = await Story.findOneAndUpdate({ _id: req.params.id }, req.body, { new: true });
  res.json(story);
});
```

## Use instead
```javascript
const { title, body, status } = req.body;              // the fields this route may change
const story = await Story.findOneAndUpdate({ _id: req.params.id, user: req.user.id },
                                           { title, body, status }, { new: true, runValidators: true });
```

## Known limitations
Only the body passed directly is seen; a body copied to a variable first, or validated by a schema
that strips unknown keys, is not judged.

## References
- https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html
- https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-107",
    name="mass-assignment",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON}),
    fix="Pick the fields the route may change (destructure or a schema that strips unknown keys) before writing.",
    references=("https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",),
)

MESSAGE = "the raw request body is written to the model: the client can set any field (owner, role, flags, ids)"
JS_BODY = lazy_compile(r"^(req|request|ctx\.request)\.body$|^\{\s*\.\.\.(req|request)\.body\s*\}$")
# method -> index of the argument that carries the new values
JS_WRITES = {
    "create": 0, "insertMany": 0, "findByIdAndUpdate": 1, "findOneAndUpdate": 1, "updateOne": 1, "updateMany": 1,
    "update": 0, "set": 0, "build": 0, "upsert": 0,
}


@once_per_file
def _not_server(ctx: TreeContext) -> bool:
    """The handlers' first check returns outside Node server code, or when no body is read."""
    return "body" not in ctx.text or not js.is_server_file(ctx)


@RULE.on_tree(
    "call_expression",
    languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
    callee=lambda c: c.rpartition(".")[2] in JS_WRITES or c == "Object.assign",
    skip_file=_not_server,
)
def check_js_call(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    yield from check_js(node, ctx)


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_not_server)
def check_js_new(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    yield from check_js(node, ctx)


def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _not_server(ctx):
        return
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return
    args = [a for a in arguments.named_children if a.type != "comment"]
    if node.type == "new_expression":
        constructor = node.child_by_field_name("constructor")
        name = text(constructor) if constructor is not None else ""
        index = 0 if name[:1].isupper() and name not in {"Error", "Date", "URL", "Map", "Set", "RegExp"} else -1
    else:
        name = js.callee(node)
        method = name.rpartition(".")[2]
        index = JS_WRITES.get(method, -1)
        if name == "Object.assign":
            index = 1
        if method == "update" and name.count(".") >= 1 and name.split(".")[0] in {"prisma", "db"}:
            index = -1  # Prisma: judged by `data:` below
        if method in {"create", "update", "upsert"} and args and args[0].type == "object":
            data = next((p for p in args[0].named_children if p.type == "pair" and text(p.child_by_field_name("key")) == "data"), None)
            if data is not None and JS_BODY.match(text(data.child_by_field_name("value")).strip()):
                ctx.examine(RULE)
                yield RULE.hit(node, MESSAGE)
            return
        if method == "set" and not re.search(r"(?i)(doc|model|user|story|post|profile|item|record|entity)\w*$", name.rpartition(".")[0]):
            return  # Map.set / res.set / app.set
    if index < 0 or index >= len(args):
        return
    ctx.examine(RULE)
    if JS_BODY.match(text(args[index]).strip()):
        yield RULE.hit(node, MESSAGE)


# ---------------------------------------------------------------- Python (Flask)

PY_BODY = lazy_compile(r"^request\.(json|form|get_json\(\)|values|args)$")


@RULE.on_python(ast.Call)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    for keyword in node.keywords:  # most calls have no **splat: return before building a list
        if keyword.arg is None:
            break
    else:
        return
    splats = [k.value for k in node.keywords if k.arg is None]
    if not splats or is_script_like(ctx):
        return
    if not any(PY_BODY.match(ast.unparse(value)) for value in splats):
        return
    callee = ast.unparse(node.func)
    last = callee.rpartition(".")[2]
    if not (last[:1].isupper() or last in {"update", "create", "insert", "filter_by"}) or last == "filter_by":
        return
    ctx.examine(RULE)
    yield RULE.hit(node, MESSAGE)
