"""gin runs in debug mode.

## What it does
Flags `gin.Default()` / `gin.New()` in a service that never chooses gin's mode: no `gin.SetMode(...)`
call anywhere in the code (`os.Setenv("GIN_MODE", ...)` counts too) and no `GIN_MODE` set in any
Dockerfile `ENV`, compose `environment:`, `.env` file or Kubernetes container `env`. Without either,
gin starts in debug mode. A `gin.SetMode(cfg.Mode)` fed from configuration is fine.

## Why it matters in production
In debug mode gin prints a warning banner and every registered route at start-up, writes debug
output for each request path, and its recovery middleware and error pages are tuned for a
developer's terminal; libraries built on gin (and some teams' own code) branch on `gin.IsDebugging()`
to enable extra output. It also says nobody decided how the service runs in production.

## Example
```go
func main() {
    r := gin.Default()
    r.Run()
}
```

## Use instead
```go
func main() {
    gin.SetMode(cfg.GinMode) // "release" in production, from configuration
    r := gin.Default()
    ...
}
```
or set `ENV GIN_MODE=release` in the Dockerfile.

## Known limitations
`GIN_MODE` set only in a shell script, a systemd unit or the platform's settings is not seen.

## References
- https://gin-gonic.com/en/docs/deployment/
- https://pkg.go.dev/github.com/gin-gonic/gin#SetMode
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CF-201",
    name="go-gin-debug-mode",
    category=Category.CONFIGURATION,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.GO}),
    fix="Call gin.SetMode(gin.ReleaseMode) (or a mode from configuration) before creating the engine, or set GIN_MODE=release in the deployment.",
    references=("https://pkg.go.dev/github.com/gin-gonic/gin#SetMode",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    engines = [e for e in model.facts.get("go_gin_engine", []) if not non_production(str(e["file"]), False)]
    if not engines:
        return
    ctx.examine(RULE, len(engines))
    if model.has_signal("gin-mode"):
        return
    settings = [e for e in model.facts.get("deploy_env", []) if str(e.get("key", "")).upper() == "GIN_MODE"]
    if any(str(e.get("value", "")).lower() != "debug" for e in settings):
        return
    for engine in engines:
        yield Hit(
            line=engine.get("line"),
            path=str(engine["file"]),
            message=f"{engine.get('call', 'gin.Default')}() with no gin.SetMode and no GIN_MODE anywhere: gin runs in debug mode",
        )
