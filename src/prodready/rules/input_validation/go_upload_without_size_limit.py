"""Go upload or body read without a size limit.

## What it does
Flags `r.FormFile`, `r.ParseMultipartForm`, `r.MultipartForm`, `c.FormFile` / `c.Request.FormFile`
(gin) and `io.ReadAll(r.Body)` in net/http and gin handlers when the file never wraps the body with
`http.MaxBytesReader` (or `io.LimitReader`, gin-contrib `RequestSizeLimiter`). Also request bodies
decoded through the framework — gin `c.ShouldBindJSON` / `BindJSON` / `Bind` / `ShouldBind` /
`ShouldBindWith`, echo `c.Bind`, ozzo-routing `c.Read`, `json.NewDecoder(r.Body)` — when the
service sets no body limit anywhere (`http.MaxBytesReader`, `http.MaxBytesHandler`, echo
`middleware.BodyLimit`, gin-contrib size limiters, chi `middleware.RequestSize`, an
`io.LimitReader` around a body). gin's `MaxMultipartMemory` does not count: it only decides what
part of a multipart form is kept in memory.

## Why it matters in production
Neither net/http nor gin caps the request body. `ParseMultipartForm(32 << 20)` only bounds the part
kept in memory — the rest is spooled to temporary files — so one client can upload gigabytes, fill
the disk or memory and take the instance down for everyone.

## Example
```go
file, header, err := r.FormFile("uploadfile")
```

## Use instead
```go
r.Body = http.MaxBytesReader(w, r.Body, 10<<20) // 10 MB
if err := r.ParseMultipartForm(10 << 20); err != nil {
    http.Error(w, "file too large", http.StatusRequestEntityTooLarge)
    return
}
file, header, err := r.FormFile("uploadfile")
```

## Known limitations
For uploads, a limit applied by a middleware in another file is not seen; a proxy limit (nginx
`client_max_body_size`) never is. echo and fiber upload handlers are skipped (fiber caps bodies at
4 MB by default; echo apps usually mount `middleware.BodyLimit` globally), and fiber's body parsing
is never reported.

## References
- https://pkg.go.dev/net/http#MaxBytesReader
- https://cwe.mitre.org/data/definitions/400.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import enclosing_handler, func_params_text, in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-202",
    name="go-upload-without-size-limit",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Wrap the body with http.MaxBytesReader(w, r.Body, N) before parsing (or mount a body-size middleware) and answer 413.",
    references=("https://pkg.go.dev/net/http#MaxBytesReader",),
)

UPLOAD = lazy_compile(r"^(\w+|\w+\.Request)\.(FormFile|ParseMultipartForm|MultipartForm|MultipartReader)$")
READ_ALL = {"io.ReadAll", "ioutil.ReadAll"}
LIMITED = lazy_compile(r"MaxBytesReader|LimitReader|RequestSizeLimiter|BodyLimit|MaxBytesHandler|http\.MaxBytes")


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda c: ("Form" in c or "Multipart" in c) and UPLOAD.match(c) or c in READ_ALL, skip_file=in_test_code)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = go.callee(node)
    if UPLOAD.match(name):
        pass
    elif name in READ_ALL and go.call_args(node) and re.search(r"\.Body$", text(go.call_args(node)[0])):
        pass
    else:
        return
    if non_production(ctx.path, ctx.is_test_file):
        return
    handler = enclosing_handler(node) or _request_helper(node, name)
    if handler is None or re.search(r"echo\.Context|fiber\.Ctx", func_params_text(handler)):
        return
    ctx.examine(RULE)
    if LIMITED.search(ctx.text):
        return
    yield RULE.hit(node, f"{name}() reads the request body with no size limit: one client can exhaust disk or memory")


def _request_helper(node: Any, name: str) -> Any | None:
    """`func parseBody(r *http.Request)` reading `r.Body`: a handler's helper reads the request body."""
    if name not in READ_ALL:
        return None
    func = go.enclosing_function(node)
    request = text(go.call_args(node)[0]).removesuffix(".Body")
    if func is None or not request.isidentifier():
        return None
    return func if re.search(rf"\b{re.escape(request)}\s+\*http\.Request\b", func_params_text(func)) else None


def _called(call: str) -> str:
    return call if call.endswith(")") else f"{call}()"


@RULE.on_project
def check_decoders(ctx: ProjectContext) -> Iterator[Hit]:
    """JSON bodies decoded through the framework while no Go code anywhere limits the body size."""
    decodes = [d for d in ctx.model.facts.get("go_body_decode", []) if not non_production(str(d["file"]), False)]
    if not decodes:
        return
    ctx.examine(RULE, len(decodes))
    limits = [s for s in ctx.model.signals("body-limit") if str(s["file"]).endswith(".go")]
    if any(not s.get("scope_start") for s in limits):
        return  # a limit mounted for every request (middleware, a wrapped server handler)
    for decode in decodes:
        if any(_covers(limit, decode) for limit in limits):
            continue
        elsewhere = " (bodies are limited only in other handlers)" if limits else ""
        yield Hit(
            line=decode.get("line"),
            path=str(decode["file"]),
            message=f"{_called(str(decode.get('call')))} decodes the request body with no size limit{elsewhere}",
        )


def _covers(limit: dict, decode: dict) -> bool:
    """A limit set in the same handler as the decode (its own MaxBytesReader)."""
    start, end = int(decode.get("scope_start") or 0), int(decode.get("scope_end") or 0)
    if not start:
        return True  # the decode is outside any handler: a helper that may be given a body its caller limited
    return limit["file"] == decode["file"] and start <= int(limit.get("line") or 0) <= end
