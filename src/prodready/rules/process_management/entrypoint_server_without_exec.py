"""Entrypoint script starts the server without `exec`: SIGTERM never reaches it.

## What it does
Reads the shell scripts a container starts with — named by a Dockerfile `ENTRYPOINT`/`CMD`, a
compose `command:`/`entrypoint:` or a pod's `command:` (also under the name a `COPY` gave them), or
named like one (`entrypoint.sh`, `docker-entrypoint.sh`, `start.sh`, `boot.sh`) — and flags the
command that ends the script when it starts the long-running server (gunicorn, uvicorn, celery,
`node server.js`, `npm start`, `java -jar`, `./server`, nginx, ...) without `exec`. Every branch of
a final `if`/`case` is checked, and the last part of `setup && server`.

## Why it matters in production
Without `exec` the shell stays PID 1 and the server runs as its child. `docker stop`, Kubernetes
and ECS send SIGTERM to PID 1 only; a shell running a script does not pass it on (and as PID 1 it
ignores it), so the server never starts its graceful shutdown. After the grace period everything
is SIGKILLed: in-flight requests fail on every deploy and scale-down, and every stop takes the
full timeout (30 s on Kubernetes, 10 s on Docker).

## Example
```bash
#!/bin/sh
python manage.py collectstatic --noinput
gunicorn config.wsgi --bind 0.0.0.0:8000
```

## Use instead
```bash
#!/bin/sh
set -e
python manage.py collectstatic --noinput
exec gunicorn config.wsgi --bind 0.0.0.0:8000
```

## Known limitations
A script behind an init process (`ENTRYPOINT ["tini", "--", "/entrypoint.sh"]`, dumb-init) is
not flagged. Go or Rust binaries are recognised when started by path (`./server`, `/app/api`),
not by a bare name on `PATH`. A server started in the background and waited on (`server & wait`)
is not flagged: forwarding the signal is then up to the script's `trap`.

## References
- https://docs.docker.com/reference/dockerfile/#entrypoint
- https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-execution
- https://www.gnu.org/software/bash/manual/html_node/Bourne-Shell-Builtins.html#index-exec
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from prodready.engine.context import ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._process import program
from prodready.rules._scripts import start_scripts
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import DEV_SERVER

RULE = RuleMeta(
    id="PR-PM-301",
    name="entrypoint-server-without-exec",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.SHELL}),
    fix="Start the server with `exec` (`exec gunicorn ...`, `exec \"$@\"`) so it replaces the shell as PID 1.",
    references=("https://docs.docker.com/reference/dockerfile/#entrypoint",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    for start in start_scripts(ctx.model):
        if not (start.referenced or start.named_start) or start.behind_init or start.hook:
            continue
        ctx.examine(RULE)
        name = posixpath.basename(start.path)
        for command, server in start.hand_over():
            if command.exec:
                continue
            if not start.referenced and DEV_SERVER.search(" ".join(program(command.argv))):
                continue  # a local development script, not what a container runs
            how = "in a pipeline" if command.in_pipeline else "without `exec`"
            yield Hit(
                line=command.line,
                end_line=command.end_line,
                path=start.path,
                message=f"`{name}` starts `{server}` {how}: the shell stays PID 1 and SIGTERM never reaches "
                "the server, so every stop ends in SIGKILL",
            )
