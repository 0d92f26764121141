"""Example env file loaded as the runtime configuration (JS/TS)

## What it does
Flags `process.loadEnvFile(".env.example")` and `dotenv.config({ path: ".env.example" })` (also
`.env.sample`, `.env.template`, `.env.dist`) in server code, including the common fallback "load
.env.example when there is no .env". Loads guarded by a test/CI check are ignored.

## Why it matters in production
The example file is committed and public. Loading it at start-up turns its placeholder values into
defaults: a deployment that forgets one variable silently runs with the published session secret,
demo API keys or a localhost database instead of failing at boot. Sessions signed with a public
secret can be forged by anyone who read the repository.

## Example
```js
process.loadEnvFile(".env.example");
// or
dotenv.config({ path: fs.existsSync(".env") ? ".env" : ".env.example" });
```

## Use instead
```js
dotenv.config();                       // .env only (not committed), or nothing in production
for (const name of ["SESSION_SECRET", "MONGODB_URI"]) {
  if (!process.env[name]) throw new Error(`${name} is required`);
}
```

## Known limitations
The file name must be visible in the call (a literal or a `path.join(...)` naming it); a path held
in a variable defined elsewhere is not followed.

## References
- https://12factor.net/config
- https://nodejs.org/api/process.html#processloadenvfilepath
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-102",
    name="js-loads-example-env",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Load only the uncommitted .env (or nothing: the platform's environment) and fail start-up when a required variable is missing.",
    references=("https://12factor.net/config",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    for signal in ctx.model.signals("loads-template-env"):
        ctx.examine(RULE)
        yield Hit(
            line=signal.get("line"),
            path=signal.get("file"),
            message=f"{signal.get('call')}: the committed {signal.get('detail')} becomes the runtime configuration, "
            "so its placeholder secrets and hosts are used whenever a variable is not set",
        )
