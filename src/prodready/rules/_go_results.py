"""What a Go call's last result is, for `v, _ := f()` (PR-EH-201): an error by convention, or a
(value, ok) flag of a known API. Shared by the rule and the Go fact collector, which also records the
functions of the project whose last result is not an error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.lang import golang as go
from prodready.lang.treesitter import descendants, field, text
from prodready.lazyre import lazy_compile

ERROR_CALLS = lazy_compile(
    r"^(strconv\.\w+|json\.(Marshal\w*|Unmarshal)|io\.ReadAll|ioutil\.ReadAll|ioutil\.ReadFile|os\.(Open|ReadFile|Create|WriteFile|MkdirAll)|"
    r"http\.NewRequest\w*|url\.Parse|time\.Parse\w*|\w+\.Cookie|.+\.(Exec|ExecContext|QueryRow|Query|Scan|Commit|Insert\w*|Save|Update\w*|Delete\w*|ReplaceOne|BulkWrite))$"
)
HARMLESS = re.compile(
    r"(Close|Encode|Write|WriteString|Fprint\w*|Print\w*|Flush|Remove|SetDeadline|SetReadDeadline|SetWriteDeadline)$"
)
# APIs whose last result is a value, an ok/found flag or a size instead of an error.
VALUE_OK_PACKAGES = lazy_compile(
    r"^(strings|bytes)\.Cut\w*$|^(utf8|utf16|unicode|math|bits|cmplx|reflect|slices|maps|sort|lo|atomic|elliptic)\.\w+$|"
    r"^os\.LookupEnv$|^syscall\.Getenv$|^(filepath|path)\.Split$|^runtime\.Caller$|^(io|net)\.Pipe$|^pem\.Decode$|"
    r"^context\.With\w+$|^signal\.NotifyContext$|^errgroup\.WithContext$|^(metadata|peer)\.From\w+$|"
    r"^status\.(FromError|FromContextError)$|"
    # compressors fail only on an invalid level, written as a constant
    r"^(flate|gzip|zlib)\.NewWriter\w*$"
)
VALUE_OK_METHODS = lazy_compile(
    r"^(Load|LoadOrStore|LoadAndDelete|Swap|Lookup\w*|GetQuery\w*|GetPostForm\w*|Cut|CutPrefix|CutSuffix|SetString|"
    r"\w*FromContext|FromIncomingContext|FromOutgoingContext|Deadline|Password|BasicAuth|Caller|Date|Clock|Zone|ISOWeek|"
    r"FieldByName\w*|MethodByName|Recv|TryRecv|Attr|Frexp|Modf|Int64|Uint64|Int|Float32|Float64|Size|\w+Ok|Pop\w*|"
    # a row count for a log line: its error only says the driver cannot count
    r"RowsAffected|"
    # iterators and cursors (bbolt, badger): (key, value)
    r"Next|Prev|First|Last|Seek)$"
)


GO_LITERALS = frozenset({"interpreted_string_literal", "raw_string_literal", "int_literal", "float_literal", "true", "false", "nil"})
# a request's optional parameter: a failed parse is the zero default the handler wants
REQUEST_INPUT = lazy_compile(r"(FormValue|PostFormValue|Query\(\)\.Get|URL\.Query|\.Param\(|mux\.Vars|chi\.URLParam|\.Query\(|DefaultQuery)")
# standard packages whose functions answer from their arguments alone (not a request, a file or a clock)
PURE_PACKAGES = frozenset({"url", "time", "regexp", "strconv", "net", "mail", "mime", "netip", "semver"})
SESSION_STORE = lazy_compile(r"(?i)(store|sessions?)$")


def benign_discard(call: Any, callee: str) -> bool:
    """Discards that lose no runtime news: a call on constants only (its error is a bad constant, which
    the first run shows), a pattern compiled from a literal, gorilla's `store.Get(r, name)` (a fresh
    session on error), UI flash messages, and a request parameter parsed with a zero default."""
    arguments = go.call_args(call)
    method = callee.rsplit(".", 1)[-1]
    receiver = callee.rsplit(".", 1)[0] if "." in callee else ""
    if receiver in PURE_PACKAGES and arguments and all(a.type in GO_LITERALS for a in arguments):
        return True
    if callee.startswith("regexp.") and arguments and arguments[0].type in GO_LITERALS:
        return True
    if method == "Get" and len(arguments) == 2 and SESSION_STORE.search(receiver):
        return True
    if "Flash" in method:
        return True
    return (callee.startswith("strconv.Parse") or callee == "strconv.Atoi") and bool(
        arguments and REQUEST_INPUT.search(text(arguments[0]))
    )


def convention_discard(node: Any) -> tuple[Any, str] | None:
    """`v, _ := f()` whose blank takes the last result of a call that is not known either way:
    (call, callee), judged an error by Go convention unless the project declares otherwise."""
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None or not right.named_children:
        return None
    call = right.named_children[0]
    if call.type != "call_expression":
        return None
    targets = left.named_children
    if len(targets) < 2 or text(targets[-1]) != "_":
        return None  # (asked of every assignment: the other names only when the last is blank)
    if all(text(c) == "_" for c in targets):
        return None
    callee = go.callee(call)
    if HARMLESS.search(callee) or ERROR_CALLS.match(callee) or VALUE_OK_PACKAGES.match(callee) or benign_discard(call, callee):
        return None
    if not re.fullmatch(r"[\w.]+", callee):
        return None  # a call on an expression (f()(), m[k].f()): nothing to judge by
    method = callee.rsplit(".", 1)[-1]
    if method == "Get":
        # gin c.Get(key), caches and Params.Get answer (value, found); gorilla store.Get(r, name) and
        # http.Get(url) / client.Get(url) answer (value, error).
        receiver = callee.rsplit(".", 1)[0] if "." in callee else ""
        if len(go.call_args(call)) == 1 and not re.search(r"(?i)(http|client)", receiver):
            return None
    elif VALUE_OK_METHODS.match(method):
        return None
    if _nil_checked_next(node, text(targets[0])):
        return None
    return call, callee


def _nil_checked_next(node: Any, name: str) -> bool:
    """`t, _ := d.Token(); if t == nil { break }`: a nil value stops the work, which is how the failure
    is handled (unlike `if existing != nil { conflict }`, which takes a failure for "not found")."""
    following = node.next_named_sibling
    while following is not None and following.type == "comment":
        following = following.next_named_sibling
    if following is None or following.type != "if_statement" or name == "_":
        return False
    condition = " ".join(text(field(following, "condition")).split())
    if condition not in {f"{name} == nil", f"nil == {name}"} and not condition.startswith(f"{name} == nil ||"):
        return False
    body = [c for c in (field(following, "consequence") or following).named_children if c.type != "comment"]
    while body and body[-1].type == "statement_list":
        body = [c for c in body[-1].named_children if c.type != "comment"]
    last = body[-1] if body else None
    return last is not None and (
        last.type in {"return_statement", "break_statement", "continue_statement"}
        or text(last).startswith(("panic(", "os.Exit(", "log.Fatal"))
    )


def _last_type(result: Any) -> tuple[int, str]:
    """(number of results, type of the last one) of a result node."""
    if result is None:
        return 0, ""
    if result.type != "parameter_list":
        return 1, text(result)
    types: list[str] = []
    for param in result.named_children:
        if param.type in {"parameter_declaration", "variadic_parameter_declaration"}:
            names = param.children_by_field_name("name")
            types.extend([text(field(param, "type"))] * max(1, len(names)))
    return len(types), types[-1] if types else ""


def non_error_results(root: Any) -> Iterator[str]:
    """Names of the functions, methods and interface methods of a file that answer two or more
    results of which the last is not an error (`func DetectFeedFormat(r io.ReadSeeker) (string, string)`)."""
    for decl in descendants(root, "function_declaration", "method_declaration", "method_elem"):
        count, last = _last_type(field(decl, "result"))
        if count >= 2 and last != "error":
            yield text(field(decl, "name"))


LOCAL_NAME = lazy_compile(r"\w+")


def local_from_method(node: Any, methods: set[str] | frozenset[str]) -> tuple[str, Any, tuple[str, str]] | None:
    """`tx, err := db.BeginTx(ctx, nil)` / `stmt, err = db.Prepare(q)`: (the local variable, the call,
    (receiver, method)) when the first value is a local assigned from one of ``methods``. None for
    `_`, for a field (`s.stmt = ...`: its owner handles it) and for any other statement."""
    left, right = field(node, "left"), field(node, "right")
    if left is None or right is None or not right.named_children or not left.named_children:
        return None
    call = right.named_children[0]
    if call.type != "call_expression":
        return None
    parts = go.call_parts(call)
    if parts is None or parts[1] not in methods:
        return None
    name = text(left.named_children[0])
    if name == "_" or not LOCAL_NAME.fullmatch(name):
        return None
    return name, call, parts
