"""Request or WebSocket JSON used without a schema.

## What it does
Flags handlers that read a JSON body or WebSocket message as a plain dict — `await request.json()`,
`request.get_json()`, `await websocket.receive_json()`, `json.loads(await ws.recv())` — and then
use it (`data["x"]`, `data.get("x")`, `**data`) without validating it through a schema (pydantic
`Model(**data)`/`model_validate`, marshmallow `load`, `jsonschema.validate`). For Node services it
reports, once per project, an Express/Koa API with write routes and no validation library at all
(joi, zod, yup, express-validator, celebrate, class-validator, ajv, ...).

## Why it matters in production
Anything the client sends reaches the code: wrong types crash handlers with 500s, huge strings
exhaust memory or LLM budgets, unexpected keys (`is_admin`) flow into updates. A schema gives
types, limits and a clean 422.

## Example
```python
data = await websocket.receive_json()
query = data.get("message")
```

## Use instead
```python
class ChatMessage(BaseModel):
    message: str = Field(min_length=1, max_length=5000)

msg = ChatMessage.model_validate(await websocket.receive_json())
```

## Known limitations
Validation in a helper function the dict is passed to is recognised only when that helper's name
says so (`validate_*`, `*Schema`, `*Model`).

## References
- https://docs.pydantic.dev/latest/concepts/models/
- https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import ProjectContext, PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules._repo import main_path
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-003",
    name="raw-request-json",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Parse the body into a schema (pydantic model with field limits) before using it.",
    references=("https://docs.pydantic.dev/latest/concepts/models/",),
)

READERS = {"json", "get_json", "receive_json"}
VALIDATORS = (
    "model_validate",
    "parse_obj",
    "validate",
    "load",
    "loads_model",
    "Schema",
    "Model",
    "parse_raw",
    "TypeAdapter",
)


def _reads_body(value: ast.AST) -> bool:
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        owner = (pyast.dotted(value.func.value) or "").split(".")[-1]
        if value.func.attr in READERS and owner in {"request", "websocket", "ws", "req", "socket"}:
            return True
        if value.func.attr == "loads" and value.args:
            inner = value.args[0]
            if isinstance(inner, ast.Await):
                inner = inner.value
            if isinstance(inner, ast.Name) or (
                isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr in {"recv", "receive_text", "receive"}
            ):
                return True
    return False


@RULE.on_python(ast.Assign, skip_file=in_test_file)
def check(node: ast.Assign, ctx: PyContext) -> Iterator[Hit]:
    if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name) or not _reads_body(node.value):
        return
    func = pyast.enclosing_function(node)
    if func is None or ctx.is_test_file:
        return
    value = node.value.value if isinstance(node.value, ast.Await) else node.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "loads":
        source = value.args[0]
        source_name = source.id if isinstance(source, ast.Name) else None
        if (
            source_name is not None
            and not any(isinstance(a, ast.arg) and a.arg == source_name for a in ast.walk(func))
            and not any(
                isinstance(s, ast.AsyncFor) and pyast.dotted(s.target) == source_name for s in ast.walk(func)
            )
        ):
            return  # json.loads of something that is not a message
    name = node.targets[0].id
    ctx.examine(RULE)
    used_raw = False
    for sub in ast.walk(func):
        if isinstance(sub, ast.Call):
            callee = pyast.dotted(sub.func) or ""
            if any(v in callee for v in VALIDATORS) and any(
                isinstance(a, ast.Name) and a.id == name
                for a in [*sub.args, *(k.value for k in sub.keywords)]
            ):
                return
            if any(v in callee for v in VALIDATORS) and any(
                k.arg is None and isinstance(k.value, ast.Name) and k.value.id == name for k in sub.keywords
            ):
                return
            if (
                isinstance(sub.func, ast.Attribute)
                and sub.func.attr == "get"
                and pyast.dotted(sub.func.value) == name
            ):
                used_raw = True
        if isinstance(sub, ast.Subscript) and pyast.dotted(sub.value) == name:
            used_raw = True
        if isinstance(sub, ast.Call) and any(isinstance(a, ast.Name) and a.id == name for a in sub.args):
            callee = pyast.dotted(sub.func) or ""
            if callee.split(".")[-1] not in {
                "len",
                "print",
                "isinstance",
                "type",
                "bool",
                "str",
                "repr",
                "debug",
                "info",
                "warning",
                "error",
            }:
                used_raw = True  # handed on as a raw dict
        if (
            isinstance(sub, ast.keyword)
            and sub.arg is None
            and isinstance(sub.value, ast.Name)
            and sub.value.id == name
        ):
            used_raw = True
        if isinstance(sub, ast.Dict) and any(
            k is None and isinstance(v, ast.Name) and v.id == name
            for k, v in zip(sub.keys, sub.values, strict=False)
        ):
            used_raw = True
    if used_raw:
        yield RULE.hit(
            node, f"`{name}` from the request is used as a raw dict without a schema", anchor=func.name
        )


JS_FRAMEWORKS = {"express", "koa", "hapi"}  # fastify and NestJS validate through their own schemas/pipes
JS_VALIDATORS = (
    "joi", "@hapi/joi", "zod", "yup", "express-validator", "celebrate", "class-validator", "ajv", "superstruct",
    "valibot", "io-ts", "runtypes", "@sinclair/typebox", "fastest-validator", "validator", "express-joi-validation",
    "express-json-validator-middleware", "@vinejs/vine", "typia", "arktype",
)


@RULE.on_project
def check_js_project(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    if not (model.frameworks & JS_FRAMEWORKS):
        return
    writes = [r for r in model.http_routes() if r.framework in JS_FRAMEWORKS and r.method.upper() in {"POST", "PUT", "PATCH"}]
    if not writes:
        return
    ctx.examine(RULE)
    if model.has_dependency(*JS_VALIDATORS):
        return
    yield Hit(
        line=None,
        path=main_path(model),
        message=f"{len(writes)} write routes and no validation library: request bodies of any shape, type and size "
        "reach the handlers and the database",
    )
