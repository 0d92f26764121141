"""Node HTTP request without a timeout.

## What it does
In server-side JavaScript/TypeScript, flags `fetch(url)` / `fetch(url, options)` without a
`signal` (e.g. `AbortSignal.timeout(ms)`), axios calls whose config has no `timeout`, and
`axios.create({...})` without `timeout`, and calls of the `request` package (`request({...}, cb)`,
`request.post(...)`) whose options set no `timeout`.

## Why it matters in production
Neither `fetch` nor axios time out by default. A slow upstream keeps the request (and its memory and
sockets) open forever; under load the Node process accumulates thousands of pending requests. Make
the timeout configurable so it can be tuned per environment.

## Example
```ts
const res = await fetch(`${MODEL_API}/generate`, { method: "POST", body })
```

## Use instead
```ts
const res = await fetch(`${MODEL_API}/generate`, { method: "POST", body, signal: AbortSignal.timeout(30_000) })
```

## Known limitations
Browser code is skipped (components, `'use client'` files); a shared fetch wrapper that adds a
signal is recognised only when its options object spreads another object. The project's own fetch
helper that applies a timeout only when its caller passes one (`fetch(url, { timeout })`) is
followed: each call that passes neither `timeout` nor `signal` is reported.

## References
- https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static
- https://axios-http.com/docs/req_config
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang.javascript import CLIENT_PATH
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-TO-001",
    name="http-call-without-timeout",
    aliases=("PR-TO-101", "js-http-call-without-timeout"),
    category=Category.TIMEOUTS,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Pass signal: AbortSignal.timeout(ms) to fetch; set timeout on axios instances and calls.",
    references=("https://developer.mozilla.org/en-US/docs/Web/API/AbortSignal/timeout_static",),
)


GOT_CALLS = {"got", "got.get", "got.post", "got.put", "got.patch", "got.delete", "got.head"}
NODE_HTTP = {"http", "https", "node:http", "node:https"}
# the `request` package (and its promise wrappers): no timeout unless the options carry one
REQUEST_MODULES = {"request", "request-promise", "request-promise-native", "requestretry"}
REQUEST_CALLS = {"request", "request.get", "request.post", "request.put", "request.patch", "request.del",
                 "request.delete", "request.head", "rp", "rp.get", "rp.post"}
FETCH_MODULES = {"node-fetch", "undici", "cross-fetch", "isomorphic-fetch", "isomorphic-unfetch"}


def _http_call_candidate(name: str) -> bool:
    """callee=: fetch, got, http(s).get/request and axios.create: the only calls check reads."""
    return (
        name in {"fetch", "$fetch", "ofetch", "axios.create"}
        or name in GOT_CALLS
        or name in REQUEST_CALLS
        or (name.count(".") == 1 and name.split(".")[-1] in {"get", "request"})
        or name.endswith("sendNotification")
    )


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=_http_call_candidate)
def check(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    name = js.callee(node)
    arguments = js.args(node)
    if name in ("$fetch", "ofetch"):
        # Nuxt/Nitro's $fetch (ofetch): no timeout unless `timeout` or a `signal` is passed
        if name == "ofetch" and ctx.imports.get("ofetch", "").split("#")[0] != "ofetch" or not js.is_server_file(ctx):
            return
        ctx.examine(RULE)
        options = arguments[1] if len(arguments) > 1 else None
        if options is None or options.type == "object" and not any(js.object_has_key(options, k) for k in ("timeout", "signal")):
            yield RULE.hit(node, f"{name}() without timeout: ofetch waits for a slow upstream forever")
        return
    if name == "fetch":
        imported = ctx.imports.get("fetch", "").split("#")[0]
        if imported and imported not in FETCH_MODULES:
            return  # a project wrapper (utils/fetch) that sets its own timeout
        if not js.is_server_file(ctx):
            return
        ctx.examine(RULE)
        options = arguments[1] if len(arguments) > 1 else None
        if options is not None and options.type == "identifier" and not re.search(r"\bsignal\b|AbortController|AbortSignal", ctx.text):
            # fetch(url, fetchOptions): no signal is built anywhere in this file, so none is passed
            yield RULE.hit(node, "fetch() without an AbortSignal: a slow upstream hangs this request forever")
            return
        if options is None or (
            options.type == "object"
            and not js.object_has_key(options, "signal")
            and not js.object_has_key(options, "timeout")
        ):
            yield RULE.hit(node, "fetch() without an AbortSignal: a slow upstream hangs this request forever")
        return
    owner = name.split(".")[0]
    module = ctx.imports.get(owner, "").split("#")[0]
    if module == "web-push" and name.endswith("sendNotification"):
        # web-push posts to the push service the *subscriber's browser* chose: no timeout by default
        options = arguments[2] if len(arguments) > 2 else None
        if options is not None and (options.type != "object" or js.object_has_key(options, "timeout")):
            return
        ctx.examine(RULE)
        yield RULE.hit(node, f"{name}() without a timeout option: a slow or unreachable push endpoint holds the call forever")
        return
    if module == "got" and name in GOT_CALLS:
        if not js.is_server_file(ctx):
            return
        ctx.examine(RULE)
        options = [a for a in arguments[1:] if a.type == "object"]
        if len(arguments) < 2 or options and not any(js.object_has_key(o, "timeout") for o in options):
            yield RULE.hit(node, f"{name}() without timeout: got waits forever by default")
        return
    if module in REQUEST_MODULES and name in REQUEST_CALLS:
        if not js.is_server_file(ctx) or re.search(r"\.defaults\(\s*\{[^}]*\btimeout\b", ctx.text):
            return  # request.defaults({timeout}) bounds every call made through it
        ctx.examine(RULE)
        options = [js.local_object(a) or a for a in arguments]
        if options and options[0].type not in {"string", "template_string", "object"}:
            return  # options built elsewhere
        if any(a.type == "object" and js.object_has_key(a, "timeout") for a in options):
            return
        yield RULE.hit(node, f"{name}() without timeout: the request package waits for the upstream forever by default")
        return
    if module in NODE_HTTP and name.split(".")[-1] in {"get", "request"} and name.count(".") == 1:
        if not js.is_server_file(ctx):
            return
        ctx.examine(RULE)
        func = js.enclosing_function(node)
        scope = text(func) if func is not None else text(node.parent)
        if any(a.type == "object" and js.object_has_key(a, "timeout") for a in arguments) or re.search(
            r"setTimeout\(|['\"]timeout['\"]|signal", scope
        ):
            return
        if (
            any(
                a.type not in {"string", "template_string", "object", "arrow_function", "function_expression"}
                for a in arguments[:1]
            )
            and len(arguments) == 1
        ):
            return  # options built elsewhere
        yield RULE.hit(node, f"{name}() without a timeout: a stalled upstream holds the socket forever")
        return
    axios_module = ctx.imports.get("axios", "").split("#")[0] == "axios"
    if not axios_module or CLIENT_PATH.search(ctx.path) and not js.is_server_file(ctx):
        return  # a browser bundle's API client (static/, components/): the browser's own limits apply
    if name == "axios.create":
        ctx.examine(RULE)
        config = arguments[0] if arguments else None
        if config is None or (config.type == "object" and not js.object_has_key(config, "timeout")):
            yield RULE.hit(node, "axios.create() without timeout: every request through it can hang")
        return


@RULE.on_project
def check_axios(ctx: ProjectContext) -> Iterator[Hit]:
    """axios calls without a per-call timeout, unless axios.defaults.timeout is set somewhere."""
    calls = ctx.model.facts.get("js_axios_call", [])
    if not calls:
        return
    ctx.examine(RULE, len(calls))
    if ctx.model.has_signal("axios-default-timeout"):
        return
    for call in calls:
        yield Hit(
            line=call["line"],
            path=str(call["file"]),
            message=f"{call['call']}() without timeout (and no axios.defaults.timeout)",
        )


@RULE.on_project
def check_wrappers(ctx: ProjectContext) -> Iterator[Hit]:
    """The project's own fetch helper sets a timeout only when asked (`if (timeout) ...`): every call
    that passes none has no timeout at all."""
    wrappers = {(str(w["module"]), str(w["name"])) for w in ctx.model.facts.get("js_http_wrapper", [])}
    if not wrappers:
        return
    for call in ctx.model.facts.get("js_http_wrapper_call", []):
        module = _resolve(str(call.get("module", "")), str(call["file"]))
        target = next((w for w in wrappers if w[1] == call.get("export") and module and w[0].endswith(module)), None)
        if target is None:
            continue
        ctx.examine(RULE)
        if call.get("timed"):
            continue
        yield Hit(
            line=call.get("line"),
            path=str(call["file"]),
            message=f"request through the project's HTTP helper ({target[0]}) with no timeout: the helper applies one "
            "only when the caller passes it",
        )


def _resolve(spec: str, importer: str) -> str:
    """`../utils/fetch` from server/routes/x.ts -> server/utils/fetch; `@server/utils/fetch` -> server/utils/fetch."""
    spec = re.sub(r"\.[cm]?[jt]sx?$", "", spec)
    if spec.startswith("."):
        return posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))  # as router includes resolve it
    return spec.lstrip("@~/").removeprefix("src/") if spec.startswith(("@/", "~/")) else spec.lstrip("@")
