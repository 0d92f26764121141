"""Go package-level variable written by request handlers.

## What it does
Reports a package-level `var` of a plain type (`error`, `string`, numbers, `bool`, also when
declared with a literal: `var busy = false`) that HTTP handlers assign to, or that a goroutine
(`go func() { busy = false }()`) assigns while its caller assigns it too — and a package-level
`var err error` that any function other than `main`/`init` assigns to instead of declaring its own.
Reported at the declaration, naming the functions.

## Why it matters in production
Every request runs in its own goroutine: two requests write the same variable at once. It is a data
race (the race detector flags it) and a logic bug: one user's flash message shows up on another
user's page, and an `if err != nil` tests the error of somebody else's request.

## Example
```go
var message string
var err error

func AddTask(w http.ResponseWriter, r *http.Request) {
    err = db.AddTask(...)
    message = "Task added"
}
```

## Use instead
```go
func AddTask(w http.ResponseWriter, r *http.Request) {
    if err := db.AddTask(...); err != nil { ... }
    session.AddFlash("Task added") // per-user state lives in the session or the request
}
```

## Known limitations
Writes through helpers in other packages are not followed.

## References
- https://go.dev/ref/mem
- https://go.dev/doc/articles/race_detector
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CC-202",
    name="go-package-var-written-per-request",
    category=Category.CONCURRENCY,
    severity=Severity.HIGH,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Make the variable local to the handler (err := ...), or keep per-user state in the session/request context.",
    references=("https://go.dev/ref/mem",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    declared = ctx.model.facts.get("go_package_var", [])
    if not declared:
        return
    writes = ctx.model.facts.get("go_package_var_write", [])
    for var in declared:
        if non_production(str(var["file"]), False):
            continue
        directory = str(var["file"]).rsplit("/", 1)[0] if "/" in str(var["file"]) else ""
        name, typ = var.get("name"), var.get("type")
        funcs: list[str] = []
        places: list[tuple[str, int]] = []
        for write in writes:
            wdir = str(write["file"]).rsplit("/", 1)[0] if "/" in str(write["file"]) else ""
            if wdir != directory or write.get("name") != name:
                continue
            if write.get("handler") or write.get("goroutine") or (typ == "error" and write.get("func") not in {"main", "init"}):
                who = f"a goroutine in {write.get('func')}" if write.get("goroutine") and not write.get("handler") else str(write.get("func"))
                if who not in funcs:
                    funcs.append(who)
                places.append((str(write["file"]), int(write.get("line") or 0)))
        ctx.examine(RULE)
        if not funcs:
            continue
        shown = ", ".join(funcs[:3]) + (f" and {len(funcs) - 3} more" if len(funcs) > 3 else "")
        yield Hit(
            line=var.get("line"),
            path=str(var["file"]),
            message=f"package-level `{name}` ({typ}) is assigned by {shown} without a lock: concurrent goroutines race on it",
            related=tuple((line, "assigned here") for path, line in places[:4] if path == var["file"]),
            elsewhere=tuple((path, line, "assigned here") for path, line in places[:4] if path != var["file"]),
        )
