"""Flask app buffers request bodies with no MAX_CONTENT_LENGTH

## What it does
In a Flask service that never sets `MAX_CONTENT_LENGTH`, reports the places that read a whole
request body or upload into memory: `request.files[...].read()`, reading each file of
`request.files`, `request.get_data()`, `request.stream.read()`. It also reports the missing
setting once, at the file that creates the app.

## Why it matters in production
Flask accepts a body of any size unless `MAX_CONTENT_LENGTH` is set. A single multi-gigabyte
upload is read into the worker's memory (or spooled to disk): the worker is OOM-killed, taking
every request it was serving with it, and a few such requests take the service down.

## Example
```python
app = Flask(__name__)

@app.post("/upload")
def upload():
    data = request.files["file"].read()
```

## Use instead
```python
app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024   # 413 above 16 MB
```

## Known limitations
A limit enforced in front of the app (nginx `client_max_body_size`, a load balancer) is not
seen; set the Flask limit anyway so the app is safe wherever it runs.

## References
- https://flask.palletsprojects.com/en/stable/config/#MAX_CONTENT_LENGTH
- https://flask.palletsprojects.com/en/stable/patterns/fileuploads/
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-IV-007",
    name="flask-body-without-size-limit",
    category=Category.INPUT_VALIDATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Set app.config['MAX_CONTENT_LENGTH'] to the largest body the service accepts (Flask then answers 413).",
    references=("https://flask.palletsprojects.com/en/stable/config/#MAX_CONTENT_LENGTH",),
)


def _settings_file(model: Any) -> str | None:
    """The module that holds the Flask settings (where SECRET_KEY is read): the limit belongs there."""
    for var in model.env_vars:
        if var.name in {"SECRET_KEY", "FLASK_SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "DATABASE_URL"} and not var.file.startswith(("tests/", "test/")):
            return str(var.file)
    return None


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    reads = model.signals("reads-whole-body")
    writes = [r for r in model.http_routes() if r.framework == "flask" and r.method.upper() in {"POST", "PUT", "PATCH", "ANY", "*"}]
    if not (reads or writes) or "flask" not in model.frameworks:
        return
    ctx.examine(RULE)
    if model.has_signal("body-limit"):
        return
    apps = [a for a in model.facts.get("app", []) if a.get("framework") == "flask"]
    if apps:
        yield Hit(
            line=None,
            path=_settings_file(model) or str(apps[0].get("file")),
            message="the Flask app never sets MAX_CONTENT_LENGTH: request bodies and uploads of any size are accepted",
        )
    for read in reads:
        yield Hit(
            line=read.get("line"),
            path=str(read.get("file")),
            message=f"{read.get('detail')} buffers a request body of unlimited size in memory (no MAX_CONTENT_LENGTH)",
        )
