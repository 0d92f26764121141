"""Log file written with no rotation or retention (JS/TS).

## What it does
Flags a winston `transports.File` without `maxsize`/`maxFiles`, and log files opened for appending
by hand (`fs.createWriteStream("app.log", { flags: "a" })`, `fs.appendFile("logs/...")`,
`pino.destination("app.log")`) in server code. `winston-daily-rotate-file`,
`rotating-file-stream` and `pino-roll` are rotation and are not reported.

## Why it matters in production
An append-only log file grows until the disk (or the container's writable layer) is full; then
writes fail everywhere on that volume — database, uploads, the service itself. Files written
inside a container are also lost on every redeploy.

## Example
```js
new winston.transports.File({ filename: "logs/combined.log" })
```

## Use instead
```js
new winston.transports.Console({ format: winston.format.json() })   // let the platform collect stdout
// or
new winston.transports.File({ filename: "logs/combined.log", maxsize: 10_000_000, maxFiles: 5 })
```

## Known limitations
External rotation (logrotate with copytruncate) configured outside the repository is not seen.

## References
- https://github.com/winstonjs/winston/blob/master/docs/transports.md#file-transport
- https://12factor.net/logs
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import javascript as js
from prodready.lang.treesitter import field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-003",
    name="log-file-without-rotation",
    aliases=("PR-UG-102", "js-log-file-without-rotation"),
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Log to stdout, or rotate the file (winston maxsize/maxFiles, winston-daily-rotate-file, rotating-file-stream) with a retention.",
    references=("https://github.com/winstonjs/winston/blob/master/docs/transports.md#file-transport",),
)
LANGS = (Language.JAVASCRIPT, Language.TYPESCRIPT)
LOG_PATH = lazy_compile(r"(?i)(\.log\b|\blogs?/|\blogs?\b['\"`]|access\.log|error\.log)")
FS_APPEND = {"appendFile", "appendFileSync", "createWriteStream"}
FS_MODULES = {"fs", "node:fs", "fs/promises", "node:fs/promises", "fs-extra"}


@RULE.on_tree("new_expression", languages=LANGS)
def check_winston(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    constructor = text(field(node, "constructor"))
    if not constructor.endswith("transports.File") and not (
        constructor == "File" and "winston" in ctx.imports.get("File", "")
    ):
        return
    if ctx.is_test_file:
        return
    ctx.examine(RULE)
    options = js.args(node)[0] if js.args(node) else None
    if options is not None and options.type != "object":
        return  # options built elsewhere
    if js.object_has_key(options, "maxsize") or js.object_has_key(options, "maxFiles"):
        return
    yield RULE.hit(
        node, "winston File transport without maxsize/maxFiles: the log file grows until the disk is full"
    )


@RULE.on_tree("call_expression", languages=LANGS, callee=lambda name: name.split(".")[-1] in FS_APPEND or name.split(".")[-1] == "destination")
def check_fs(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    short = name.split(".")[-1]
    arguments = js.args(node)
    if not arguments or ctx.is_test_file:
        return
    if short == "destination" and ctx.imports.get(name.split(".")[0], "").split("#")[0] == "pino":
        target = arguments[0]
        path = string_value(target) or string_value(js.object_value(target, "dest")) or ""
        if path and path not in {"1", "2"} and LOG_PATH.search(path + "'"):
            ctx.examine(RULE)
            yield RULE.hit(node, f"pino writes to {path} with no rotation")
        return
    if short not in FS_APPEND:
        return
    owner = name.split(".")[0]
    module = ctx.imports.get(owner, "") or ctx.imports.get(name, "")
    if module.split("#")[0] not in FS_MODULES or not js.is_server_file(ctx):
        return
    target_text = text(arguments[0])
    if not LOG_PATH.search(target_text):
        return
    if short == "createWriteStream":
        options = arguments[1] if len(arguments) > 1 else None
        flags = string_value(js.object_value(options, "flags")) if options is not None else None
        if flags is None or "a" not in flags:
            return  # truncated on every start: not an ever-growing file
    ctx.examine(RULE)
    yield RULE.hit(node, f"{name}() appends to a log file that is never rotated or removed")
