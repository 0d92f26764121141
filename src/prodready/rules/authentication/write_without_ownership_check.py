"""Record changed by id without checking that the caller owns it (IDOR)

## What it does
Flags an update or delete handler that takes a record's id or slug from the URL and loads,
changes or deletes that record without relating it to the caller:
- Python (FastAPI, Flask): a `PUT`/`PATCH`/`DELETE` route that knows the current user (a
  `get_current_user`-style dependency or `flask_login.current_user`) and looks the record up by a
  path parameter with no owner condition in the query (`owner_id=`, `user_id=`, `author=` …) and no
  later comparison of the record's owner with the caller.
- Go (gin, echo, chi, net/http, ozzo-routing): a handler that reads a path parameter and calls an
  update/delete, in a file whose other handlers read the signed-in user (`c.MustGet("user")`,
  `UserFromContext(ctx)` …), while this one never looks at the caller.
Admin-only routes (superuser/admin dependencies or roles) are left alone.

## Why it matters in production
Authentication says who the caller is; it does not say the record is theirs. Any signed-in user
who changes the id in the URL edits or deletes everybody's records — the most common serious
finding of API penetration tests (OWASP API1: broken object level authorization).

## Example
```python
@router.delete("/posts/{post_id}")
async def delete_post(post_id: int, current_user: CurrentUser, db: SessionDep):
    post = await crud_posts.get(db, id=post_id)
    await crud_posts.delete(db, id=post.id)
```

## Use instead
```python
@router.delete("/posts/{post_id}")
async def delete_post(post_id: int, current_user: CurrentUser, db: SessionDep):
    post = await crud_posts.get(db, id=post_id, owner_id=current_user.id)  # or compare post.owner_id
    if post is None:
        raise HTTPException(404)
    await crud_posts.delete(db, id=post.id)
```

## Known limitations
Ownership enforced inside a service or repository the handler calls (a query that filters by the
user in another file) is not seen; such handlers are reported, suppress them with that reason.

## References
- https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
- https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-008",
    name="write-without-ownership-check",
    category=Category.AUTHENTICATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO}),
    fix="Load the record with the caller as a condition (owner_id = current user) or compare its owner before changing it; answer 404/403 otherwise.",
    references=("https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",),
)

MESSAGE = (
    "the record is looked up by the id in the URL and changed without checking that it belongs to the caller: "
    "any signed-in user can modify or delete anyone's (IDOR)"
)
OWNER = lazy_compile(r"(?i)owner|author|user_?id|userid|created_?by|creator|belongs|tenant|account_?id|member")
ADMIN = lazy_compile(r"(?i)superuser|admin|staff|role|permission|scope")
WRITE_METHODS = frozenset({"put", "patch", "delete"})
MUTATES = lazy_compile(r"(?i)(^|[._])(delete|update|remove|destroy|edit|patch|erase|save|soft_delete|commit)\w*$")

# ---------------------------------------------------------------- Python


def _route_method(func: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, str] | None:
    for decorator in func.decorator_list:
        if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute) or not decorator.args:
            continue
        path = decorator.args[0].value if isinstance(decorator.args[0], ast.Constant) else None
        if not isinstance(path, str):
            continue
        method = decorator.func.attr.lower()
        if method in WRITE_METHODS:
            return method, path
        if method == "route":
            methods = next((k.value for k in decorator.keywords if k.arg == "methods"), None)
            names = {e.value.lower() for e in getattr(methods, "elts", []) if isinstance(e, ast.Constant) and isinstance(e.value, str)}
            if names & WRITE_METHODS:
                return sorted(names & WRITE_METHODS)[0], path
    return None


def _current_user_name(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> str | None:
    for arg in func.args.args + func.args.kwonlyargs:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if re.search(r"(?i)current_?\w*user|CurrentUser", annotation + " " + arg.arg):
            return arg.arg
    defaults = [ast.unparse(d) for d in func.args.defaults + [d for d in func.args.kw_defaults if d is not None]]
    if any(re.search(r"(?i)Depends\(\w*current_?\w*user", d) for d in defaults):
        return "current_user"
    if "flask_login" in ctx.imports.values() or any("current_user" == k for k in ctx.imports):
        return "current_user"
    return None


def _path_params(path: str) -> set[str]:
    return set(re.findall(r"\{(\w+)(?::[^}]*)?\}", path)) | set(re.findall(r"<(?:\w+:)?(\w+)>", path))


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef)
def check_python(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    route = _route_method(func)
    if route is None:
        return
    method, path = route
    params = _path_params(path)
    user = _current_user_name(func, ctx)
    if not params or user is None:
        return
    source = ast.unparse(func)
    if ADMIN.search(" ".join(ast.unparse(d) for d in func.decorator_list) + " " + ast.unparse(func.args)):
        return
    ctx.examine(RULE)
    # Calls that use a path parameter, in source order. A parameter is verified once a call with it
    # carries an owner condition or its result is compared with the caller (`/users/{username}`
    # checked against current_user); a write through an unverified parameter is the finding.
    calls = sorted(
        (n for n in ast.walk(func) if isinstance(n, ast.Call)),
        key=lambda n: (n.lineno, n.col_offset),
    )
    code = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", "''", source)  # `current_user['id']` is not the `id` parameter
    verified = {
        p for p in params
        if re.search(rf"\b{re.escape(p)}\b[^\n]*(?:!=|==)[^\n]*\b{re.escape(user)}\b|\b{re.escape(user)}\b[^\n]*(?:!=|==)[^\n]*\b{re.escape(p)}\b", code)
    }  # `if username != current_user.username: raise Forbidden`
    for call in calls:
        used = {n.id for a in [*call.args, *[k.value for k in call.keywords]] for n in ast.walk(a) if isinstance(n, ast.Name)} & params
        if not used or used <= verified:
            continue
        call_text = ast.unparse(call)
        name = call_text.split("(")[0]
        if not re.search(r"(?i)get|find|fetch|load|select|query|first|one|delete|update|remove|patch|edit", name):
            continue
        result = _assigned_name(func, call)
        if (
            OWNER.search(call_text)
            or re.search(rf"\b{re.escape(user)}\b", call_text)
            or (result and re.search(rf"\b{re.escape(result)}\b[^\n]*(?:!=|==|\bis\b)[^\n]*\b{re.escape(user)}\b|\b{re.escape(user)}\b[^\n]*(?:!=|==)[^\n]*\b{re.escape(result)}\b", source))
            or (result and re.search(rf"\b{re.escape(result)}\s*(?:\.|\[[\"'])\w*(?:owner|author|user_?id|created_?by|creator)", source, re.I))
        ):
            verified |= used
            continue
        later = [c for c in calls if (c.lineno, c.col_offset) > (call.lineno, call.col_offset)]
        if any(re.search(rf"\b{re.escape(user)}\b", ast.unparse(c)) for c in later):
            return  # the caller takes part in what follows (unfollow(current_user), add to my list)
        mutated = bool(MUTATES.search(name.split(".")[-1])) or any(
            MUTATES.search(ast.unparse(c.func).split(".")[-1])
            and ((result and re.search(rf"\b{re.escape(result)}\b", ast.unparse(c))) or (used & {n.id for n in ast.walk(c) if isinstance(n, ast.Name)}))
            for c in later
        )
        if mutated:
            yield RULE.hit(call, MESSAGE)
        return


def _assigned_name(func: ast.AST, call: ast.Call) -> str | None:
    for node in ast.walk(func):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            if value is call:
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                return target.id if isinstance(target, ast.Name) else None
    return None


# ---------------------------------------------------------------- Go

GO_PATH_PARAM = lazy_compile(r'\b(?:c|ctx|r|req)\.(?:Param|Params|PathValue)\(\s*"(\w+)"\s*\)|chi\.URLParam\(\s*\w+\s*,\s*"(\w+)"\s*\)|mux\.Vars\(')
GO_CALLER = lazy_compile(
    r'MustGet\("[^"]*user[^"]*"\)|\.Get\("[^"]*user[^"]*"\)|\w*User\w*FromContext\(|\w*FromContext\(\w*\)\.\w*User|CurrentUser|currentUser|'
    r"\bclaims\b|Claims\)|\.Locals\(\"[^\"]*user|(?:Must)?Get\w*User\w*\(",
    re.I,
)
GO_MUTATION = lazy_compile(r"(?<![\w.])(?:[\w.]+\.)?(?:Delete|Update|Remove|Destroy|Edit|Save|Patch)\w*\(")
GO_HANDLER_PARAMS = lazy_compile(r"\*gin\.Context|echo\.Context|\*routing\.Context|\*fiber\.Ctx|http\.ResponseWriter")


def _go_functions(root: Any) -> list[Any]:
    return [n for n in root.named_children if n.type in {"function_declaration", "method_declaration"}]


@RULE.on_tree("source_file", languages=(Language.GO,), skip_file=in_test_code)
def check_go(root: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return
    handlers = [f for f in _go_functions(root) if GO_HANDLER_PARAMS.search(text(field(f, "parameters")))]
    if len(handlers) < 2 or not any(GO_CALLER.search(text(field(h, "body"))) for h in handlers):
        return  # no handler here knows who is calling: nothing to compare with
    for handler in handlers:
        body = field(handler, "body")
        source = text(body)
        if not GO_PATH_PARAM.search(source) or not GO_MUTATION.search(source):
            continue
        ctx.examine(RULE)
        receiver = text(field(handler, "receiver")) if handler.type == "method_declaration" else ""
        if GO_CALLER.search(source) or OWNER.search(source) or ADMIN.search(go.function_name(handler) + " " + receiver):
            continue
        if not _go_mutates_param(source):
            continue
        line = _go_anchor(body, source)
        yield Hit(line=line, message=MESSAGE, anchor=go.function_name(handler))


def _go_mutates_param(source: str) -> bool:
    """A write whose arguments or receiver come from the path parameter (directly or through the
    record it loaded); a comment created *on* an article is not a change to the article."""
    names: set[str] = set()
    for line in source.split("\n"):
        code = re.sub(r'"[^"]*"|`[^`]*`', '""', line)
        assigned = re.match(r"\s*([\w, ]+?)\s*:?=", code)
        derived = GO_PATH_PARAM.search(line) or any(re.search(rf"\b{re.escape(n)}\b", code) for n in names)
        if assigned and derived:
            names.update(n.strip() for n in assigned.group(1).split(",") if n.strip() not in {"err", "_"})
        for mutation in GO_MUTATION.finditer(code):
            call = code[mutation.start():]
            if GO_PATH_PARAM.search(line[mutation.start():]) or any(re.search(rf"\b{re.escape(n)}\b", call) for n in names):
                return True
    return False


def _go_anchor(body: Any, source: str) -> int:
    """The first call that uses the path parameter (the lookup or the write), else the write."""
    names: set[str] = set()
    lines = source.split("\n")
    for number, line in enumerate(lines):
        assigned = re.match(r"\s*([\w, ]+?)\s*:?=", line)
        if GO_PATH_PARAM.search(line):
            if assigned:
                names.update(n.strip() for n in assigned.group(1).split(",") if n.strip() not in {"err", "_"})
                continue
            if re.search(r"(?:Delete|Update|Remove|Find|Get|Load)\w*\(", line):
                return int(body.start_point[0]) + number + 1
            continue
        code = re.sub(r'"[^"]*"|`[^`]*`', '""', line)
        uses = [n for n in names if re.search(rf"\b{re.escape(n)}\b", code)]
        if not uses:
            continue
        if assigned and re.match(r"\s*\w+\s*:?=\s*u?int\d*\(", line):
            names.update(n.strip() for n in assigned.group(1).split(",") if n.strip() not in {"err", "_"})
            continue  # a conversion of the parameter
        if re.search(r"[A-Za-z_][\w.]*\(", code):
            return int(body.start_point[0]) + number + 1
    mutation = GO_MUTATION.search(source)
    return int(body.start_point[0]) + source[: mutation.start() if mutation else 0].count("\n") + 1
