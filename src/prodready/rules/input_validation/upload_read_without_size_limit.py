"""Uploaded file accepted or read whole with no size limit

## What it does
In a FastAPI/Starlette route that takes an `UploadFile`, or a Flask view reading
`request.files[...]`, flags the call that reads the whole upload into memory — `await file.read()`,
`file.file.read()`, `storage.read()` — when nothing in the handler bounds it: no `file.size`
check, no `len(content) > MAX...` comparison, no `read(n)` with a size, and (for Flask) no
`MAX_CONTENT_LENGTH` in the project. In JavaScript/TypeScript, flags `multer(...)` (and
`multer()`) and express-fileupload's `fileUpload(...)` configured without `limits.fileSize`: both
accept files of any size, buffering them in memory or writing them to disk.

## Why it matters in production
Neither FastAPI nor Flask limits request bodies by default. One client sending a multi-gigabyte
file makes the worker hold it all in memory (and often hash, decode or parse it as well): the
process is killed by the OOM killer, taking every request it was serving with it. A handful of
such requests take the whole service down.

## Example
```python
@router.post("/upload")
async def upload(file: UploadFile):
    content = await file.read()
```

## Use instead
```python
@router.post("/upload")
async def upload(file: UploadFile):
    if file.size is not None and file.size > settings.MAX_UPLOAD_BYTES:
        raise HTTPException(413, "file too large")
    content = await file.read(settings.MAX_UPLOAD_BYTES + 1)
```
(and cap the body at the proxy: nginx `client_max_body_size`).

## Known limitations
A limit enforced by a proxy or an ASGI middleware elsewhere is not seen.

## References
- https://fastapi.tiangolo.com/tutorial/request-files/
- https://flask.palletsprojects.com/en/stable/patterns/fileuploads/#improving-uploads
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta
from prodready.rules.input_validation._taint import is_route_handler

RULE = RuleMeta(
    id="PR-IV-008",
    name="upload-read-without-size-limit",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Check the upload's size before reading (file.size, Content-Length) and read at most the limit; cap bodies at the proxy too.",
    references=("https://fastapi.tiangolo.com/tutorial/request-files/",),
)

BOUNDED = lazy_compile(
    r"\.size\b|\bcontent_length\b|\bMAX_\w*|\bmax_\w*(size|bytes|length)\b|len\(\w+\)\s*[><]|\bspool_max_size\b|413\b"
)


def _uploads(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    names = set()
    for arg in func.args.args + func.args.kwonlyargs:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        if "UploadFile" in annotation:
            names.add(arg.arg)
    return names


@once_per_file
def _no_upload(ctx: PyContext) -> object:
    return ctx.is_test_file or "UploadFile" not in ctx.text and "request.files" not in ctx.text


@RULE.on_python(ast.FunctionDef, ast.AsyncFunctionDef, skip_file=_no_upload)
def check(func: ast.FunctionDef | ast.AsyncFunctionDef, ctx: PyContext) -> Iterator[Hit]:
    if _no_upload(ctx) or not is_route_handler(func):
        return
    uploads = _uploads(func)
    flask = "request.files" in ctx.text
    if not uploads and not flask:
        return
    body = ast.unparse(func)
    flask = "request.files" in body
    if not uploads and not flask:
        return
    if flask and "MAX_CONTENT_LENGTH" in ctx.text:
        return
    for node in pyast.walk_shallow(func):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "read"):
            continue
        receiver = pyast.dotted(node.func.value) or ""
        if not (receiver.split(".")[0] in uploads or flask and ("file" in receiver.lower() or "request.files" in ast.unparse(node.func.value))):
            continue
        ctx.examine(RULE)
        if node.args or node.keywords or BOUNDED.search(body):
            return
        yield RULE.hit(node, f"`{ast.unparse(node)}` reads the whole upload into memory and nothing limits its size")
        return


@once_per_file
def _no_multer(ctx: TreeContext) -> object:
    return ctx.is_test_file or "multer" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=lambda c: c == "multer" or c.endswith(("('multer')", '("multer")')), skip_file=_no_multer)
def check_multer(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`multer({ storage })` / `require('multer')()` with no limits.fileSize."""
    if _no_multer(ctx) or not (js.callee(node) == "multer" or js.callee(node).endswith(("('multer')", '("multer")'))):
        return
    if js.test_or_script(ctx):
        return
    arguments = js.args(node)
    options = arguments[0] if arguments else None
    if options is not None and options.type != "object":
        return  # options built elsewhere (a variable): not judged
    ctx.examine(RULE)
    limits = js.object_value(options, "limits")
    if limits is not None and (limits.type != "object" or js.object_has_key(limits, "fileSize")):
        return
    yield RULE.hit(node, "multer() accepts uploads of any size (no limits.fileSize): one request can fill memory or disk")


def _no_fileupload(ctx: TreeContext) -> object:
    return ctx.is_test_file or "express-fileupload" not in ctx.text


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_fileupload)
def check_express_fileupload(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`fileUpload({...})` (express-fileupload) with no limits.fileSize: it parses and stores every
    multipart body, of any size, for every route it is mounted on."""
    if _no_fileupload(ctx) or js.test_or_script(ctx):
        return
    name = js.callee(node)
    if ctx.imports.get(name, "").split("#")[0] != "express-fileupload":
        return
    arguments = js.args(node)
    options = arguments[0] if arguments else None
    if options is not None and options.type != "object":
        return  # options built elsewhere
    ctx.examine(RULE)
    limits = js.object_value(options, "limits")
    if limits is not None and (limits.type != "object" or js.object_has_key(limits, "fileSize")):
        return
    yield RULE.hit(node, f"{name}() (express-fileupload) accepts uploads of any size (no limits.fileSize): one request can fill memory or disk")
