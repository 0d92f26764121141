"""Lookup error taken to mean "not found"

## What it does
Flags a lookup (`GetUserByEmail`, `FindByID`, `repo.Get...`) whose error is read as "the record
does not exist" without asking which error it is:
- `if err != nil { ...404 / codes.NotFound... }`: every failure, a database outage included, is
  answered as not found;
- `if err == nil { ...409 / "already exists"... }` followed by the create: every failure is taken
  as "free to create".
A condition that names the error (`errors.Is(err, sql.ErrNoRows)`, `err == mongo.ErrNoDocuments`,
`== gorm.ErrRecordNotFound`) is not flagged. In JavaScript, a `catch` in a handler whose only
action is a 404 for an awaited lookup, the error never looked at; in Python, a bare or broad
`except` (`Exception`, `BaseException`) that only answers 404 and never logs.

## Why it matters in production
During a database incident the API tells clients their accounts do not exist (and the login page
answers "user not found" to everyone), or it goes on to insert duplicates because the existence
check failed. The outage is hidden behind a business answer: no 5xx, no alert, wrong data.

## Example
```go
user, err := repo.GetUserByEmail(ctx, email)
if err != nil {
    c.JSON(http.StatusNotFound, gin.H{"error": "user not found"})
    return
}
```

## Use instead
```go
user, err := repo.GetUserByEmail(ctx, email)
if errors.Is(err, repo.ErrNotFound) {
    c.JSON(http.StatusNotFound, gin.H{"error": "user not found"})
    return
}
if err != nil {
    c.JSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
    return
}
```

## Known limitations
A repository that returns only a not-found error (and panics or logs-and-exits on everything else)
is still flagged: suppress it with that note.

## References
- https://go.dev/blog/go1.13-errors
- https://pkg.go.dev/database/sql#ErrNoRows
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
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-EH-211",
    name="lookup-error-as-absent",
    aliases=("go-lookup-error-as-absent",),  # its name while it read Go alone
    category=Category.ERROR_HANDLING,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Test for the not-found error itself (errors.Is(err, ErrNotFound)) and answer 5xx for every other error.",
    references=("https://go.dev/blog/go1.13-errors",),
)

LOOKUP = lazy_compile(r"(?:^|\.)(Get|Find|Fetch|Load|Lookup|Read|First|Take|Select)\w*$")
NOT_FOUND = lazy_compile(r"StatusNotFound|\b404\b|codes\.NotFound")
# the block tells the errors apart itself: `if errors.Is(err, ErrNotFound) {...}` inside
DISCRIMINATES = lazy_compile(r"errors\.(Is|As)\(|err\s*[!=]=\s*[\w.]*Err\w*|\bcase\s+[\w.]*Err\w*|switch\s")
EXISTS = lazy_compile(r"StatusConflict|\b409\b|codes\.AlreadyExists|(?i:already exists|already registered|already taken)")



def _lookup_before(node: Any, ctx: TreeContext) -> str | None:
    """The callee of the statement just before the `if` when it assigns err from a lookup."""
    previous = node.prev_named_sibling
    while previous is not None and previous.type == "comment":
        previous = previous.prev_named_sibling
    if previous is None or previous.type not in {"short_var_declaration", "assignment_statement"}:
        return None
    left, right = field(previous, "left"), field(previous, "right")
    if left is None or right is None or not re.search(r"\berr\b", text(left)) or not right.named_children:
        return None
    call = right.named_children[0]
    if call.type != "call_expression":
        return None
    callee = go.callee(call)
    return callee if LOOKUP.search(callee) else None


@RULE.on_tree("if_statement", languages=(Language.GO,), skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    condition = " ".join(text(field(node, "condition")).split())
    if condition not in {"err != nil", "err == nil"} or field(node, "initializer") is not None:
        return
    if non_production(ctx.path, ctx.is_test_file):
        return
    callee = _lookup_before(node, ctx)
    if callee is None:
        return
    ctx.examine(RULE)
    block = text(field(node, "consequence"))
    if DISCRIMINATES.search(block):
        return
    if condition == "err != nil" and NOT_FOUND.search(block) and field(node, "alternative") is None:
        yield RULE.hit(node, f"every error from {callee}() is answered as not found: a database outage looks like a "
                             "missing record")
    elif condition == "err == nil" and EXISTS.search(block):
        yield RULE.hit(node, f"any error from {callee}() is taken to mean the record does not exist, and the code goes "
                             "on to create it")
