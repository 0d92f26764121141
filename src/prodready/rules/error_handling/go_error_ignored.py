"""Go error ignored or swallowed.

## What it does
Flags an empty `if err != nil {}` block, and errors explicitly discarded with `_` from calls that
matter: `_ = f()` where `f` returns only an error, and `v, _ := f()` for well-known error-returning
calls (`strconv`, `json.Marshal/Unmarshal`, `io.ReadAll`, `os.Open/ReadFile`, `http.NewRequest`,
`db.Exec`, ...). Also calls made as a bare statement whose only result is the error that matters:
`json.Unmarshal(data, &v)`, `server.ListenAndServe()`, `tx.Commit()`, `os.WriteFile(...)`, and
`db.Exec(...)` in files that use database/sql, `io.Copy` into a file; and a call whose result is
not assigned although the next statement tests `if err != nil` (a stale error is tested).

## Why it matters in production
The failure happens, the program carries on with zero values: a config parsed as 0, a request
built as nil, a write that never reached the database — and nothing in the logs says why.

## Example
```go
n, _ := strconv.Atoi(r.URL.Query().Get("limit"))
if err != nil {
}
```

## Use instead
```go
n, err := strconv.Atoi(r.URL.Query().Get("limit"))
if err != nil {
    http.Error(w, "limit must be a number", http.StatusBadRequest)
    return
}
```

## Known limitations
`_ = x.Close()` and encoder writes to a response are accepted (nothing useful can be done).

## References
- https://go.dev/blog/error-handling-and-go
- https://github.com/kisielk/errcheck
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import following_statements, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-201",
    name="go-error-ignored",
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Handle the error: return it (wrapped with context), log it, or answer the client with a 4xx/5xx.",
    references=("https://go.dev/blog/error-handling-and-go",),
)

ERROR_CALLS = lazy_compile(
    r"^(strconv\.\w+|json\.(Marshal\w*|Unmarshal)|io\.ReadAll|ioutil\.ReadAll|ioutil\.ReadFile|os\.(Open|ReadFile|Create|WriteFile|MkdirAll)|"
    r"http\.NewRequest\w*|url\.Parse|time\.Parse\w*|\w+\.Cookie|\w+\.(Exec|ExecContext|QueryRow|Query|Scan|Commit|Insert\w*|Save|Update\w*|Delete\w*))$"
)
HARMLESS = lazy_compile(
    r"(Close|Encode|Write|WriteString|Fprint\w*|Print\w*|Flush|Remove|SetDeadline|SetReadDeadline|SetWriteDeadline)$"
)


@RULE.on_tree("if_statement", languages=(Language.GO,))
def check_empty(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    condition = " ".join(text(field(node, "condition")).split())
    if condition not in {"err != nil", "nil != err"}:
        return
    ctx.examine(RULE)
    body = field(node, "consequence")
    if body is not None and not [
        c
        for c in body.named_children
        if c.type not in {"comment"} and (c.type != "statement_list" or c.named_children)
    ]:
        yield RULE.hit(node, "empty `if err != nil {}`: the error is swallowed")


BARE_CALLS = lazy_compile(
    r"^((json|xml|yaml|toml|proto|msgpack)\.Unmarshal|\w+\.(ListenAndServe|ListenAndServeTLS)|http\.ListenAndServe\w*|"
    r"\w+\.Commit|io\.Copy\w*|os\.(WriteFile|MkdirAll|Rename|Chmod|Setenv)|ioutil\.WriteFile)$"
)
SQL_EXEC = lazy_compile(r"^\w+\.(Exec|ExecContext)$")


@RULE.on_tree("expression_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_bare(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    call = node.named_children[0] if node.named_children else None
    if call is None or call.type != "call_expression" or non_production(ctx.path, ctx.is_test_file):
        return
    callee = go.callee(call)
    bare = bool(BARE_CALLS.match(callee))
    if not bare and SQL_EXEC.match(callee):
        imports = set(ctx.imports.values())
        bare = "database/sql" in imports and not any("gorm" in i or "sqlx" in i for i in imports)
    if bare and re.match(r"io\.Copy", callee):
        args = go.call_args(call)
        bare = bool(args) and not re.fullmatch(
            r"(w|rw|writer|c\.Writer|os\.Std\w+|ioutil\.Discard|io\.Discard|&?\w*(buf|Buf|buffer|Buffer|hash|Hash|hasher|sb)\w*)",
            text(args[0]),
        )
    if not bare:
        # The callee tests of the stale-error case below come first: they alone rule out most calls.
        if HARMLESS.search(callee) or not re.match(r"^[\w.]+$", callee) or re.match(r"^(log|fmt|defer|close|delete|panic)\b", callee):
            return
        after = following_statements(node)
        nxt = after[0] if after else None
        previous = node.prev_named_sibling
        while previous is not None and previous.type == "comment":
            previous = previous.prev_named_sibling
        if (
            previous is not None
            and previous.type in {"assignment_statement", "short_var_declaration"}
            and re.search(r"\berr\b", text(field(previous, "left")))
        ):
            return  # err was just set by the statement before; this call is cleanup in between
        if (
            nxt is not None
            and nxt.type == "if_statement"
            and " ".join(text(field(nxt, "condition")).split()) == "err != nil"
            and field(nxt, "initializer") is None
        ):
            ctx.examine(RULE)
            yield RULE.hit(node, f"{callee}() result is not assigned, yet the next line checks err: it tests a stale error")
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"error returned by {callee}() is never checked")


@RULE.on_tree("assignment_statement", "short_var_declaration", languages=(Language.GO,), callee=lambda c: not HARMLESS.search(c), skip_file=in_test_code)
def check_discard(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None or not right.named_children or non_production(ctx.path, ctx.is_test_file):
        return
    call = right.named_children[0]
    if call.type != "call_expression":
        return
    names = [text(c) for c in left.named_children]
    if not names or names[-1] != "_":
        return
    callee = go.callee(call)
    if HARMLESS.search(callee):
        return
    ctx.examine(RULE)
    if ERROR_CALLS.match(callee):
        yield RULE.hit(node, f"error from {callee}() discarded with `_`")
