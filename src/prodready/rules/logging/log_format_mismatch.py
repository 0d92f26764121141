"""Log call whose format string and arguments do not match

## What it does
Flags log calls whose literal format string does not fit the arguments passed with it:
- Python `logging`-style calls (`logger.error("failed for %s", a, b)`, an argument with no
  placeholder, `%%s` written where `%s` was meant);
- Go `...f` log calls (`logger.Errorf("cannot marshal response: %v\\n")` with no argument, one verb
  for two values);
- Go non-formatting calls given a format string (`log.Fatal("open %s: %w", path, err)`).

## Why it matters in production
The line is written when something went wrong, and it loses what went wrong. Python's logging
catches the formatting error, prints "--- Logging error ---" with its own traceback to stderr, and
drops the message. Go prints `%!v(MISSING)` or `%!(EXTRA ...)` in place of the value. The cause of
the incident never reaches the logs.

## Example
```python
logger.debug("Exception while closing response", e)
```

## Use instead
```python
logger.debug("Exception while closing response: %s", e)
```

## Known limitations
Only literal format strings are read. A format string held in a variable, arguments spread from a
list (`*args`, `args...`) and `%(name)s` mappings are not judged.

## References
- https://docs.python.org/3/howto/logging.html#optimization
- https://pkg.go.dev/cmd/vet (printf check)
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-006",
    name="log-format-mismatch",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.GO}),
    fix="Give the format string one placeholder per argument (Python: %s; Go: %v), or use the non-format call.",
    references=("https://pkg.go.dev/cmd/vet",),
)

PY_LEVELS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal"})
PY_LOGGER = lazy_compile(r"(?i)(^|\.|_)(log|logger|logging|_?log(ger)?s?)$")
PY_DIRECTIVE = re.compile(r"%(?:\(([^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
PY_KEYWORDS = frozenset({"exc_info", "extra", "stack_info", "stacklevel"})


def _py_placeholders(message: str) -> int | None:
    """Placeholders a %-format string takes; None for `%(name)s` mappings."""
    count = 0
    for match in PY_DIRECTIVE.finditer(message):
        if match.group(0) == "%%":
            continue
        if match.group(1) is not None:
            return None
        count += match.group(0).count("*") + 1
    return count


@RULE.on_python(ast.Call, calls=sorted(PY_LEVELS | {"log"}), skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    func = node.func
    if in_test_file(ctx) or not isinstance(func, ast.Attribute) or func.attr not in PY_LEVELS | {"log"}:
        return
    receiver = ast.unparse(func.value)
    if not PY_LOGGER.search(receiver) or ctx.imports_module("loguru", "structlog"):
        return  # loguru and structlog format with {} and keyword fields
    arguments = node.args[1:] if func.attr == "log" else node.args
    if not arguments or not isinstance(arguments[0], ast.Constant) or not isinstance(arguments[0].value, str):
        return
    if any(isinstance(a, ast.Starred) for a in arguments) or any(k.arg is None for k in node.keywords):
        return
    if any(k.arg not in PY_KEYWORDS for k in node.keywords):
        return  # structlog/loguru-style keyword fields: not %-formatting
    message, values = arguments[0].value, arguments[1:]
    wanted = _py_placeholders(message)
    if wanted is None:
        return
    if not values and "%%" not in message:
        return  # no arguments: logging prints the message as it is (a lone % is fine)
    ctx.examine(RULE)
    if wanted == len(values):
        return
    yield RULE.hit(node, f"{receiver}.{func.attr}() has {wanted} placeholder{'s' if wanted != 1 else ''} for "
                         f"{len(values)} argument{'s' if len(values) != 1 else ''}: logging fails to format the record "
                         "and the message is lost")


# ---------------------------------------------------------------- Go

GO_VERB = re.compile(r"%[-+# 0]*(\[\d+\])?(?:\*|\d+)?(?:\.(?:\*|\d+)?)?[a-zA-Z%]")
GO_FORMATTERS = frozenset({"Printf", "Errorf", "Infof", "Warnf", "Warningf", "Debugf", "Fatalf", "Panicf", "Tracef",
                           "Noticef", "Criticalf", "Logf"})
GO_PLAIN = frozenset({"Print", "Println", "Error", "Info", "Warn", "Warning", "Debug", "Fatal", "Fatalln", "Panic", "Panicln"})
GO_KNOWN_LOGGERS = frozenset({"log", "fmt", "github.com/sirupsen/logrus", "k8s.io/klog", "k8s.io/klog/v2", "github.com/golang/glog"})


def _go_verbs(format_string: str) -> int | None:
    count = 0
    for match in GO_VERB.finditer(format_string):
        verb = match.group(0)
        if verb == "%%":
            continue
        if match.group(1):
            return None  # explicit argument indexes: not counted
        count += verb.count("*") + 1
    return count


@RULE.on_tree("call_expression", languages=(Language.GO,),
              callee=lambda c: c.rpartition(".")[2] in GO_FORMATTERS | GO_PLAIN, skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    owner, _, method = go.callee(node).rpartition(".")
    if in_test_code(ctx) or method not in GO_FORMATTERS | GO_PLAIN:
        return
    # Only loggers whose signatures are known: a project's own `log.Info(format, args...)` or
    # `log.Errorf(ctx, msg, props)` formats as it likes.
    module = ctx.imports.get(owner.split(".", 1)[0].split("(", 1)[0], "")
    if module not in GO_KNOWN_LOGGERS or method in GO_PLAIN and module == "fmt":
        return
    arguments = go.call_args(node)
    literal = next((i for i, a in enumerate(arguments[:2]) if a.type in {"interpreted_string_literal", "raw_string_literal"}), None)
    if literal is None or literal == 1 and method in GO_PLAIN:
        return
    if any(text(a).endswith("...") for a in arguments) or "..." in text(node.child_by_field_name("arguments") or node)[-6:]:
        return
    format_string = string_value(arguments[literal]) or text(arguments[literal]).strip('"`')
    values = arguments[literal + 1 :]
    verbs = _go_verbs(format_string)
    if verbs is None:
        return
    ctx.examine(RULE)
    if method in GO_FORMATTERS:
        if verbs == len(values):
            return
        yield RULE.hit(node, f"{go.callee(node)}() has {verbs} verb{'s' if verbs != 1 else ''} for {len(values)} "
                             f"argument{'s' if len(values) != 1 else ''}: the line prints %!v(MISSING) or %!(EXTRA ...) "
                             "instead of the value")
    elif verbs and values:
        yield RULE.hit(node, f"{go.callee(node)}() is not a formatting call but is given a format string: the verbs are "
                             f"printed literally; use {method.rstrip('ln')}f")
