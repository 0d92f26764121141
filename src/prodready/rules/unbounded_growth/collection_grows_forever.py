"""Long-lived collection that only grows.

## What it does
Finds module-level collections (dict, list, set, deque, defaultdict, ...) and collections held by
long-lived objects (managers, caches, hubs, singletons instantiated at module level) that functions
add to (`d[k] = v`, `.append`, `.add`, `.setdefault`, `.update`) while nothing in the module ever
removes from them (`del`, `.pop`, `.popitem`, `.clear`, `.remove`, `.discard`, rebinding) or bounds
them (`maxlen`, a `len(...)` check, a TTL/LRU cache type).

## Why it matters in production
Each request or job leaves an entry behind: memory climbs until the process is OOM-killed, usually
days after the deploy, and restarts hide the cause. Typical cases: a jobs dict, an in-flight request
set, a cache of failed writes.

## Example
```python
jobs = {}

def start_job(job_id):
    jobs[job_id] = {"status": "running"}
```

## Use instead
```python
jobs: dict[str, Job] = {}

def finish_job(job_id):
    jobs.pop(job_id, None)          # or a TTL cache: cachetools.TTLCache(maxsize=10_000, ttl=3600)
```

## Known limitations
Removal in another module (a cleanup task elsewhere) is not seen; suppress with the location of the
cleanup as the reason. Collections filled only during start-up are skipped when the filling
function is named like setup/init/register/load.

## References
- https://docs.python.org/3/library/collections.html#collections.deque
- https://cachetools.readthedocs.io/
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from prodready.engine.context import PyContext
from prodready.lang import python as pyast
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyflow import containers
from prodready.rules._pyutil import is_script_like
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-UG-001",
    name="collection-grows-forever",
    category=Category.UNBOUNDED_GROWTH,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.PYTHON}),
    fix="Remove entries when work finishes, or bound the collection (maxlen, TTL/LRU cache, size check with eviction).",
    references=("https://cachetools.readthedocs.io/",),
    grouped=False,  # each collection (global) is a defect of its own
)

ONE_TIME = lazy_compile(
    r"(?i)^(_?(setup|set_up|init|initialize|initialise|configure|register|load|bootstrap|populate|build|main|create_app|startup|on_startup|decorator|wrap|wrapper)\w*)$"
)


def _is_registration(node: ast.AST) -> bool:
    """Decorator-style registration: the writing function returns one of its own parameters."""
    func = pyast.enclosing_function(node)
    if func is None:
        return False
    params = {a.arg for a in func.args.args}
    return any(
        isinstance(sub, ast.Return) and isinstance(sub.value, ast.Name) and sub.value.id in params
        for sub in ast.walk(func)
    )


@RULE.on_python(ast.Module, skip_file=is_script_like)
def check(tree: ast.Module, ctx: PyContext) -> Iterator[Hit]:
    if is_script_like(ctx):
        return
    for name, container in containers(ctx).items():
        if name != container.name:
            continue  # alias entry (Class.attr)
        if not container.writes:
            continue
        ctx.examine(RULE)
        if container.bounded or container.removals or container.len_checks:
            continue
        writers = sorted({func for _, func in container.writes})
        if all(ONE_TIME.match(w) for w in writers):
            continue
        if all(_is_registration(node) for node, _ in container.writes):
            continue
        first = min((node for node, _ in container.writes), key=lambda n: getattr(n, "lineno", 0))
        where = "module-level" if container.scope == "module" else f"held by {container.scope}"
        hit = RULE.hit(
            first,
            f"`{name}` ({where} {container.kind}, line {container.line}) grows in {', '.join(writers[:3])}() "
            "and nothing removes from it",
            anchor=name,
        )
        yield replace(hit, related=((container.line, f"`{name}` is declared here"),)) if container.line else hit
