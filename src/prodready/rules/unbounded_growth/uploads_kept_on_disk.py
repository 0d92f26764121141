"""Uploaded files kept on local disk with nothing removing them

## What it does
Flags upload handling that writes every uploaded file to the service's local disk — multer's
`dest:`/`diskStorage`, gin's `c.SaveUploadedFile`, Flask/Werkzeug `file.save(path)` — in a file
that never deletes one (`fs.unlink`, `os.remove`, `os.Remove`) and never hands it to object storage.

## Why it matters in production
Each upload stays on the instance forever: the disk (or the container's writable layer) fills until
writes fail for the whole service, the files vanish when the container is replaced, and with more
than one replica a file uploaded through one instance is missing on the others.

## Example
```js
const upload = multer({ dest: path.join(__dirname, 'uploads') });
app.post('/api/upload', upload.single('myFile'), apiController.postFileUpload);
```

## Use instead
```js
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5 * 1024 * 1024 } });
// stream the buffer to object storage (S3, GCS) and keep only its key
```

## Known limitations
A cleanup job in another file (a cron, a TTL on the volume) is not seen: suppress with the reason.

## References
- https://github.com/expressjs/multer#storage
- https://12factor.net/processes
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_path
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-104",
    name="uploads-kept-on-disk",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.GO, Language.PYTHON}),
    fix="Stream uploads to object storage (or process them in memory) and delete temporary files when done.",
    references=("https://github.com/expressjs/multer#storage",),
)

# A deletion of the uploaded file itself (an unrelated cache eviction elsewhere in the file does not count),
# or object storage taking the file over.
CLEANUP = lazy_compile(
    r"(unlink(Sync)?|\bfs\.rm(Sync)?|\bos\.remove|\bos\.unlink|\bos\.Remove(All)?|shutil\.rmtree)\([^)]*(file|upload|tmp|temp|dst|dest)"
    r"|\brimraf\b|\bS3\b|s3\.|upload_fileobj|PutObject|putObject|cloudinary|storage\.bucket",
    re.IGNORECASE,
)
MESSAGE = "{what} writes every upload to local disk and nothing removes them: the disk fills, and files are lost with the container"


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee={"multer.diskStorage", "multer"}.__contains__)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path):
        return
    name = js.callee(node)
    arguments = js.args(node)
    disk = name == "multer.diskStorage" or (
        name == "multer" and arguments and arguments[0].type == "object" and js.object_has_key(arguments[0], "dest")
    )
    if not disk:
        return
    ctx.examine(RULE)
    if not CLEANUP.search(ctx.text):
        yield RULE.hit(node, MESSAGE.format(what=f"{name}()"))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=lambda name: name.endswith(".SaveUploadedFile"), skip_file=in_test_path)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or not go.callee(node).endswith(".SaveUploadedFile"):
        return
    ctx.examine(RULE)
    if not CLEANUP.search(ctx.text):
        yield RULE.hit(node, MESSAGE.format(what=text(node.child_by_field_name("function")) + "()"))


@RULE.on_python(ast.Call, calls=["save"], skip_file=in_test_file)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file or not isinstance(node.func, ast.Attribute) or not node.args:
        return
    owner = ast.unparse(node.func.value)
    if not re.search(r"request\.files|\bfile\b|upload|attachment", owner) or "flask" not in " ".join(ctx.imports.values()) and "werkzeug" not in " ".join(ctx.imports.values()):
        return
    ctx.examine(RULE)
    if not CLEANUP.search(ctx.text):
        yield RULE.hit(node, MESSAGE.format(what=f"{owner}.save()"))
