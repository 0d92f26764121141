"""Shell command built from variables.

## What it does
Flags `subprocess.*(..., shell=True)` whose command is an f-string, `%`/`.format()` string or a
concatenation with variables, and `os.system`/`os.popen` with a non-constant command.

## Why it matters in production
The shell interprets `;`, `|`, `$()` and backticks in any value that reaches the command: a file
name or a form field becomes arbitrary command execution on the server.

## Example
```python
subprocess.run(f"convert {filename} out.png", shell=True)
```

## Use instead
```python
subprocess.run(["convert", filename, "out.png"], check=True, timeout=60)
```

## Known limitations
Values escaped with `shlex.quote` are accepted only when the call appears in the same expression.

## References
- https://docs.python.org/3/library/subprocess.html#security-considerations
- https://cwe.mitre.org/data/definitions/78.html
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import in_test_file, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-004",
    name="shell-injection",
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Pass an argument list without shell=True (or shlex.quote every value).",
    references=("https://docs.python.org/3/library/subprocess.html#security-considerations",),
)


def _dynamic(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp):
        return not (isinstance(node.left, ast.Constant) and isinstance(node.right, ast.Constant))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    return isinstance(node, ast.Name)


def _quoted(node: ast.AST) -> bool:
    return any(
        isinstance(s, ast.Call) and (pyast.dotted(s.func) or "").endswith("quote") for s in ast.walk(node)
    )


@RULE.on_python(
    ast.Call,
    calls=[
        "Popen",
        "call",
        "check_call",
        "check_output",
        "create_subprocess_shell",
        "getoutput",
        "getstatusoutput",
        "popen",
        "run",
        "system",
    ],
    skip_file=in_test_file,
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    name = ctx.call_name(node) or ""
    if not node.args or ctx.is_test_file:
        return
    if name in {"os.system", "os.popen"}:
        if is_script_like(ctx):
            return  # a CLI's own arguments, not request data
        ctx.examine(RULE)
        if _dynamic(node.args[0]) and not isinstance(node.args[0], ast.Name) and not _quoted(node.args[0]):
            yield RULE.hit(node, f"{name}() runs a shell command built from variables")
        return
    if not name.startswith(("subprocess.", "asyncio.create_subprocess_shell")):
        return
    shell = pyast.keyword(node, "shell")
    if not (
        name.endswith("create_subprocess_shell")
        or (shell is not None and isinstance(shell.value, ast.Constant) and shell.value.value is True)
    ):
        return
    ctx.examine(RULE)
    command = node.args[0]
    if _dynamic(command) and not isinstance(command, ast.Name) and not _quoted(command):
        yield RULE.hit(node, f"{name}(shell=True) with a command built from variables")
