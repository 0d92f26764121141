"""Shared judgement for Python rules: is this file server code, a script, a CLI?"""

from __future__ import annotations

import ast

from prodready.engine.context import PyContext
from prodready.lang import python as pyast

SCRIPT_DIRS = frozenset(
    {
        "scripts",
        "script",
        "tools",
        "bin",
        "examples",
        "example",
        "docs",
        "doc",
        "benchmarks",
        "bench",
        "migrations",
        "db_migrations",
        "revisions",
        "alembic",
        "notebooks",
        "devtools",
        "hack",
        "ci",
        ".github",
        "management",
        "commands",
        "cli",
    }
)
SCRIPT_FILES = frozenset(
    {
        "setup.py",
        "manage.py",
        "conftest.py",
        "noxfile.py",
        "fabfile.py",
        "tasks.py",
        "__main__.py",
        "cli.py",
        "commands.py",
    }
)
CLI_MODULES = ("argparse", "click", "typer", "fire", "docopt", "optparse")
SERVER_MODULES = (
    "fastapi",
    "flask",
    "starlette",
    "django",
    "aiohttp",
    "sanic",
    "litestar",
    "tornado",
    "quart",
    "celery",
    "websockets",
    "uvicorn",
    "gunicorn",
    "grpc",
    "dramatiq",
    "rq",
    "arq",
    "socketio",
)


# skip_file= tests (see HandlerSet.on_python) for handlers whose first checks return on them:
# the engine leaves such handlers out of those files instead of calling them on every node.
def in_test_file(ctx: PyContext) -> bool:
    """The handler's first checks return on ``ctx.is_test_file``."""
    return ctx.is_test_file


def not_test_file(ctx: PyContext) -> bool:
    """The handler's first checks return on ``not ctx.is_test_file``."""
    return not ctx.is_test_file


def names_absent(ctx: PyContext, *words: str, ignore_case: bool = False) -> bool:
    """True when no identifier, attribute or import path of the file can contain any of ``words``.

    For skip_file= tests of handlers that return unless such a name (a call name, a dotted target)
    contains a word: every such name is made of pieces of the file's text, so a text without the
    words has no such name. Not for string values (escapes and implicit concatenation build text
    that is not in the source). A non-ASCII file always answers False: the parser NFKC-normalises
    identifiers, so a name need not be spelled as in the text."""
    text = ctx.text
    if not text.isascii():
        return False
    if ignore_case:
        lowered = ctx.memo.get("lowered_text")
        if lowered is None:
            lowered = ctx.memo["lowered_text"] = text.lower()
        text = lowered
    return not any(word in text for word in words)


def is_script_like(ctx: PyContext) -> bool:
    """Build scripts, CLIs, tests, docs: code that is not a long-running service (once per file)."""
    known = ctx.memo.get("script_like")
    if known is None:
        known = ctx.memo["script_like"] = _is_script_like(ctx)
    return bool(known)


def _is_script_like(ctx: PyContext) -> bool:
    parts = ctx.path.split("/")
    if ctx.is_test_file or parts[-1] in SCRIPT_FILES - {"tasks.py"} or parts == ["tasks.py"]:
        return True  # a root tasks.py is an invoke/fabric script; app/tasks.py is Celery code
    if any(part in SCRIPT_DIRS for part in parts[:-1]):
        return True
    if imports_any(ctx, SERVER_MODULES):
        return False
    if imports_any(ctx, CLI_MODULES):
        return True
    return any(pyast.is_main_guard(node) for node in ctx.tree.body)


def imports_any(ctx: PyContext, modules: tuple[str, ...]) -> bool:
    key = ("imports_any", modules)
    known = ctx.memo.get(key)
    if known is None:
        known = ctx.memo[key] = any(
            value == module or value.startswith(module + ".")
            for value in ctx.imports.values()
            for module in modules
        )
    return bool(known)


def keyword_value(call: ast.Call, name: str) -> ast.AST | None:
    kw = pyast.keyword(call, name)
    return kw.value if kw is not None else None


def has_keyword(call: ast.Call, *names: str) -> bool:
    """The call passes one of names, or a `**splat` that may carry one."""
    if any(pyast.keyword(call, name) is not None for name in names):
        return True
    return any(kw.arg is None and _splat_may_carry(kw.value, call, set(names)) for kw in call.keywords)


def _dict_keys(value: ast.AST) -> set[str] | None:
    """The string keys of a `{...}` literal or `dict(a=...)` call; None when any key is not literal."""
    if isinstance(value, ast.Dict):
        keys = [pyast.const_str(key) if key is not None else None for key in value.keys]
        return None if None in keys else {key for key in keys if key is not None}
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
        names = [kw.arg for kw in value.keywords]
        return None if None in names else {name for name in names if name is not None}
    return None


