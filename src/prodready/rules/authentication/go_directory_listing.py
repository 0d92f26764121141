"""Go file server that lists directories of user or generated files.

## What it does
Flags gin `r.StaticFS(path, http.Dir(dir))` and `http.FileServer(http.Dir(dir))` over directories
named like uploads, exports, backups or user files (both list directory contents), and
`gin.Dir(dir, true)`. Public asset directories are not flagged.

## Why it matters in production
A directory listing is an index of everything in it: every user's upload, every generated export
and report, guessable or not. Anyone who finds the path can enumerate and download them all without
authentication.

## Example
```go
r.StaticFS("/export", http.Dir(export.GetExcelFullPath()))
```

## Use instead
```go
r.Static("/assets", "./public") // gin.Dir(root, false): files only, no listing
// and serve user files through an authenticated handler that checks ownership
```

## Known limitations
Listings disabled by a custom `http.FileSystem` wrapper are recognised only when it is not
`http.Dir` itself.

## References
- https://pkg.go.dev/github.com/gin-gonic/gin#RouterGroup.StaticFS
- https://cwe.mitre.org/data/definitions/548.html
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-AU-204",
    name="go-directory-listing",
    category=Category.AUTHENTICATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Serve files without listings (gin r.Static / gin.Dir(root, false)) and put user files behind an authenticated handler.",
    references=("https://cwe.mitre.org/data/definitions/548.html",),
)

USER_FILES = lazy_compile(r"(?i)(upload|export|backup|dump|private|user|attachment|document|storage|runtime|tmp)")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: c.endswith("StaticFS") or c in {"gin.Dir", "http.FileServer"}, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file):
        return
    name = go.callee(node)
    parts = go.selector_parts(node.child_by_field_name("function"))
    args = go.call_args(node)
    if (
        parts is not None
        and parts[1] == "StaticFS"
        and len(args) == 2
        and text(args[1]).startswith("http.Dir(")
        and USER_FILES.search(text(args[0]) + text(args[1]))
    ):
        if "gin" not in ctx.imports:
            return
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}({text(args[0])}, http.Dir(...)) lists the directory: every file in it can be enumerated")
    elif name == "gin.Dir" and len(args) == 2 and text(args[1]) == "true":
        ctx.examine(RULE)
        yield RULE.hit(node, "gin.Dir(root, true) enables directory listings")
    elif name == "http.FileServer" and args and text(args[0]).startswith("http.Dir(") and USER_FILES.search(text(args[0])):
        ctx.examine(RULE)
        yield RULE.hit(node, f"http.FileServer({text(args[0])}) lists a directory of user or generated files")
