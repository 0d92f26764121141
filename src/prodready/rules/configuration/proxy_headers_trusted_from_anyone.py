"""Proxy headers trusted from any client

## What it does
Flags a server told to believe `X-Forwarded-For` / `X-Forwarded-Proto` from every peer instead of
from the proxies the deployment runs:
- Express `app.set('trust proxy', true)` / `app.enable('trust proxy')`, set unconditionally;
- uvicorn/gunicorn `--forwarded-allow-ips '*'` in a Dockerfile, compose file or start script,
  `forwarded_allow_ips="*"` passed in Python (`uvicorn.run(...)`, `uvicorn.Config(...)`, a gunicorn
  config file) or given as a settings default, and `FORWARDED_ALLOW_IPS=*` in an env file;
- Werkzeug's `ProxyFix(app.wsgi_app)` applied unconditionally (not under an `if` on a setting);
- Fastify `trustProxy: true`, and gorilla `handlers.ProxyHeaders(h)` (which believes
  `X-Forwarded-For`/`X-Real-IP`/`X-Forwarded-Proto` from every peer and has no trusted-proxy list).

A hop count (`'trust proxy', 1`), a subnet or a list of proxy addresses is left alone, and so is a
setting read from configuration.

## Why it matters in production
With every peer trusted, the client address and scheme come from headers the client writes:
`X-Forwarded-For: 1.2.3.4` gives each request a fresh rate-limit bucket or locks a victim's
address out, poisons audit logs and IP allow-lists, and `X-Forwarded-Proto: https` passes
"secure only" checks on plain HTTP. It matters most where the port is also reachable without the
proxy (a published container port, a second listener).

## Example
```javascript
app.set('trust proxy', true);
```

## Use instead
```javascript
app.set('trust proxy', 1); // exactly one proxy (the load balancer) in front
```
```dockerfile
CMD ["uvicorn", "app.main:app", "--proxy-headers", "--forwarded-allow-ips", "10.0.0.0/8"]
```

## Known limitations
A deployment whose only ingress is a proxy that overwrites the headers is safe even with `*`;
suppress the finding there with that reason.

## References
- https://expressjs.com/en/guide/behind-proxies.html
- https://www.uvicorn.org/deployment/#proxies-and-forwarded-headers
- https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from typing import Any

from prodready.engine.context import FileContext, PyContext, TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import ancestors, field, string_value, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules._pyutil import in_test_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-010",
    name="proxy-headers-trusted-from-anyone",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON, Language.GO, Language.DOCKERFILE,
                         Language.COMPOSE, Language.SHELL, Language.DOTENV}),
    fix="Trust only the proxies in front of the service: a hop count ('trust proxy', 1) or their addresses "
    "(--forwarded-allow-ips 10.0.0.0/8), read from configuration.",
    references=("https://expressjs.com/en/guide/behind-proxies.html",),
)

MESSAGE = "{what}: X-Forwarded-For/-Proto are believed from any client, so client IPs (rate limits, logs) and the scheme are whatever the client sends"


def _lacks(word: str) -> Callable[[Any], object]:
    """A skip_file= test: test code, or a file whose text never says `word` (cached per file, under a
    key of its own for each word)."""
    def test(ctx: Any) -> object:
        return ctx.is_test_file or word not in ctx.text
    test.__qualname__ = f"_lacks[{word}]"
    return once_per_file(test)


_no_trust_proxy = _lacks("trust proxy")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_trust_proxy)
def check_express(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_trust_proxy(ctx):
        return
    callee = js.callee(node)
    method = callee.rsplit(".", 1)[-1]
    if method not in {"set", "enable"}:
        return
    arguments = js.args(node)
    if not arguments or string_value(arguments[0]) != "trust proxy":
        return
    ctx.examine(RULE)
    if method == "set" and (len(arguments) < 2 or text(arguments[1]).strip() != "true"):
        return  # a hop count, a subnet list, a function or a configured value
    if any(a.type in {"if_statement", "ternary_expression", "conditional_expression"} for a in ancestors(node)):
        return  # switched on by a setting (`if (settings.trustProxy)`)
    yield RULE.hit(node, MESSAGE.format(what=f"`{text(node)}`"))


_no_fastify_trust = _lacks("trustProxy")


@RULE.on_tree("pair", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_no_fastify_trust)
def check_fastify(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`fastify({ trustProxy: true })`, `new FastifyAdapter({ trustProxy: true })`."""
    if _no_fastify_trust(ctx):
        return
    key = field(node, "key")
    if key is None or (string_value(key) or text(key)) != "trustProxy":
        return
    ctx.examine(RULE)
    value = field(node, "value")
    if value is None or text(value).strip() != "true":
        return  # a hop count, an address list, a function or a configured value
    if any(a.type in {"if_statement", "ternary_expression"} for a in ancestors(node)):
        return
    yield RULE.hit(node, MESSAGE.format(what="`trustProxy: true`"))


