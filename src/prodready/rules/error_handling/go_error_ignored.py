"""Go error ignored or swallowed.

## What it does
Flags an empty `if err != nil {}` block, and errors explicitly discarded with `_`: `v, _ := f()` /
`v, _ = f()` where the blank takes the last result of a call, which in Go is the error by
convention (`zap.NewProduction()`, `bcrypt.GenerateFromPassword`, `token.SignedString`,
`repo.GetByTitle`); calls known to answer (value, ok) instead — `sync.Map` `Load`/`LoadOrStore`,
`os.LookupEnv`, gin `c.Get`/`GetQuery`/`GetPostForm`, `strings.Cut`, `big.Int.SetString`, `utf8`
decoding, `XFromContext` helpers, `context.WithCancel` — are left alone, and so are functions of the
same file whose last result is not an error. `_ = f()` is flagged for well-known error-returning
calls (`strconv`, `json.Marshal/Unmarshal`, `io.ReadAll`, `os.Open/ReadFile`, `http.NewRequest`,
`db.Exec`, ...). Also calls made as a bare statement whose only result is the error that matters:
`json.Unmarshal(data, &v)`, `server.ListenAndServe()`, gin `r.Run()` / echo `e.Start(addr)` / fiber
`app.Listen(addr)` in `main` or on a server made in the same function, `tx.Commit()`,
`db.AutoMigrate(&Model{})` and gorm queries run as statements (`tx.Where(c).First(&m)`, `db.Save(&u)`:
the error sits unread in `.Error`; reported once per function), go-redis writes run as statements
(`rdb.Set(ctx, k, v, 0)`, `client.IncrBy(...)`: the error sits unread in the returned command; not
on a pipeline, whose `Exec` reports it), `os.WriteFile(...)`, and `db.Exec(...)` in files that use
database/sql, `io.Copy` into a file; and a call whose result is not assigned although the next
statement tests `if err != nil` (a stale error is tested).

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
`_ = x.Close()` and encoder writes to a response are accepted (nothing useful can be done). Without
type information, a function of another file that answers (value, bool) under a name not listed
here is taken for an error-returning one.

## References
- https://go.dev/blog/error-handling-and-go
- https://github.com/kisielk/errcheck
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import takewhile
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import ancestors, descendants, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import following_statements, in_test_code, non_production
from prodready.rules._go_results import ERROR_CALLS, HARMLESS, benign_discard
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


@RULE.on_tree("if_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_empty(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if in_test_code(ctx):
        return  # test code is not the production service
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


# Servers started as a bare statement: the bind error (port in use, bad address) is dropped and main
# returns, so the process exits 0 and the orchestrator sees a clean stop.
SERVER_START = lazy_compile(r"^(\w+)\.(Run|RunTLS|RunUnix|Start|StartTLS|StartAutoTLS|Listen|ListenTLS|Serve|ServeTLS)$")
SERVER_NAME = lazy_compile(r"(?i)^(r|e|g|app|api|router|engine|server|srv|web|\w*router|\w*server|\w*engine)$")
WEB_IMPORTS = ("github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/gofiber/fiber", "net/http")


def _server_start(call: Any, callee: str, ctx: TreeContext) -> bool:
    match = SERVER_START.match(callee)
    if match is None or not any(path.startswith(WEB_IMPORTS) for path in ctx.imports.values()):
        return False
    func = go.enclosing_top_function(call)
    if func is None:
        return False
    receiver = re.escape(match.group(1))
    made_here = re.search(
        rf"\b{receiver}\s*:?=\s*(gin\.(Default|New)|echo\.New|fiber\.New|&?http\.Server\b)", text(func)
    )
    if made_here:
        return True
    # In main, a router built elsewhere (`r := routers.Init(); r.Run()`): judged by the receiver's name.
    framework = any(path.startswith(WEB_IMPORTS[:3]) for path in ctx.imports.values())
    return (
        framework
        and go.function_name(func) == "main"
        and bool(SERVER_NAME.match(match.group(1)))
        and (match.group(2).startswith("Run") or bool(go.call_args(call)))
    )


# gorm: the error of a query is in the returned *DB's `.Error`; a bare statement drops it.
GORM_TERMINAL = lazy_compile(
    r"\.(First|Last|Take|Find|FirstOrCreate|FirstOrInit|Create|Save|Update|Updates|UpdateColumns?|Delete|"
    r"Related|Scan|Pluck|Count|Exec|Append|Replace|Clear|Commit)$"
)


GORM_MODEL_CALLS = frozenset({"First", "Last", "Take", "Find", "FirstOrCreate", "Create", "Save", "Delete", "Updates"})


def _uses_gorm(ctx: TreeContext) -> bool:
    return any(path in {"github.com/jinzhu/gorm", "gorm.io/gorm"} for path in ctx.imports.values())


def _gorm_drops(call: Any, callee: str, ctx: TreeContext) -> bool:
    match = GORM_TERMINAL.search(callee)
    if match is None or "Callback()" in callee or callee.split(".")[0] in {"scope", "fmt", "log", "strings"}:
        return False  # callback registration and Scope internals keep their errors in the scope
    if match.group(1) in {"Append", "Replace", "Clear"} and ".Association(" not in callee:
        return False
    if _uses_gorm(ctx):
        return True
    # a *gorm.DB handed over by a helper (db := common.GetDB(); db.First(&u, id)) or held in a field
    # (r.DB.Create(&span)) in a file without the import: a query or write of a model passed by pointer
    parts = callee.split("(")[0].split(".")[:-1]
    if callee.split(".")[0] in {"db", "tx"} and match.group(1) in {"First", "Last", "Take", "Find", "Related", "FirstOrCreate"}:
        return True
    arguments = go.call_args(call)
    by_pointer = bool(arguments) and text(arguments[0]).startswith(("&", "new("))
    return by_pointer and any(part in {"DB", "db", "Db", "tx"} for part in parts) and match.group(1) in GORM_MODEL_CALLS


def _unchecked_migration(call: Any, callee: str, ctx: TreeContext) -> bool:
    """`db.AutoMigrate(&User{})` (gorm): v2 returns the error, v1 carries it in `.Error`."""
    return (
        callee.endswith(".AutoMigrate")
        and bool(go.call_args(call))
        and any("gorm" in path for path in ctx.imports.values())
    )


def _first_of_function(node: Any, drops: Callable[[Any, str], bool]) -> int | None:
    """How many statements of the node's function drop their error the way `drops(call, callee)`
    says, when the node is the first of them (one place per function); else None."""
    func = go.enclosing_function(node)
    if func is None:
        return None
    dropped = []
    for stmt in descendants(func, "expression_statement"):
        call = stmt.named_children[0] if stmt.named_children else None
        if call is not None and call.type == "call_expression" and go.enclosing_function(stmt) == func:
            if drops(call, go.callee(call)):
                dropped.append(stmt)
    return len(dropped) if dropped and dropped[0].id == node.id else None


def _gorm_statement(node: Any, callee: str, ctx: TreeContext) -> Iterator[Hit]:
    """One place per function: the first gorm query whose error nobody reads, with how many follow."""
    ctx.examine(RULE)
    count = _first_of_function(node, lambda c, name: _gorm_drops(c, name, ctx) and not _unchecked_migration(c, name, ctx))
    if count is None:
        return
    more = f" (and {count - 1} more gorm call{'s' if count > 2 else ''} in this function)" if count > 1 else ""
    method = callee.rsplit(".", 1)[-1]
    yield RULE.hit(node, f"gorm {method}() is run as a statement: its error (`.Error`) is never checked{more}")


REDIS_WRITES = frozenset({
    "Set", "SetNX", "SetEX", "SetXX", "MSet", "Incr", "IncrBy", "IncrByFloat", "Decr", "DecrBy", "Del", "Unlink",
    "Expire", "ExpireAt", "PExpire", "HSet", "HMSet", "HIncrBy", "HDel", "LPush", "RPush", "LTrim", "LRem",
    "SAdd", "SRem", "ZAdd", "ZRem", "ZIncrBy", "Publish", "XAdd",
})
PIPELINE_RECEIVER = lazy_compile(r"(?i)(^|\.)(pipe\w*|pipeliner|tx|p)$")


def _uses_go_redis(ctx: TreeContext) -> bool:
    return any("go-redis/redis" in module or "redis/go-redis" in module for module in ctx.imports.values())


def _redis_drops(callee: str, ctx: TreeContext) -> bool:
    """`s.client.Set(ctx, k, v, 0)` as a statement: go-redis returns the error inside a *Cmd nobody reads."""
    receiver, _, method = callee.rpartition(".")
    return bool(receiver) and method in REDIS_WRITES and not PIPELINE_RECEIVER.search(receiver) and _uses_go_redis(ctx)


def _redis_statement(node: Any, callee: str, ctx: TreeContext) -> Iterator[Hit]:
    """One place per function: the first go-redis write whose result nobody reads, with how many follow."""
    ctx.examine(RULE)
    count = _first_of_function(node, lambda _call, name: _redis_drops(name, ctx))
    if count is None:
        return
    more = f" (and {count - 1} more in this function)" if count > 1 else ""
    yield RULE.hit(node, f"go-redis {callee.rsplit('.', 1)[-1]}() is run as a statement: its error (`.Err()`) is "
                         f"never checked, so a Redis outage goes unnoticed{more}")


def _same_call_before(node: Any, callee: str) -> bool:
    previous = node.prev_named_sibling
    while previous is not None and previous.type == "comment":
        previous = previous.prev_named_sibling
    if previous is None or previous.type != "expression_statement" or not previous.named_children:
        return False
    call = previous.named_children[0]
    return call.type == "call_expression" and go.callee(call) == callee


@RULE.on_tree("expression_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_bare(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    call = node.named_children[0] if node.named_children else None
    if call is None or call.type != "call_expression" or non_production(ctx.path, ctx.is_test_file):
        return
    callee = go.callee(call)
    if _server_start(call, callee, ctx):
        ctx.examine(RULE)
        yield RULE.hit(node, f"error returned by {callee}() is never checked: a failed bind ends main and the process exits 0")
        return
    if not _unchecked_migration(call, callee, ctx) and _gorm_drops(call, callee, ctx):
        yield from _gorm_statement(node, callee, ctx)
        return
    if _redis_drops(callee, ctx):
        yield from _redis_statement(node, callee, ctx)
        return
    bare = bool(BARE_CALLS.match(callee)) or _unchecked_migration(call, callee, ctx)
    if bare and _same_call_before(node, callee):
        return  # one place for a run of the same call (db.AutoMigrate(&A{}); db.AutoMigrate(&B{}); ...)
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
    if BENIGN_DISCARDS.search(callee) or benign_discard(call, callee):
        return
    if callee.endswith(".Cookie") and names[0] != "_":
        scope = node.parent.parent if node.parent is not None and node.parent.type == "if_statement" else go.enclosing_function(node)
        if scope is not None and re.search(rf"\b{re.escape(names[0])}\s*[!=]=\s*nil", text(scope)):
            return  # a missing cookie is the nil check that follows, not a lost error
    if (callee == "io.ReadAll" and "io.LimitReader(" in text(call) or callee == "json.Unmarshal") and _in_failure_branch(node):
        return  # reading or decoding a failed response's body for the error message: best effort by design
    if ERROR_CALLS.match(callee):
        yield RULE.hit(node, f"error from {callee}() discarded with `_`")


def _in_failure_branch(node: Any) -> bool:
    """Inside a check that the response failed (`if resp.StatusCode != http.StatusOK { ... }`), or
    after the success case returned (`if resp.StatusCode == http.StatusOK { return resp, nil }`)."""
    sibling = node.prev_named_sibling
    while sibling is not None:
        if sibling.type == "if_statement" and re.search(r"StatusCode\s*(==|<)", text(field(sibling, "condition"))) \
                and "return" in text(field(sibling, "consequence")):
            return True
        sibling = sibling.prev_named_sibling
    for ancestor in ancestors(node):
        if ancestor.type in {"function_declaration", "method_declaration", "func_literal"}:
            return False
        if ancestor.type == "if_statement":
            condition = text(field(ancestor, "condition"))
            if re.search(r"StatusCode\s*(!=|>=|>|<)", condition):
                return True
    return False


# Errors that carry no runtime news: json.Marshal fails only on unsupported types (a bug the first
# test shows).
BENIGN_DISCARDS = lazy_compile(r"^json\.Marshal(Indent)?$")


@RULE.on_project
def check_convention(ctx: ProjectContext) -> Iterator[Hit]:
    """`v, _ := f()` of calls not known either way (collected by the Go facts): the last result is the
    error by Go convention, unless a function of that name in the project answers something else."""
    discards = ctx.model.facts.get("go_discard", [])
    if not discards:
        return
    not_errors = {str(f.get("name")) for f in ctx.model.facts.get("go_non_error_result", [])}
    for discard in discards:
        if non_production(str(discard["file"]), False):
            continue
        ctx.examine(RULE)
        if str(discard.get("method")) in not_errors:
            continue
        yield Hit(
            line=discard.get("line"),
            end_line=discard.get("end_line"),
            path=str(discard["file"]),
            message=f"last result of {discard.get('callee')}() (its error, by Go convention) discarded with `_`",
        )


GO_SERVE = lazy_compile(r"(^|\.)(ListenAndServe|ListenAndServeTLS|Serve|ServeTLS|Run|RunTLS|Start|StartTLS|Listen)$")


@RULE.on_tree("go_statement", languages=(Language.GO,), skip_file=in_test_code)
def check_go_serve(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`go srv.Serve(ln)`: the goroutine drops the error, so a failed listener is silent."""
    call = next((c for c in node.named_children if c.type == "call_expression"), None)
    if call is None or non_production(ctx.path, ctx.is_test_file):
        return
    callee = go.callee(call)
    if not GO_SERVE.search(callee) or not any(path.startswith(WEB_IMPORTS) or "grpc" in path for path in ctx.imports.values()):
        return
    receiver, _, method = callee.rpartition(".")
    if method in {"Run", "RunTLS", "Start", "StartTLS", "Listen"} and not SERVER_NAME.match(receiver.rpartition(".")[2]):
        return  # `Run`/`Start` of anything else (a worker, a dev helper) is not a listener
    ctx.examine(RULE)
    yield RULE.hit(
        node,
        f"`go {callee}(...)` drops the error: if the listener fails, the server is not serving and nothing says so",
    )


