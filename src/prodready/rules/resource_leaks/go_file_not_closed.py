"""Go file opened and never closed

## What it does
Flags `f, err := os.Open(...)` / `os.OpenFile` / `os.Create` in service code when nothing in the
function closes the file (`defer f.Close()` or a plain `f.Close()`), returns it, stores it or hands
it to another function.

## Why it matters in production
Each call leaks one file descriptor until the garbage collector happens to finalise the `*os.File`.
On a request path (serving an image, reading an upload, writing an export) the process reaches its
descriptor limit under load and every `accept`, `open` and outbound connection then fails with
"too many open files" until it restarts.

## Example
```go
fh, err := os.Open(path)
if err != nil {
    return nil, err
}
return io.ReadAll(fh)
```

## Use instead
```go
fh, err := os.Open(path)
if err != nil {
    return nil, err
}
defer fh.Close()
return io.ReadAll(fh)
```

## Known limitations
A file closed by a helper that receives it is taken as closed.

## References
- https://pkg.go.dev/os#File.Close
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-RL-001",
    name="file-not-closed",
    aliases=("PR-RL-206", "go-file-not-closed"),
    category=Category.RESOURCE_LEAKS,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="`defer f.Close()` right after the error check (and check Close's error when writing).",
    references=("https://pkg.go.dev/os#File.Close",),
)

OPENERS = {"os.Open", "os.OpenFile", "os.Create", "os.CreateTemp"}


@RULE.on_tree("short_var_declaration", "assignment_statement", languages=(Language.GO,),
              callee=OPENERS.__contains__, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None or not left.named_children or not right.named_children:
        return
    call = right.named_children[0]
    if call.type != "call_expression" or go.callee(call) not in OPENERS or ctx.imports.get("os") != "os":
        return
    name = text(left.named_children[0])
    if name == "_" or not re.fullmatch(r"[A-Za-z_]\w*", name):
        return
    func = go.enclosing_function(node)
    if func is None:
        return
    ctx.examine(RULE)
    body = text(func).replace(text(node), "")
    escaped = re.escape(name)
    if re.search(rf"\b{escaped}(\.\(\*?[\w.]+\))?\.Close\(\)|\breturn\s+(\w+,\s*)*{escaped}\b\s*(,|$|\n)", body):
        return
    if re.search(rf"\w\((?:[^()\n]*,\s*)?&?{escaped}\s*[,)]", body) and not re.search(rf"(io\.ReadAll|io\.Copy\w*|bufio\.New\w*|json\.NewDecoder|json\.NewEncoder)\((?:[^()\n]*,\s*)?{escaped}\s*[,)]", body):
        return  # handed to a helper that may own it (a reader that only reads does not close it)
    if re.search(rf"[\w.\]]+\s*(=|:)\s*&?{escaped}\s*[,}}\n]", body):
        return  # stored for a caller
    yield RULE.hit(call, f"`{name}` from {go.callee(call)}() is never closed: each call leaks a file descriptor")
