"""Express app without security headers

## What it does
Reports an Express application (`const app = express()`) that serves routes while nothing in the
service sets security headers: no `helmet` (or `koa-helmet`, `@fastify/helmet`) anywhere. It also
says whether `X-Powered-By: Express` is still announced (no `app.disable("x-powered-by")`).

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
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-103",
    name="js-no-security-headers",
    category=Category.CONFIGURATION,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Add `app.use(helmet())` before the routes (it also removes X-Powered-By), or set the headers at the proxy.",
    references=("https://expressjs.com/en/advanced/best-practice-security.html#use-helmet",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
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
