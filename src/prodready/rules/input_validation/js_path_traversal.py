"""File path from the request opened or served without confinement (JS/TS).

## What it does
Flags `res.sendFile`/`res.download`/`fs.readFile`/`fs.createReadStream`/`fs.writeFile`/`fs.unlink`
(and their sync/promise forms) whose path is built from request input (`req.params`, `req.query`,
`req.body`, `searchParams.get(...)`) in the same function, when that function never confines the
result (`path.resolve(...)` + `startsWith(base)`, `path.relative`, `path.basename`, or the `root`
option of `sendFile`).

## Why it matters in production
`path.join("uploads", "../../etc/passwd")` leaves the directory: one crafted request reads or
overwrites any file the process can access (configuration, keys, source).

## Example
```js
app.get("/files/:name", (req, res) => {
  res.sendFile(path.join(__dirname, "uploads", req.params.name));
});
```

## Use instead
```js
const base = path.resolve(__dirname, "uploads");
const target = path.resolve(base, req.params.name);
if (!target.startsWith(base + path.sep)) return res.status(400).end();
res.sendFile(target);
```

## Known limitations
Input is followed through local variables of one function only; paths built in helper functions
are not traced.

## References
- https://owasp.org/www-community/attacks/Path_Traversal
- https://expressjs.com/en/api.html#res.sendFile
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._js_taint import SOURCE, tainted_names

RULE = RuleMeta(
    id="PR-IV-001",
    name="path-traversal",
    aliases=("PR-IV-102", "js-path-traversal"),
    category=Category.INPUT_VALIDATION,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Resolve the path against a fixed base directory and refuse it unless it starts with that base (or use path.basename).",
    references=("https://owasp.org/www-community/attacks/Path_Traversal",),
)

FS_SINKS = {
    "readFile",
    "readFileSync",
    "createReadStream",
    "writeFile",
    "writeFileSync",
    "createWriteStream",
    "unlink",
    "unlinkSync",
    "rm",
    "rmSync",
    "appendFile",
    "appendFileSync",
    "readdir",
    "readdirSync",
    "stat",
    "statSync",
}
RES_SINKS = {"sendFile", "download"}
CONFINED = lazy_compile(
    r"\b(validate|check|assert|ensure|verify)\w*(Path|File|Name|Dir)\w*\(|\.startsWith\(|\.includes\(|path\.relative\(|\brelative\(|path\.basename\(|\bbasename\(|sanitize|isSafePath|isPathInside|is-path-inside"
)


def _is_sink(node: Any, ctx: TreeContext) -> str:
    name = js.callee(node)
    short = name.split(".")[-1]
    owner = name.split(".")[0]
    if short in RES_SINKS and "." in name:
        return name
    module = ctx.imports.get(owner, "") or ctx.imports.get(name, "")
    if short in FS_SINKS and module.split("#")[0] in {
        "fs",
        "node:fs",
        "fs/promises",
        "node:fs/promises",
        "fs-extra",
    }:
        return name
    return ""


# Calls whose result is still the caller's text: a path or string built from the request.
PATH_BUILDERS = frozenset({
    "join", "resolve", "normalize", "format", "concat", "replace", "replaceAll", "trim", "slice", "substring",
    "substr", "toLowerCase", "toUpperCase", "toString", "decodeURIComponent", "decodeURI", "String", "parse",
    "String.raw", "at", "pop", "shift", "split",
})


def _lookup_result(value: Any) -> bool:
    """`await files.getByName(req.params.name)`, `Model.findByPk(id)`: what a lookup returned is a
    stored record, whose `.path` the server wrote, not the request's text."""
    while value is not None and value.type in {"await_expression", "parenthesized_expression"}:
        value = value.named_children[0] if value.named_children else None
    if value is None or value.type != "call_expression":
        return False
    callee = js.callee(value)
    return bool(callee) and callee.split(".")[-1] not in PATH_BUILDERS and not callee.startswith("path.")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda name: name.split(".")[-1] in RES_SINKS or name.split(".")[-1] in FS_SINKS)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    sink = _is_sink(node, ctx)
    arguments = js.args(node)
    if not sink or not arguments:
        return
    func = js.enclosing_function(node)
    if func is None:
        return
    ctx.examine(RULE)
    target = arguments[0]
    target_text = text(target)
    if (
        sink.endswith((".sendFile", ".download"))
        and len(arguments) >= 2
        and js.object_has_key(arguments[1], "root")
    ):
        return  # res.sendFile(name, { root }) refuses paths that leave root
    tainted = tainted_names(func, through=lambda value: not _lookup_result(value))
    from_request = bool(SOURCE.search(target_text)) or any(
        re.search(rf"\b{re.escape(n)}\b", target_text) for n in tainted
    )
    if not from_request or CONFINED.search(text(func)):
        return
    yield RULE.hit(
        node, f"{sink}() opens a path built from request input without confining it to a base directory"
    )
