"""Outbound HTTP response used without checking its status

## What it does
Flags an outbound HTTP call whose response status is never looked at in the function that makes
it: Python `requests`/`httpx` calls (`r = requests.post(...)`, or a bare `requests.post(...)`
statement) with no `r.status_code`, `r.ok` or `r.raise_for_status()`; Go `resp, err :=
client.Do(req)` / `http.Get(...)` whose `resp.StatusCode`/`resp.Status` is never read.

## Why it matters in production
HTTP clients return 4xx and 5xx answers as ordinary responses. Unchecked, a rejected API key, an
exhausted quota or a provider outage is counted as a delivered e-mail, a sent webhook or a stored
file; the error page is parsed as data (or fails to parse far from the cause), and nothing is
logged or retried.

## Example
```python
def notify(url, payload):
    requests.post(url, json=payload, timeout=10)
```

## Use instead
```python
def notify(url, payload):
    response = requests.post(url, json=payload, timeout=10)
    response.raise_for_status()
```

## Known limitations
Only the calling function is read: a status check in a helper the response is handed to counts
when the response is handed on (returned or passed to another call). Clients that raise on error
statuses by configuration (`httpx.Client(event_hooks=...)`, a `requests` session hook) are not seen.

## References
- https://requests.readthedocs.io/en/latest/user/quickstart/#response-status-codes
- https://pkg.go.dev/net/http#Response
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import python as pyast
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules._pyutil import in_test_file, is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-008",
    name="http-status-unchecked",
    category=Category.ERROR_HANDLING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.GO}),
    fix="Check the status (raise_for_status(), `if resp.StatusCode != http.StatusOK`) before using the body or "
    "counting the call as done; log and retry or report the failure.",
    references=("https://requests.readthedocs.io/en/latest/user/quickstart/#response-status-codes",),
)

PY_CALLS = frozenset({
    f"{module}.{verb}" for module in ("requests", "httpx") for verb in ("get", "post", "put", "patch", "delete", "head", "request")
})
PY_CHECKS = lazy_compile(r"\.(status_code|ok|raise_for_status|is_success|is_error|status)\b")


def _py_checked(name: str, func: ast.AST) -> bool:
    """The response is looked at (status) or handed on whole (returned, passed to a helper)."""
    for node in ast.walk(func):
        if isinstance(node, ast.Attribute) and pyast.dotted(node.value) == name and PY_CHECKS.match(f".{node.attr}"):
            return True
        if isinstance(node, ast.Return) and node.value is not None and pyast.dotted(node.value) == name:
            return True
        if isinstance(node, ast.Call) and any(pyast.dotted(a) == name for a in node.args):
            return True
    return False


@RULE.on_python(ast.Call, calls=sorted({c.rsplit(".", 1)[1] for c in PY_CALLS}), skip_file=lambda ctx: in_test_file(ctx) or is_script_like(ctx))
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if in_test_file(ctx) or is_script_like(ctx) or ctx.call_name(node) not in PY_CALLS:
        return
    func = pyast.enclosing_function(node)
    parent = pyast.parent(node)
    if isinstance(parent, ast.Await):
        parent = pyast.parent(parent)
    if func is None or parent is None:
        return
    if isinstance(parent, ast.Expr):
        ctx.examine(RULE)  # `requests.post(url, json=...)` as a statement: nothing reads the answer
        yield RULE.hit(node, f"the answer of {ctx.call_name(node)}() is dropped: a 4xx/5xx reply is treated as success")
        return
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return
    name = parent.targets[0].id
    ctx.examine(RULE)
    if _py_checked(name, func):
        return
    yield RULE.hit(node, f"`{name}` from {ctx.call_name(node)}() is used without checking its status: a 4xx/5xx reply "
                         "is read as if it succeeded")


# ---------------------------------------------------------------- Go

GO_CALL = lazy_compile(r"(^http\.(Get|Post|PostForm|Head)$|(^|\.)([Cc]lient|[Hh]ttp[Cc]lient|http\.DefaultClient|c|hc)\.(Do|Get|Post|PostForm|Head)$)")


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,),
              skip_file=lambda ctx: in_test_code(ctx) or "net/http" not in ctx.text)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx) or "net/http" not in ctx.imports.values():
        return
    right = field(node, "right")
    call = right.named_children[0] if right is not None and right.named_children else None
    if call is None or call.type != "call_expression" or not GO_CALL.search(go.callee(call)):
        return
    left = field(node, "left")
    names = [text(c) for c in left.named_children] if left is not None else []
    if len(names) != 2 or names[0] == "_":
        return
    response = names[0]
    function = go.enclosing_function(node)
    if function is None:
        return
    body = text(function)
    ctx.examine(RULE)
    escaped = re.escape(response)
    if re.search(rf"\b{escaped}\.(StatusCode|Status)\b", body):
        return
    if re.search(rf"\breturn\b[^\n]*\b{escaped}\b(?!\.)", body) or re.search(rf"\w\([^()\n]*\b{escaped}\s*[,)]", body):
        return  # handed on whole: the caller or a helper looks at it
    reads = [c for c in descendants(function, "call_expression")
             if c.start_point[0] > call.start_point[0] and re.search(rf"\b{escaped}\.Body\b", text(c))
             and not text(c).endswith(".Close()")]
    if not reads:
        return  # the body is not read here either
    used = reads[0].start_point[0] + 1
    yield Hit(line=call.start_point[0] + 1,
              message=f"`{response}` from {go.callee(call)}() is used without looking at StatusCode: a 4xx/5xx reply is "
                      "read as if it succeeded",
              related=((used, "the body is read here, whatever the status"),))
