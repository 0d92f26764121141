"""CORS trusts every site on a shared hosting domain

## What it does
Flags CORS origin patterns that accept any subdomain of a platform where anyone can deploy a site:
`allow_origin_regex=r"https://.*\\.up\\.railway\\.app"` (FastAPI/Starlette), an Express `cors({ origin:
/\\.vercel\\.app$/ })` regular expression, and the like for Vercel, Netlify, Heroku, Render, Fly.io,
Cloudflare Pages, GitHub Pages, Firebase, App Engine, Azure Web Apps and ngrok.

## Why it matters in production
A pattern meant to let the team's preview deployments in also lets in every other customer of the
platform: an attacker deploys `evil.up.railway.app` in a minute, and its pages can call the API from
a victim's browser — with the victim's cookies or tokens when credentials are allowed — and read the
answers.

## Example
```python
app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://.*\\.up\\.railway\\.app", allow_credentials=True)
```

## Use instead
```python
app.add_middleware(CORSMiddleware, allow_origin_regex=r"https://myapp-[a-z0-9-]+\\.up\\.railway\\.app",
                   allow_credentials=True)   # or list the exact origins
```

## Known limitations
Origin checks written as functions are not read.

## References
- https://portswigger.net/web-security/cors#errors-parsing-origin-headers
- https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import PyContext, TreeContext
from prodready.lang import javascript as js
from prodready.lang import python as pyast
from prodready.lang.treesitter import text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._memo import once_per_file
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CO-004",
    name="cors-shared-hosting-origin",
    category=Category.CORS,
    severity=Severity.HIGH,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.PYTHON, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Match your own subdomain prefix (myapp-[a-z0-9-]+\\.vercel\\.app) or list the exact origins.",
    references=("https://portswigger.net/web-security/cors#errors-parsing-origin-headers",),
)

SHARED_HOSTS = (
    r"railway\\?\.app|vercel\\?\.app|netlify\\?\.app|herokuapp\\?\.com|onrender\\?\.com|fly\\?\.dev|pages\\?\.dev|"
    r"github\\?\.io|web\\?\.app|firebaseapp\\?\.com|appspot\\?\.com|azurewebsites\\?\.net|ngrok(-free)?\\?\.(io|app|dev)"
)
SHARED_HOST = lazy_compile(SHARED_HOSTS)
# A wildcard label right before the platform's domain: `.*\.vercel\.app`, `[^.]+\.netlify\.app`, `\w+.fly.dev`.
ANY_TENANT = lazy_compile(
    rf"(?<![\w-])(\.\*|\.\+|\[\^\.?\]\+|\[\^/\]\+|\[a-z0-9-\]\+|\\w\+|\[\\w-\]\+|\*)\\?\.(up\\?\.)?({SHARED_HOSTS})"
)


def _message(pattern: str) -> str:
    return f"origin pattern `{pattern[:60]}` accepts every site deployed on that platform, including an attacker's"


@once_per_file
def _skip(ctx: Any) -> object:
    return ctx.is_test_file or not any(host in ctx.text for host in ("railway", "vercel", "netlify", "heroku", "onrender",
                                                                   "fly", "pages", "github", "web", "firebase", "appspot",
                                                                   "azurewebsites", "ngrok"))


@once_per_file
def _no_origin_regex(ctx: Any) -> object:
    return "allow_origin_regex" not in ctx.text or _skip(ctx)  # (the rare word first: one scan in most files)


@RULE.on_python(ast.Call, calls=["add_middleware", "CORSMiddleware", "CORS"], skip_file=_no_origin_regex)
def check_python(node: ast.Call, ctx: PyContext) -> Iterator[Hit]:
    if _no_origin_regex(ctx):
        return
    option = pyast.keyword(node, "allow_origin_regex")
    if option is None:
        return
    pattern = pyast.const_str(option.value) or ""
    ctx.examine(RULE)
    if ANY_TENANT.search(pattern):
        yield RULE.hit(option.value, _message(pattern))


@RULE.on_tree("regex", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), skip_file=_skip)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if _skip(ctx) or not js.is_server_file(ctx):
        return
    pair = node.parent
    while pair is not None and pair.type in {"array", "parenthesized_expression"}:
        pair = pair.parent
    if pair is None or pair.type != "pair" or "origin" not in text(pair.child_by_field_name("key")).lower():
        return
    pattern = text(node)
    ctx.examine(RULE)
    # the cors package tests a RegExp with .test(): without ^ it matches anywhere in the origin
    if ANY_TENANT.search(pattern) or not pattern.startswith("/^") and SHARED_HOST.search(pattern):
        yield RULE.hit(node, _message(pattern))
