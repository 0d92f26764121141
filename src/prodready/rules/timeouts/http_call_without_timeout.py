"""Outbound HTTP call without a timeout.

## What it does
Flags `requests` calls (module functions and methods of a `requests.Session`) with no `timeout=`,
`urllib.request.urlopen` with no timeout, `httpx` calls and clients given `timeout=None`, and
`aiohttp.ClientSession()` created without `timeout=`. Also calls of the project's own HTTP helper
(`def fetch_remote(url, ..., timeout=None)` that hands `timeout` to requests/httpx) that pass no
timeout, whether the helper is imported by module (`utils.fetch_json(...)`, relative imports too)
or by name.

## Why it matters in production
`requests` and `urlopen` wait forever by default. One slow or half-open peer pins a worker thread
(or the event loop) until the process is restarted; under load every worker ends up waiting and the
service stops answering, including its health checks.

## Example
```python
reply = requests.post(PAYMENTS_URL, json=body)
```

## Use instead
```python
reply = requests.post(PAYMENTS_URL, json=body, timeout=(3.05, 10))
```

## Known limitations
Calls that pass `**kwargs` are assumed to carry a timeout. A `requests.Session` subclass or adapter
that injects a default timeout is not recognised.

## References
- https://requests.readthedocs.io/en/latest/user/advanced/#timeouts
- https://www.python-httpx.org/advanced/timeouts/
- https://docs.aiohttp.org/en/stable/client_quickstart.html#timeouts
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from prodready.engine.context import ProjectContext, PyContext
from prodready.lang import python as pyast
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._pyutil import assigned_names, has_keyword, in_test_file, keyword_value
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-001",
    name="http-call-without-timeout",
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON}),
    fix="Pass an explicit timeout, e.g. requests.get(url, timeout=(3.05, 10)); never timeout=None.",
    references=("https://requests.readthedocs.io/en/latest/user/advanced/#timeouts",),
)

HTTP_VERBS = {"get", "post", "put", "delete", "patch", "head", "options", "request"}
REQUESTS_FUNCS = {f"requests.{verb}" for verb in HTTP_VERBS} | {f"requests.api.{verb}" for verb in HTTP_VERBS}
SESSION_FACTORIES = {"requests.Session", "requests.session", "requests.sessions.Session"}
URLOPEN = {"urllib.request.urlopen", "urllib2.urlopen"}
HTTPX_CALLS = {f"httpx.{verb}" for verb in HTTP_VERBS | {"stream"}} | {"httpx.Client", "httpx.AsyncClient"}
AIOHTTP_SESSION = {"aiohttp.ClientSession", "aiohttp.request"}  # aiohttp.request() opens its own session

_SESSIONS_KEY = "_pr_requests_sessions"


def _session_names(ctx: PyContext) -> set[str]:
    cached = getattr(ctx, _SESSIONS_KEY, None)
    if cached is None:
        cached = assigned_names(ctx, SESSION_FACTORIES)
        setattr(ctx, _SESSIONS_KEY, cached)
    return cached


@RULE.on_python(
    ast.Call,
    calls=[
        "AsyncClient",
        "Client",
        "ClientSession",
        "delete",
        "get",
        "head",
        "options",
        "patch",
        "post",
        "put",
        "request",
        "stream",
        "urlopen",
        "webpush",
    ],
    skip_file=in_test_file,
)
def check(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if ctx.is_test_file:
        return
    name = ctx.call_name(node)
    if name is None:
        return
    if name == "pywebpush.webpush":
        # pywebpush posts with requests to the push service the subscriber's browser chose
        ctx.examine(RULE)
        if not has_keyword(node, "timeout") and not has_keyword(node, "requests_session"):
            yield RULE.hit(node, "pywebpush.webpush() without timeout: a slow or unreachable push endpoint blocks this worker forever")
        return
    if name in REQUESTS_FUNCS or name in URLOPEN:
        ctx.examine(RULE)
        if not has_keyword(node, "timeout") and not (name in URLOPEN and len(node.args) >= 3):
            yield RULE.hit(node, f"{name}() without timeout: a slow peer blocks this worker forever")
        return
    if name in HTTPX_CALLS:
        ctx.examine(RULE)
        if pyast.is_none(keyword_value(node, "timeout")):
            yield RULE.hit(node, f"{name}(timeout=None) disables httpx's default timeout")
        return
    if name in AIOHTTP_SESSION:
        ctx.examine(RULE)
        if not has_keyword(node, "timeout"):
            yield RULE.hit(
                node,
                f"{name}() without timeout=aiohttp.ClientTimeout(...) (default waits 5 minutes)",
            )
        return
    func = node.func
    if isinstance(func, ast.Attribute) and func.attr in HTTP_VERBS:
        owner = pyast.dotted(func.value)
        if owner and owner in _session_names(ctx):
            ctx.examine(RULE)
            if not has_keyword(node, "timeout"):
                yield RULE.hit(node, f"{owner}.{func.attr}() on a requests.Session without timeout")


@RULE.on_project
def check_wrappers(ctx: ProjectContext) -> Iterator[Hit]:
    """The project's own HTTP helper takes `timeout=None` and sets a timeout only when given one:
    every call that passes none (`curl.post(url, data)`) has no timeout at all."""
    wrappers = {str(w["function"]) for w in ctx.model.facts.get("py_http_wrapper", [])}
    if not wrappers:
        return
    for call in ctx.model.facts.get("py_http_wrapper_call", []):
        if str(call.get("function")) not in wrappers:
            continue
        ctx.examine(RULE)
        if call.get("timed"):
            continue
        yield Hit(
            line=call.get("line"),
            path=str(call["file"]),
            message=f"{call.get('function')}() without timeout=: the project's HTTP helper defaults to none, so a slow "
            "upstream holds this request or worker forever",
        )
