"""Async function called without await or catch (floating promise)

## What it does
Flags a call, made as a bare statement inside a function, to an `async` function declared in the
same file — `sendVerificationEmail(user);`, or the module-level `startServer();` that boots the
service — that is neither awaited, returned, chained with `.catch()`/`.then()` nor marked `void`.
Module-level database connects (`connectDB();`) are left to PR-DB-006.

## Why it matters in production
If the promise rejects, nobody handles it: since Node 15 an unhandled rejection ends the process,
taking every request in flight with it. When a handler is installed instead, the failure is still
invisible to the caller — the request already answered 200 while the e-mail, the write or the
cleanup it started failed.

## Example
```javascript
const register = async (req, res) => {
  const user = await User.create(req.body);
  sendWelcomeEmail(user);           // async: rejects when SMTP is down
  res.status(201).json(user);
};
```

## Use instead
```javascript
  await sendWelcomeEmail(user);                       // or, deliberately in the background:
  sendWelcomeEmail(user).catch((err) => logger.error({ err }, 'welcome email failed'));
```

Across files, a bare `storage.flag(id);` inside an async function is flagged when the project declares
`async flag(...)` (and no synchronous function of that name) in any module; common method names
(`send`, `save`, `update`, ...) and calls on a package's API are left alone.

An `async` verify callback handed to a Passport strategy (`new LocalStrategy(async (user, pass,
done) => ...)`, or `this.verify.bind(this)` naming an async method of the same file) that awaits
outside any `try` is flagged at that `await`: Passport calls it and drops the promise it returns.

## Known limitations
Async functions of packages are not known (no type information); a project method name shared by
an async and a sync declaration is skipped.

## References
- https://nodejs.org/api/process.html#event-unhandledrejection
- https://typescript-eslint.io/rules/no-floating-promises/
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.error_handling.express_async_handler_unhandled import awaits_outside_try

RULE = RuleMeta(
    id="PR-EH-108",
    name="floating-promise",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Await the call, or attach .catch() that logs the failure when it must run in the background.",
    references=("https://typescript-eslint.io/rules/no-floating-promises/",),
)

ASYNC_DECLARATION = lazy_compile(
    r"\basync\s+function\s+(\w+)|\b(?:const|let|var)\s+(\w+)\s*=\s*async\b|"
    r"^\s*(?:(?:public|private|protected|static|override)\s+)*async\s+(\w+)\s*\(",
    re.M,
)


def _async_functions(ctx: TreeContext) -> frozenset[str]:
    key = ("floating-promise-async", ctx.path)
    found = ctx.memo.get(key) if hasattr(ctx, "memo") else None
    if found is None:
        found = frozenset(n for m in ASYNC_DECLARATION.finditer(ctx.text) for n in m.groups() if n)
        if hasattr(ctx, "memo"):
            ctx.memo[key] = found
    return found


@RULE.on_tree("expression_statement", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=lambda ctx: "async" not in ctx.text or not js.is_server_file(ctx))
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if "async" not in ctx.text or not js.is_server_file(ctx):
        return
    call = node.named_children[0] if node.named_children else None
    if call is None or call.type != "call_expression":
        return
    function = field(call, "function")
    if function is None:
        return
    name = text(function)
    callee = name.removeprefix("this.")
    if _orm_write(function, ctx) and _in_async_function(node):
        ctx.examine(RULE)
        yield RULE.hit(
            node,
            f"{name}() returns a promise that is neither awaited nor caught: the response goes out before the "
            "write, a failed write is an unhandled rejection (the process exits on Node 15+) and the caller is told it worked",
        )
        return
    if callee.endswith(".sendMail") and len(js.args(call)) == 1 and _in_async_function(node):
        # nodemailer's sendMail without a callback returns a promise: dropped here, a failed send is
        # an unhandled rejection and the caller is told the mail went out
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}() returns a promise that is neither awaited nor caught: a failed send is an "
                             "unhandled rejection (the process exits on Node 15+) and the caller never learns the mail was not sent")
        return
    if not re.fullmatch(r"\w+", callee) or callee not in _async_functions(ctx):
        return
    if js.enclosing_function(node) is None and (DB_CONNECT.search(callee) or js.test_or_script(ctx)):
        return  # a module-level database connect is PR-DB-006's; `startServer();` is ours
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"{name}() is async and neither awaited nor caught: a rejection is unhandled (the process exits on Node 15+) and the caller never learns it failed",
    )


# TypeORM repository / entity-manager writes and Prisma model writes: each returns a promise (a Prisma
# query does not even run until it is awaited)
ORM_WRITES = frozenset({
    "save", "remove", "insert", "update", "delete", "softDelete", "softRemove", "upsert", "increment",
    "decrement", "create", "createMany", "updateMany", "deleteMany",
})
REPOSITORY = lazy_compile(r"(?:^|\.)(?:\w*Repository|\w*Repo|manager|entityManager|prisma\.\w+)$|getRepository\(")


def _orm_write(function: Any, ctx: TreeContext) -> bool:
    parts = js.member_parts(function)
    if parts is None:
        return False
    owner, method = parts
    if method not in ORM_WRITES or ("Repository" not in ctx.text and "prisma" not in ctx.text):
        return False
    owner = owner.removeprefix("this.")
    if method == "create" and "prisma." not in owner:
        return False  # TypeORM's repository.create() builds an entity in memory: no promise
    return REPOSITORY.search(owner) is not None


def _in_async_function(node: Any) -> bool:
    function = js.enclosing_function(node)
    return function is not None and any(child.type == "async" for child in function.children)


DB_CONNECT = lazy_compile(r"(?i)(connect|db|database|mongo|sequelize|prisma|knex)")

# Callers that ignore what their callback returns: a rejected promise from an async callback is unhandled.
IGNORING_CALLERS = lazy_compile(r"^(setInterval|setTimeout|setImmediate|process\.nextTick|\w+\.(on|once|addListener))$")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: IGNORING_CALLERS.match(c) is not None,
              skip_file=lambda ctx: "async" not in ctx.text or not js.is_server_file(ctx))
def check_async_callback(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`setInterval(async () => { await refresh(); }, ms)`, `socket.on("message", async (m) => ...)`:
    the timer or emitter drops the callback's promise, so a rejection in it is never handled."""
    if "async" not in ctx.text or not js.is_server_file(ctx):
        return
    name = js.callee(node)
    if not IGNORING_CALLERS.match(name):
        return
    for argument in js.args(node):
        if argument.type not in {"arrow_function", "function_expression", "function"}:
            continue
        if not text(argument).startswith("async"):
            continue
        body = field(argument, "body")
        if body is None:
            continue
        ctx.examine(RULE)
        if "await" not in text(body):
            continue
        # the first await no try covers (an expression body is one unprotected await)
        waited = awaits_outside_try(body) if body.type == "statement_block" else body
        if waited is None:
            continue
        hit = RULE.hit(
            waited,
            f"async callback given to {name}() (line {argument.start_point[0] + 1}) awaits outside try/catch: the caller "
            "ignores the returned promise, so a rejection here is unhandled (the process exits on Node 15+)",
        )
        yield replace(hit, related=((argument.start_point[0] + 1, f"the async callback given to {name}() starts here"),))


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              callee=lambda c: c.endswith(".catch"), skip_file=lambda ctx: ".catch()" not in ctx.text or not js.is_server_file(ctx))
def check_empty_catch(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`processor.onFailed(event).catch()`: with no handler, .catch() returns a promise that rejects
    the same way, so the rejection is still unhandled."""
    if ".catch()" not in ctx.text or not js.is_server_file(ctx):
        return
    function = field(node, "function")
    if function is None or function.type != "member_expression" or text(field(function, "property")) != "catch":
        return
    ctx.examine(RULE)
    if js.args(node):
        return
    yield RULE.hit(node, ".catch() with no handler catches nothing: the promise it returns rejects the same way, unhandled")


# -- across files ---------------------------------------------------------------------------------

# Method names that Node, Express, Map/Set and most clients also define: a project's own `async send()`
# says nothing about `res.send()` elsewhere.
COMMON_METHODS = frozenset({
    "send", "emit", "end", "write", "get", "set", "on", "once", "off", "render", "json", "next", "close",
    "destroy", "log", "info", "warn", "error", "debug", "push", "pipe", "listen", "use", "has", "add", "delete",
    "clear", "resolve", "reject", "then", "catch", "call", "apply", "bind", "forEach", "map", "filter", "sort",
    "splice", "exit", "kill", "removeListener", "addListener", "join", "status", "redirect", "sendStatus",
    "setHeader", "cookie", "clearCookie", "reset", "init", "run", "execute", "handle", "update", "save", "remove",
    "create", "find", "query", "connect", "disconnect", "stop", "pause", "resume", "flush", "release", "open",
})


@RULE.on_project
def check_across_files(ctx: ProjectContext) -> Iterator[Hit]:
    """`storage.flag(id);` where `async flag(id)` is declared in another module (or is a method of this
    one): the per-file check only knows plain calls to functions of the same file."""
    facts = ctx.model.facts
    calls = facts.get("js-bare-call", [])
    if not calls:
        return
    async_defs: dict[str, set[str]] = {}
    for fact in facts.get("js-async-def", []):
        async_defs.setdefault(str(fact["name"]), set()).add(str(fact["file"]))
    sync_names = {str(f["name"]) for f in facts.get("js-sync-def", [])}
    for call in calls:
        name = str(call["name"])
        files = async_defs.get(name)
        if not files or name in sync_names or name in COMMON_METHODS or len(name) < 4:
            continue
        if not call.get("member") and call["file"] in files:
            continue  # a plain call of a function of the same file: the per-file check's
        if not call.get("in_async"):
            continue  # a sync caller may not be able to await; only an async one forgot to
        ctx.examine(RULE)
        yield Hit(
            line=call["line"], path=call["file"],
            message=f"{call['callee']}() is async (declared in {sorted(files)[0]}) and neither awaited nor caught: a "
                    "rejection is unhandled (the process exits on Node 15+) and the caller never learns it failed",
        )


STRATEGY = lazy_compile(r"(^|\.)\w*Strategy$")


def _is_async(function: Any) -> bool:
    return any(child.type == "async" for child in function.children)


def _verify_function(argument: Any, root: Any) -> Any:
    """The function a strategy argument names: inline, `this.verify.bind(this)`, or a name of the file."""
    if argument.type in {"arrow_function", "function_expression", "function"}:
        return argument
    name = text(argument)
    bound = re.match(r"^(?:this\.)?([A-Za-z_$][\w$]*)(?:\.bind\(\s*this\s*\))?$", name)
    if bound is None:
        return None
    wanted = bound.group(1)
    for node in descendants(root, "method_definition", "function_declaration", "variable_declarator"):
        if text(field(node, "name")) != wanted:
            continue
        value = node if node.type != "variable_declarator" else field(node, "value")
        if value is not None and value.type in {"method_definition", "function_declaration", "arrow_function", "function_expression"}:
            return value
    return None


@RULE.on_tree("new_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT),
              skip_file=lambda ctx: "Strategy" not in ctx.text or "await" not in ctx.text or not js.is_server_file(ctx))
def check_passport_verify(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`new LocalStrategy(async (username, password, done) => { await ... })`: Passport ignores the
    promise, so a rejected await is an unhandled rejection and the login request never answers."""
    constructor = text(field(node, "constructor"))
    if not STRATEGY.search(constructor) or not js.is_server_file(ctx):
        return
    arguments = field(node, "arguments")
    for argument in arguments.named_children if arguments is not None else []:
        function = _verify_function(argument, ctx.root)
        if function is None or not _is_async(function):
            continue
        body = field(function, "body")
        ctx.examine(RULE)
        waited = awaits_outside_try(body) if body is not None else None
        if waited is not None:
            yield RULE.hit(waited, f"the {constructor} verify callback is async and this await has no try/catch: Passport "
                                   "drops the promise, so a failure here is an unhandled rejection (the process ends on "
                                   "Node 15+) and the login request never gets an answer")