def _splat_may_carry(splat: ast.AST, call: ast.Call, names: set[str]) -> bool:
    """False only for `**options` where options is a dict built in this function from literal keys,
    none of them in names, and only changed through literal keys (`options["verify"] = False`,
    `options.update({"json": body})`): the call then surely lacks names."""
    function = pyast.enclosing_function(call)
    if not isinstance(splat, ast.Name) or function is None:
        return True
    local = splat.id
    if any(arg.arg == local for arg in (*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs)):
        return True
    built = False
    for node in pyast.walk_shallow(function):
        if not (isinstance(node, ast.Name) and node.id == local):
            continue
        holder = pyast.parent(node)
        if isinstance(node.ctx, ast.Store):
            value = holder.value if isinstance(holder, ast.Assign | ast.AnnAssign) else None
            keys = _dict_keys(value) if value is not None else None
            if keys is None or keys & names:
                return True
            built = True
        elif isinstance(holder, ast.keyword) and holder.arg is None:
            continue  # another `**options`
        elif isinstance(holder, ast.Subscript) and holder.value is node:
            key = pyast.const_str(holder.slice)
            if isinstance(holder.ctx, ast.Store) and (key is None or key in names):
                return True
        elif isinstance(holder, ast.Attribute) and holder.attr in {"get", "pop", "copy", "items", "keys"}:
            continue
        elif isinstance(holder, ast.Attribute) and holder.attr == "update":
            update = pyast.parent(holder)
            if not isinstance(update, ast.Call) or any(kw.arg is None or kw.arg in names for kw in update.keywords):
                return True
            for arg in update.args:
                keys = _dict_keys(arg)
                if keys is None or keys & names:
                    return True
        else:
            return True  # handed to other code, which may add anything
    return not built


def assigned_names(ctx: PyContext, callees: set[str]) -> set[str]:
    """Dotted names (``session``, ``self.session``) ever assigned a call to one of callees."""
    names: set[str] = set()
    for node in ctx.nodes_of(ast.Assign, ast.AnnAssign, ast.withitem):
        if isinstance(node, ast.withitem):
            value, targets = node.context_expr, [node.optional_vars] if node.optional_vars else []
        elif isinstance(node, ast.Assign):
            value, targets = node.value, list(node.targets)
        else:
            value, targets = node.value, [node.target]
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call) and ctx.call_name(value) in callees:
            in_class = isinstance(pyast.parent(node), ast.ClassDef)
            for target in targets:
                name = pyast.dotted(target) if target is not None else None
                if name and in_class:  # `session = requests.Session()` in a class body: methods use self.session
                    names.update((f"self.{name}", f"cls.{name}"))
                elif name:
                    names.add(name)
    return names


ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "environ.get"})


def local_env_helpers(ctx: PyContext) -> frozenset[str]:
    """Module-level functions of this file that read the environment with their own first two
    parameters (`def envbool(s, default): v = os.getenv(s, default=default) ...`): a call
    `envbool("DEBUG", "True")` reads DEBUG with that default. Once per file."""
    memo = getattr(ctx, "memo", None)
    if memo is not None and "py-env-helpers" in memo:
        return memo["py-env-helpers"]  # type: ignore[no-any-return]
    found: set[str] = set()
    if "getenv" in ctx.text or "environ" in ctx.text:
        for function in ctx.tree.body:
            if not isinstance(function, ast.FunctionDef) or len(function.args.args) < 2:
                continue
            key, default = function.args.args[0].arg, function.args.args[1].arg
            for call in ast.walk(function):
                if not isinstance(call, ast.Call) or ctx.call_name(call) not in ENV_GETTERS or not call.args:
                    continue
                given = list(call.args[1:2]) + [k.value for k in call.keywords if k.arg == "default"]
                if isinstance(call.args[0], ast.Name) and call.args[0].id == key and any(
                    isinstance(g, ast.Name) and g.id == default for g in given
                ):
                    found.add(function.name)
                    break
    result = frozenset(found)
    if memo is not None:
        memo["py-env-helpers"] = result
    return result


def env_read(call: ast.Call, ctx: PyContext) -> tuple[str, ast.expr | None] | None:
    """(variable, default node) of an environment read: `os.getenv("DEBUG", "1")`, or a call of a
    local env helper (`envbool("DEBUG", "True")`)."""
    name = ctx.call_name(call) or ""
    helper = isinstance(call.func, ast.Name) and call.func.id in local_env_helpers(ctx)
    if name not in ENV_GETTERS and not helper:
        return None
    key = pyast.const_str(call.args[0]) if call.args else None
    if key is None:
        return None
    default = call.args[1] if len(call.args) >= 2 else next((k.value for k in call.keywords if k.arg == "default"), None)
    return key, default


def lines_of(ctx: PyContext, node: ast.AST) -> str:
    """The source lines a node spans, read off the file's cached lines: cheap enough to ask for every
    function of a large file (ast.get_source_segment re-splits the whole file on each call)."""
    start = getattr(node, "lineno", 1)
    end = getattr(node, "end_lineno", None) or start
    return "\n".join(ctx.lines[start - 1 : end])
