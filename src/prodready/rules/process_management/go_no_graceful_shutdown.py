"""Go server without graceful shutdown.

## What it does
Reports, at the call that starts the server, a Go service that starts an HTTP server (`ListenAndServe`, gin/echo `Run`/`Start`) and
never calls `Shutdown(ctx)` on SIGTERM. Also flags `signal.Notify`/`signal.NotifyContext` that
listens for `os.Interrupt` (Ctrl-C) but not `syscall.SIGTERM`: the shutdown code exists, but the
signal Docker, Kubernetes and systemd send on stop never reaches it.

## Why it matters in production
On every deploy the pod receives SIGTERM and the process exits immediately: in-flight requests are
cut, WebSockets drop without a close frame, and buffered work is lost.

## Example
```go
log.Fatal(http.ListenAndServe(":8080", mux))
```

## Use instead
```go
srv := &http.Server{Addr: ":8080", Handler: mux, ReadHeaderTimeout: 5 * time.Second}
go srv.ListenAndServe()
stop := make(chan os.Signal, 1)
signal.Notify(stop, syscall.SIGTERM, os.Interrupt)
<-stop
ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
defer cancel()
srv.Shutdown(ctx)
```

## Known limitations
Shutdown implemented in a library the service uses is not seen.

## References
- https://pkg.go.dev/net/http#Server.Shutdown
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready.engine.context import ProjectContext, TreeContext
from prodready.lang import golang as go
from prodready.lang.treesitter import text
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._go_http import in_test_code, non_production
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-PM-004",
    name="no-graceful-shutdown",
    aliases=("PR-PM-201", "go-no-graceful-shutdown"),
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.GO}),
    fix="Handle SIGTERM with signal.Notify and call srv.Shutdown(ctx) with a deadline.",
    references=("https://pkg.go.dev/net/http#Server.Shutdown",),
)


def _is_test(path: str) -> bool:
    return path.endswith("_test.go")


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    apps = [a for a in model.facts.get("app", []) if a.get("framework") == "go"]
    if not apps:
        return
    ctx.examine(RULE)
    if any(str(s["file"]).endswith(".go") for s in model.signals("graceful-shutdown")):
        return
    production = [a for a in apps if not non_production(str(a["file"]), _is_test(str(a["file"])))]
    if not production:
        return
    # a pprof listener on 127.0.0.1 is not the service: point at the server clients reach
    # and, of a server that serves TLS or plain HTTP by configuration, at the plain start (the common deploy)
    public = [a for a in production if not a.get("loopback")] or production
    app = next((a for a in public if not str(a.get("name", "")).endswith("TLS")), public[0])
    # where main parks forever (`select {}`, `<-make(chan ...)`) is where the SIGTERM wait belongs
    related = tuple(
        (int(s["line"]), "main blocks here forever instead of waiting for SIGTERM")
        for s in model.signals("blocks-forever")
        if s["file"] == app["file"] and s.get("line")
    )[:1]
    yield Hit(
        line=app.get("line"),
        path=str(app["file"]),
        message=f"server started with {app.get('name')}() and never shut down gracefully: SIGTERM cuts in-flight requests",
        related=related,
    )
    # the service does catch the signal, then exits (or closes the database) without draining the server:
    # the handler is where the fix goes
    for wait in model.signals("signal-wait"):
        if str(wait["file"]).endswith(".go") and not non_production(str(wait["file"]), _is_test(str(wait["file"]))):
            yield Hit(
                line=wait.get("line"), path=str(wait["file"]),
                message="the shutdown signal is caught here, but the HTTP server is never Shutdown(ctx): in-flight "
                        "requests are cut when the process exits",
            )
            break


NOTIFIERS = frozenset({"signal.Notify", "signal.NotifyContext"})


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=NOTIFIERS.__contains__, skip_file=in_test_code)
def check_signals(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    if go.callee(node) not in NOTIFIERS or in_test_code(ctx):
        return
    signals = [text(arg) for arg in go.call_args(node)[1:]]
    if not signals:
        return  # no signal named: Notify relays every signal
    ctx.examine(RULE)
    if not any("Interrupt" in s or "SIGINT" in s for s in signals) or "SIGTERM" in ctx.text:
        return  # not a shutdown signal (SIGHUP reload, SIGQUIT dump), or SIGTERM registered by another call
    yield RULE.hit(
        node,
        f"{go.callee(node)}() listens for {', '.join(signals)} but not syscall.SIGTERM: on docker stop, a "
        "Kubernetes roll-out or systemctl stop the process dies without running its shutdown",
    )


FATAL = frozenset({"log.Fatal", "log.Fatalf", "log.Fatalln", "log.Panic", "logrus.Fatal", "klog.Fatal"})


def _fatal(name: str) -> bool:
    return name in FATAL or name.endswith((".Fatal", ".Fatalf", ".Fatalln"))


@RULE.on_tree("call_expression", languages=(Language.GO,), callee=_fatal, skip_file=in_test_code)
def check_fatal_on_close(node: Any, ctx: TreeContext) -> Iterator[Hit]:
    """`log.Fatal(srv.ListenAndServe())` in a file that also calls `srv.Shutdown(ctx)`: a graceful
    shutdown makes ListenAndServe return http.ErrServerClosed at once, and log.Fatal exits before the
    drain finishes (deferred closes skipped, exit status 1 on every clean stop)."""
    if not _fatal(go.callee(node)) or in_test_code(ctx) or ".Shutdown(" not in ctx.text:
        return
    args = go.call_args(node)
    if len(args) != 1 or args[0].type != "call_expression":
        return
    served = go.callee(args[0])
    if not served.endswith((".ListenAndServe", ".ListenAndServeTLS", ".Serve", ".ServeTLS")):
        return
    ctx.examine(RULE)
    yield RULE.hit(node, f"{go.callee(node)}({served}()) treats http.ErrServerClosed as fatal: when Shutdown() "
                         "starts draining, the process exits at once instead of finishing in-flight requests")