_no_proxy_headers = _lacks("ProxyHeaders")


@RULE.on_tree("call_expression", languages=(Language.GO,), skip_file=_no_proxy_headers)
def check_gorilla(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _no_proxy_headers(ctx) or go.callee(node) != "handlers.ProxyHeaders":
        return
    ctx.examine(RULE)
    if any(a.type == "if_statement" for a in ancestors(node)):
        return  # switched on by a setting
    yield RULE.hit(node, MESSAGE.format(what="gorilla `handlers.ProxyHeaders`"))


@once_per_file
def _no_proxy_fix(ctx: PyContext) -> object:
    return in_test_file(ctx) or "ProxyFix" not in ctx.text


@RULE.on_python(ast.Call, skip_file=_no_proxy_fix)
def check_proxy_fix(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    """`app.wsgi_app = ProxyFix(app.wsgi_app)` with no `if` on a setting around it."""
    if _no_proxy_fix(ctx) or (pyast.dotted(node.func) or "").rsplit(".", 1)[-1] != "ProxyFix":
        return
    ctx.examine(RULE)
    if any(isinstance(a, ast.If | ast.IfExp | ast.Try) for a in pyast.ancestors(node)):
        return  # applied when a setting says the app sits behind a proxy
    yield RULE.hit(node, MESSAGE.format(what="`ProxyFix` applied unconditionally"))


PY_NAME = lazy_compile(r"(?i)^forwarded_allow_ips$")


def _star(node: ast.AST | None) -> bool:
    return node is not None and pyast.const_str(node) == "*"


@once_per_file
def _no_forwarded(ctx: PyContext) -> object:
    return in_test_file(ctx) or "forwarded_allow_ips" not in ctx.text.lower()


@RULE.on_python(ast.Call, ast.Assign, ast.AnnAssign, skip_file=_no_forwarded)
def check_python(node: ast.AST, ctx: PyContext) -> Iterator[Hit]:
    if _no_forwarded(ctx):
        return
    if isinstance(node, ast.Call):
        keyword = pyast.keyword(node, "forwarded_allow_ips")
        if keyword is None:
            return
        ctx.examine(RULE)
        if _star(keyword.value):
            yield RULE.hit(node, MESSAGE.format(what="forwarded_allow_ips=\"*\""))
        return
    if not isinstance(node, ast.Assign | ast.AnnAssign):
        return
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    names = [pyast.dotted(t) or "" for t in targets]
    if not any(PY_NAME.match(n.rsplit(".", 1)[-1]) for n in names):
        return
    ctx.examine(RULE)
    value: ast.AST | None = node.value
    if isinstance(value, ast.Call) and value.args:  # os.getenv("FORWARDED_ALLOW_IPS", "*"), Field("*")
        default = value.args[-1] if len(value.args) > 1 else (value.args[0] if "Field" in (pyast.dotted(value.func) or "") else None)
        value = default
    if _star(value):
        yield RULE.hit(node, MESSAGE.format(what="forwarded_allow_ips defaults to \"*\""))


# `--forwarded-allow-ips='*'`, `--forwarded-allow-ips "*"`, `FORWARDED_ALLOW_IPS=*`, `forwarded_allow_ips: "*"`
TEXT_STAR = lazy_compile(r"(?i)(--forwarded-allow-ips[= ]+|\bforwarded_allow_ips\s*[=:]\s*)(['\"]?)\*\2(?![\w.*/])")


@RULE.on_file(Language.DOCKERFILE, Language.COMPOSE, Language.SHELL, Language.DOTENV)
def check_text(ctx: FileContext) -> Iterator[Hit]:
    if "forwarded" not in ctx.text.lower():
        return
    for match in TEXT_STAR.finditer(ctx.text):
        line_start = ctx.text.rfind("\n", 0, match.start()) + 1
        if ctx.text[line_start:match.start()].lstrip().startswith("#"):
            continue  # a commented-out option
        ctx.examine(RULE)
        yield Hit(line=ctx.text.count("\n", 0, match.start()) + 1,
                  message=MESSAGE.format(what=f"`{match.group(0).strip()}`"))


