"""`fmt.Println` in Go server code.

## What it does
Flags `fmt.Print` / `fmt.Printf` / `fmt.Println` and the builtin `print` / `println` in the code of a
Go service (packages of a module that serves HTTP, and the `main` package that starts the server),
and the standard library's `log.Print*` in a service that has a structured logger (zap, zerolog,
logrus, slog, ...), where those lines bypass it. Command-line tools (`main` packages that start no
server, cobra/flag commands, `cli/`, `tools/`, `scripts/`), help and version output, tests, test
helpers and examples are skipped, and so is `fmt.Fprint*(w, ...)` to a writer (a response, a file,
stderr).

## Why it matters in production
Standard output written with `fmt` has no level, no timestamp, no request id and no structure: it
cannot be filtered or turned down in production, log pipelines cannot parse it, and it often dumps
whole structs (with password hashes or tokens) or swallows errors that should have been logged at
error level. The builtin `println` writes to stderr and is documented as a bootstrapping aid that
may be removed from the language.

## Example
```go
if err != nil {
    fmt.Println("db err: ", err)
}
```

## Use instead
```go
if err != nil {
    logger.Error("open database", "err", err) // log/slog, zap or zerolog with levels
}
```

## Known limitations
Which packages are server code is inferred from the module: a `main` package in a directory that
starts an HTTP server is a server, every other `main` package is a tool. A package imported only by
a CLI inside a service repository may be reported.

## References
- https://pkg.go.dev/log/slog
- https://12factor.net/logs
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-LG-001",
    name="print-in-server-code",
    aliases=("PR-LG-202", "go-fmt-print-in-server"),
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Use a structured logger with levels (log/slog, zap, zerolog) instead of fmt.Print*/println.",
    references=("https://pkg.go.dev/log/slog",),
)

# Directories of command-line tools, generators and demos inside a service repository.
TOOL_DIRS = lazy_compile(
    r"(?i)^(cli|clis|tools?|scripts?|hack|_?examples?|samples?|demos?|bench\w*|gen|generators?|e2e|"
    r"migrations?|seeds?|docs?|cmd/(?!server|api|web|app|service|http|gateway)[^/]+)$"
)
DEMO_DIRS = lazy_compile(r"(?i)^(_?examples?|_examples|samples?|demos?|e2e)$")
LOGGER_NAME = lazy_compile(r"(zap|zerolog|slog|logrus|go-kit/log|go-hclog|charmbracelet/log|apex/log|glog|log15)")
CLI_PACKAGES = {"cmd", "cli", "command", "commands"}
USAGE_FUNCS = lazy_compile(r"(?i)^(usage|print_?usage|help|print_?help|version|print_?version|banner|print_?banner)$")


def _dir(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _tool_path(path: str, server_dirs: set[str]) -> bool:
    directory = _dir(path)
    parts = directory.split("/") if directory else []
    if any(DEMO_DIRS.match(part) for part in parts):
        return True  # an example server is still an example
    if directory in server_dirs:
        return False
    return any(TOOL_DIRS.match(part) for part in parts) or any(
        TOOL_DIRS.match("/".join(parts[i : i + 2])) for i in range(len(parts) - 1)
    )


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    prints = model.facts.get("go_print", [])
    if not prints:
        return
    go_routes = [r for r in model.routes if r.framework == "go"]
    apps = [a for a in model.facts.get("app", []) if a.get("framework") == "go"]
    if not (go_routes or apps):
        return  # not a Go service: a library or a CLI prints on purpose
    structured = sorted(
        {
            match.group(1)
            for sig in model.signals("structured-logging")
            if str(sig["file"]).endswith(".go") and (match := LOGGER_NAME.search(str(sig.get("detail", ""))))
        }
    )
    server_files = {str(a["file"]) for a in apps} | {r.file for r in go_routes}
    server_dirs = {_dir(path) for path in server_files}
    for record in prints:
        path = str(record["file"])
        if non_production(path, False) or _tool_path(path, server_dirs):
            continue
        if record.get("package") == "main" and _dir(path) not in server_dirs:
            continue  # a command-line tool: standard output is its interface
        if record.get("cli_framework"):
            continue  # a cobra/urfave command prints to the terminal, even the one that serves
        if record.get("cli") or record.get("package") in CLI_PACKAGES:
            continue  # a CLI package (flags, banners, `Connecting to ...`), even the one that starts the server
        if USAGE_FUNCS.match(str(record.get("func") or "")) or record.get("usage"):
            continue
        if record.get("std_log"):
            if not structured:
                continue  # the standard logger is the service's logger
            ctx.examine(RULE)
            yield Hit(
                line=record.get("line"),
                path=path,
                message=f"{record.get('call')}() bypasses the service's structured logger ({structured[0]})",
            )
            continue
        ctx.examine(RULE)
        yield Hit(
            line=record.get("line"),
            path=path,
            message=f"{record.get('call')}() in server code bypasses logging (no level, no structure)",
        )