STATEMENT_LISTS = frozenset({"block", "statement_list", "expression_case", "default_case", "type_case", "communication_case", "source_file"})


def _following_statements(node: Any, function: Any) -> Iterator[Any]:
    """Statements that run after `node` on its path: later siblings at every level up to the
    function, never the other branches of an if/switch."""
    current = node
    while current is not None and current != function:
        parent = current.parent
        if parent is not None and parent.type in STATEMENT_LISTS:
            sibling = current.next_named_sibling
            while sibling is not None:
                if sibling.type != "comment":
                    yield sibling
                sibling = sibling.next_named_sibling
        current = parent


def _err_fate(node: Any, function: Any) -> str:
    """'read', 'overwritten' or 'dropped' for the err assigned by `node`."""
    named_err = re.search(r"\berr\s+error\b", text(field(function, "result")) if field(function, "result") is not None else "")
    for statement in _following_statements(node, function):
        body = text(statement)
        if statement.type == "return_statement":
            if re.search(r"\berr\b", body) or (named_err and body.strip() == "return"):
                return "read"
            return "dropped"
        if not re.search(r"\berr\b", body):
            continue
        if statement.type in {"assignment_statement", "short_var_declaration"}:
            left, right = field(statement, "left"), field(statement, "right")
            if (
                left is not None and right is not None
                and re.search(r"\berr\b", text(left)) and not re.search(r"\berr\b", text(right))
            ):
                return "overwritten"
        return "read"
    return "read" if named_err else "dropped"


@RULE.on_tree("assignment_statement", "short_var_declaration", languages=(Language.GO,), callee=lambda c: not HARMLESS.search(c), skip_file=in_test_code)
def check_unread(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`err = x.save()` and then nothing reads err before it is overwritten or the function ends."""
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None or not right.named_children or non_production(ctx.path, ctx.is_test_file):
        return
    names = [text(c) for c in left.named_children]
    if not names or names[-1] != "err" or right.named_children[0].type != "call_expression":
        return
    function = go.enclosing_function(node)
    if function is None or function.type == "func_literal":
        return  # a closure's err is often the captured result of the outer function
    if node.parent is None or node.parent.type not in STATEMENT_LISTS:
        return  # an if/switch initializer: its condition reads err
    if function is None or any(a.type in {"for_statement", "func_literal", "select_statement"} for a in takewhile(lambda a: a != function, ancestors(node))):
        return  # loops and closures read err where statement order does not show it
    fate = _err_fate(node, function)
    if fate == "read":
        return
    callee = go.callee(right.named_children[0])
    ctx.examine(RULE)
    how = "overwritten before anyone reads it" if fate == "overwritten" else "never read"
    yield RULE.hit(node, f"error from {callee}() is assigned to err and {how}: the failure is silently dropped")
