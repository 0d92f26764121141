"""Schema migrations run by the Go or Node application as it starts

## What it does
Flags a schema migration called from the service's own start-up code: in Go, `goose.Up` /
`goose.RunMigrationsOnDb`, gorm's `db.AutoMigrate(...)`, golang-migrate's `m.Up()` and the
project's `MigrateDatabase()` / `RunMigrations()` called from `main`, `Setup`, `New...`, `Init...`,
`Open...` or `bootstrap...`; in Node, `knex.migrate.latest()`, `dataSource.runMigrations()`,
`umzug.up()`, `runMigrations(app)` or a `prisma migrate deploy` child process in `main`, `start`,
`bootstrap`, `init`, `setup...` or a server plugin.

## Why it matters in production
Every replica runs the migration as it starts. Scaling to three replicas, or a rolling deploy
where old and new pods overlap, starts the same migration at once: without a lock one crashes on
"relation already exists" or both half-apply it, a failed migration becomes a crash-looping fleet
instead of one failed job, and a slow one delays every instance past its health-check deadline.

## Example
```go
func main() {
    db := openDB()
    if err := db.AutoMigrate(&User{}, &Order{}); err != nil { // every instance, every start
        log.Fatal(err)
    }
    serve(db)
}
```

## Use instead
Run the migration once per release (a `migrate` subcommand run as a Kubernetes Job, a Helm hook or
a one-shot compose service the app depends on), or take a database lock around it
(`pg_advisory_lock`) and let the other instances wait.

## Known limitations
A migration behind an explicit switch (`if cfg.RunMigrations {`, a `migrate` subcommand) or taken
under a lock in the same function is not flagged; one reached through another package's start-up
function is seen only where that function calls it.

## References
- https://pressly.github.io/goose/
- https://knexjs.org/guide/migrations.html
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from prodready.engine.context import TreeContext
from prodready.lang import golang as go
from prodready.lang import javascript as js
from prodready.lang.treesitter import ancestors, field, text
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-DB-302",
    name="migrations-at-container-start",
    aliases=("PR-DB-305",),
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO, Language.JAVASCRIPT, Language.TYPESCRIPT}),
    fix="Run migrations once per release (a Job, a one-shot service, a release phase), or under a database lock.",
    references=("https://pressly.github.io/goose/",),
)

GO_RUNNER = lazy_compile(
    r"^goose\.(Up|UpTo|UpContext|UpToContext|Run|RunContext|RunMigrationsOnDb)$|\.AutoMigrate$"
    r"|(^|\.)(Migrate|MigrateDatabase|MigrateDB|MigrateUp|MigrateSchema|RunMigrations|ApplyMigrations)$"
)
GO_STARTUP = lazy_compile(r"(?i)^(main|run|serve\w*|start\w*|new\w*|init\w*|setup\w*|open\w*|connect\w*|bootstrap\w*|must\w*)$")
JS_RUNNER = lazy_compile(
    r"\.migrate\.latest$|\.runMigrations$|^(runMigrations?|applyMigrations|migrateLatest|migrations|migrateDatabase)$"
    r"|^umzug\.up$|^(execSync|exec|execa|spawnSync|spawn)$"
)
JS_STARTUP = lazy_compile(r"(?i)^(main|run|serve\w*|start\w*|bootstrap\w*|init\w*|setup\w*|\w*plugin|createApp|createServer)$")
MIGRATE_COMMAND = lazy_compile(r"prisma\s+(migrate\s+deploy|db\s+push)|knex\s+migrate:latest|sequelize(-cli)?\s+db:migrate")
# An explicit switch, a migration tool of its own, or a lock: the operator already controls who migrates.
OPT_IN = lazy_compile(r"(?i)migrat")
LOCKED = lazy_compile(r"(?i)advisory_lock|GET_LOCK\(|\.Lock\(|mutex|redlock|acquireLock|withLock")
TOOL_PATH = lazy_compile(
    r"(?i)(^|/)(migrat\w*|seeds?|tools?|scripts?|hack)(/|$)|migrat\w*\.(go|[cm]?[jt]s)$|(^|/)(jest|vitest)\b[\w.-]*\.[cm]?[jt]s$"
    r"|global-?setup\.[cm]?[jt]s$"
)


def _switched(node: Any, stop: Any) -> bool:
    """Inside `if cfg.RunMigrations {` / `if (process.env.MIGRATE)` / a `migrate` subcommand."""
    for anc in ancestors(node):
        if stop is not None and anc.id == stop.id:
            return False
        if anc.type == "if_statement" and OPT_IN.search(text(field(anc, "condition"))):
            return True
        if anc.type in {"composite_literal", "object"} and re.search(r"(?i)\bUse:\s*\"migrat|command:\s*['\"]migrat", text(anc)):
            return True
    return False


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=GO_RUNNER.search, skip_file=in_test_code)
def check_go(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if non_production(ctx.path, ctx.is_test_file) or TOOL_PATH.search(ctx.path):
        return
    name = go.callee(node)
    if not GO_RUNNER.search(name):
        return
    func = go.enclosing_function(node)
    top = go.enclosing_top_function(node) or func
    if func is None or top is None or not GO_STARTUP.match(go.function_name(top)):
        return
    ctx.examine(RULE)
    if _switched(node, top) or LOCKED.search(text(top)):
        return
    yield RULE.hit(node, f"{name}() runs the schema migration in {go.function_name(top)}(): every instance migrates as it "
                         "starts, concurrently and without a lock")


@RULE.on_tree("call_expression", languages=(Language.JAVASCRIPT, Language.TYPESCRIPT), callee=JS_RUNNER.search,
              skip_file=js.test_or_script)
def check_js(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if ctx.is_test_file or js.SCRIPT_PATH.search(ctx.path) or TOOL_PATH.search(ctx.path) or not js.is_server_file(ctx):
        return
    name = js.callee(node)
    if not JS_RUNNER.search(name):
        return
    if name in {"execSync", "exec", "execa", "spawnSync", "spawn"} and not MIGRATE_COMMAND.search(" ".join(text(a) for a in js.args(node))):
        return
    if name == "umzug.up" and "umzug" not in ctx.text.lower():
        return
    func = js.enclosing_function(node)
    parent = func.parent if func is not None else None
    if parent is not None and parent.type == "arguments" and parent.parent is not None \
            and not re.search(r"\.(then|catch|finally)$", js.callee(parent.parent)):
        return  # a callback (a route, an event, a timer): runs on demand, not as the service starts
    outer = func
    while outer is not None and js.enclosing_function(outer) is not None:
        outer = js.enclosing_function(outer)
    names = {js.function_name(f) for f in (func, outer) if f is not None}
    if func is not None and not any(n and JS_STARTUP.match(n) for n in names):
        return
    ctx.examine(RULE)
    if _switched(node, outer) or LOCKED.search(text(outer) if outer is not None else ctx.text):
        return
    where = next((n for n in names if n), "the module's top level")
    yield RULE.hit(node, f"{name}() runs the schema migration in {where}: every instance migrates as it starts, "
                         "concurrently and without a lock")
