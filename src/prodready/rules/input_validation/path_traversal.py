"""File path built from request data without confinement.

## What it does
In route handlers, flags file-system sinks — `open`, `FileResponse`, `send_file`, `os.remove`,
`os.listdir`, `shutil.rmtree`, `Path.read_text/read_bytes/write_*`, `Path.unlink` — whose path is
built from a request parameter or body (`os.path.join(BASE, name)`, `Path(base) / name`,
f-strings) when the handler never confines it (`resolve()` + `is_relative_to`/`startswith`/
`commonpath`, `secure_filename`, `send_from_directory`, `os.path.basename`).

## Why it matters in production
`../../etc/passwd` or an absolute path walks out of the intended directory: attackers read
configuration, keys and source, or delete files. `os.path.join(base, "/etc/passwd")` even discards
the base entirely.

## Example
```python
@router.get("/exports/{name}")
def download(name: str):
    return FileResponse(os.path.join(EXPORT_DIR, name))
```

## Use instead
```python
@router.get("/exports/{name}")
def download(name: str):
    base = Path(EXPORT_DIR).resolve()
    target = (base / name).resolve()
    if not target.is_relative_to(base):
        raise HTTPException(404)
    return FileResponse(target)
```

## Known limitations
Data flow is followed only inside the handler (parameters and local assignments).

## References
- https://owasp.org/www-community/attacks/Path_Traversal
- https://cwe.mitre.org/data/definitions/22.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler, mentions, tainted_names

RULE = RuleMeta(
    id="PR-IV-001",
    name="path-traversal",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Resolve the path and check it stays under the base directory (is_relative_to), or use send_from_directory.",
    references=("https://owasp.org/www-community/attacks/Path_Traversal",),
)

SINKS = {
    "open",
    "io.open",
    "fastapi.responses.FileResponse",
    "starlette.responses.FileResponse",
    "flask.send_file",
    "os.remove",
    "os.unlink",
    "os.listdir",
    "os.scandir",
    "os.rmdir",
    "os.makedirs",
    "shutil.rmtree",
    "shutil.copy",
    "shutil.copyfile",
    "shutil.move",
    "aiofiles.open",
    "os.walk",
}
PATH_METHODS = {
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "unlink",
    "open",
    "iterdir",
    "rmdir",
    "glob",
}
CONFINEMENT = {
    "is_relative_to",
    "commonpath",
    "secure_filename",
    "send_from_directory",
    "basename",
    "safe_join",
    "relative_to",
}


def _confined(func: ast.AST) -> bool:
    resolved = False
    for sub in ast.walk(func):
        if isinstance(sub, ast.Call):
            name = (pyast.dotted(sub.func) or "").split(".")[-1]
            if name in CONFINEMENT:
                return True
            if name in {"resolve", "realpath", "abspath", "normpath"}:
                resolved = True
            if name == "startswith" and resolved:
                return True
    return False


def _built_at(func: ast.AST, argument: ast.AST, names: set[str]) -> ast.AST | None:
    """Where a path handed to the sink as a plain name was built from request data
    (`target = os.path.join(ROOT, path)`): the line a reviewer points at."""
    if not isinstance(argument, ast.Name):
        return None
    for node in pyast.walk_shallow(func):
        if (isinstance(node, ast.Assign) and node.lineno < argument.lineno
                and any(isinstance(t, ast.Name) and t.id == argument.id for t in node.targets)
                and not isinstance(node.value, ast.Name) and mentions(node.value, names - {argument.id})):
            return node
    return None


# Calls whose result is still the request's text (a path or string built from it).
PATH_BUILDERS = frozenset({
    "join", "joinpath", "Path", "PurePath", "PosixPath", "format", "replace", "strip", "lstrip", "rstrip",
    "lower", "upper", "str", "unquote", "unquote_plus", "normpath", "expanduser", "split", "removeprefix",
    "removesuffix", "with_suffix", "with_name", "get", "getlist", "get_json",
})


def _lookup(value: ast.AST) -> bool:
    """`User.query.filter_by(name=name).first()`, `await get_recipe(slug)`: a stored record looked up
    by the request's key; what the server stored in it (`user.picture`) is not the request's text."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return False
    name = (pyast.dotted(value.func) or "").split(".")[-1] if not isinstance(value.func, ast.Attribute) else value.func.attr
    return bool(name) and name not in PATH_BUILDERS


def _path_taint(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """tainted_names() without the locals that only ever hold what a lookup returned (or what was
    read from such a record: `picture = user.picture`). A local assigned request text anywhere
    (`name = ''` ... `name = normpath(request.args.get("name"))`) stays tainted."""
    names = tainted_names(func)
    parameters = {a.arg for a in ast.walk(func.args) if isinstance(a, ast.arg)}
    assigned: dict[str, list[ast.AST]] = {}
    for node in ast.walk(func):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
    for _ in range(3):
        for name, values in assigned.items():
            if name not in names or name in parameters:
                continue
            if not any(_carries_request(value, names - {name}) for value in values):
                names.discard(name)
    return names


def _carries_request(value: ast.AST, names: set[str]) -> bool:
    """The assigned value holds request text: not a lookup, and it reads the request or a tainted local."""
    if _lookup(value):
        return False
    for sub in ast.walk(value):
        if isinstance(sub, ast.Name) and sub.id in names:
            return True
        if isinstance(sub, ast.Attribute) and (pyast.dotted(sub) or "").startswith(("request.", "websocket.", "self.request.")):
            return True
    return False


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=in_test_file)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not is_route_handler(func):
        return
    names = _path_taint(func)
    if not names:
        return
    for node in pyast.walk_shallow(func):
        if not isinstance(node, ast.Call):
            continue
        name = ctx.call_name(node) or ""
        is_sink = name in SINKS or name.split(".")[-1] in {"FileResponse", "send_file"}
        argument: ast.AST | None = node.args[0] if node.args else None
        if not is_sink and isinstance(node.func, ast.Attribute) and node.func.attr in PATH_METHODS:
            is_sink, argument = True, node.func.value
            if not isinstance(argument, ast.Call | ast.BinOp | ast.Name):
                continue
        if not is_sink or argument is None:
            continue
        ctx.examine(RULE)
        if mentions(argument, names) and not _confined(func):
            yield RULE.hit(
                _built_at(func, argument, names) or node,
                f"{name.split('.')[-1] or 'path'}() opens a path built from request data in {func.name}() without confinement",
                anchor=func.name,
            )
            return
