"""Web app without security headers

## What it does
Reports an Express application (`const app = express()`) that serves routes while nothing in the
service sets security headers: no `helmet` (or `koa-helmet`, `@fastify/helmet`) anywhere. It also
says whether `X-Powered-By: Express` is still announced (no `app.disable("x-powered-by")`).
For Flask, FastAPI/Starlette and Go services that serve pages themselves (they render templates
or serve static files, and the repository holds the HTML), reports that none of `Content-Security-Policy`, `X-Frame-Options` and
`X-Content-Type-Options` is set anywhere — in code, by a middleware library (flask-talisman,
secweb, unrolled/secure, echo's `Secure()`), or by an nginx `add_header` in the repository. HSTS or
COOP set alone does not count; the finding then points at where they are set.

## Why it matters in production
Without `Strict-Transport-Security`, `X-Content-Type-Options`, `X-Frame-Options`/CSP and friends,
browsers fall back to permissive defaults: clickjacking, MIME sniffing and downgrade attacks stay
open, and `X-Powered-By` tells scanners which framework (and often which version) to target.

## Example
```js
const app = express();
app.use(express.json());
app.use("/api", router);
```

## Use instead
```js
const app = express();
app.use(helmet());              // sets HSTS, nosniff, frameguard, CSP... and removes X-Powered-By
```

## Known limitations
Headers added by a reverse proxy, CDN or ingress are invisible to prodready; suppress the finding
with that reason when they are set there.

## References
- https://expressjs.com/en/advanced/best-practice-security.html#use-helmet
- https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Headers_Cheat_Sheet.html
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lang.javascript import SCRIPT_PATH
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-103",
    name="no-security-headers",
    aliases=("js-no-security-headers",),
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT, Language.PYTHON, Language.GO}),
    fix="Set HSTS, nosniff, frame options and a CSP for every response: `app.use(helmet())` in Express, flask-talisman or a "
    "response middleware in Python, a header middleware (unrolled/secure, echo Secure()) in Go, or at the proxy.",
    references=("https://expressjs.com/en/advanced/best-practice-security.html#use-helmet",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    yield from _express(ctx)
    yield from _python_and_go(ctx)


PAGE_TEMPLATE = lazy_compile(r"(?i)(^|/)(templates?|views|static|public|dist|web|ui|frontend)/.*\.html?$|(^|/)index\.html$")
NOT_SERVED = lazy_compile(r"(?i)(^|/)(node_modules|docs?|tests?|examples?|vendor|\.github)/")


def _python_and_go(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    routes = [r for r in model.http_routes() if r.framework in {"flask", "fastapi", "starlette", "go"}]
    if not routes or model.has_signal("security-headers") or not model.has_signal("serves-pages"):
        return  # (a JSON API: frame options and a CSP protect pages the service itself serves)
    if not any(PAGE_TEMPLATE.search(path) and not NOT_SERVED.search(path) for path in model.all_paths):
        return
    ctx.examine(RULE)
    partial = model.signals("response-headers-set")
    if partial:
        place = partial[0]
        yield Hit(
            line=place.get("line"),
            path=str(place["file"]),
            message=f"only {place.get('detail')} is set: no Content-Security-Policy, X-Frame-Options or "
            "X-Content-Type-Options anywhere (clickjacking and MIME sniffing stay open)",
        )
        return
    go = routes[0].framework == "go"
    anchors = [u for u in model.facts.get("router_use", []) if u.get("root")] if go else []
    anchors = anchors or [a for a in model.facts.get("app", []) if (a.get("framework") == "go") == go]
    if not anchors:
        return
    place = anchors[0]
    yield Hit(
        line=place.get("line"),
        path=str(place["file"]),
        message="the app serves pages but sets no Content-Security-Policy, X-Frame-Options or X-Content-Type-Options "
        "(no security-header middleware, nothing at an nginx in the repository)",
    )


def _express(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    apps = [
        a for a in model.facts.get("app", [])
        if a.get("name") == "express()" and not SCRIPT_PATH.search(str(a.get("file", "")))
    ]
    if not apps or not any(r.framework == "express" for r in model.http_routes()):
        return
    ctx.examine(RULE)
    if model.has_signal("security-headers"):
        return
    powered = "" if model.has_signal("x-powered-by-off") else " and X-Powered-By: Express is announced"
    for app in apps[:1]:
        yield Hit(
            line=app.get("line"),
            path=app.get("file"),
            message=f"express() app with no helmet or other security headers (no HSTS, nosniff, frame options, CSP){powered}",
        )
