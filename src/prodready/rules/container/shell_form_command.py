"""Shell-form CMD or ENTRYPOINT: the server does not receive SIGTERM

## What it does
Flags the CMD or ENTRYPOINT that starts the final image when it is written in shell form
(`CMD gunicorn app:app`), so Docker runs it as `/bin/sh -c "..."`. Shell form that `exec`s the
server, an init process (`tini`, `dumb-init`) as ENTRYPOINT, and a shell-form CMD passed to an
exec-form ENTRYPOINT are not flagged.

## Why it matters in production
With shell form, `/bin/sh` is PID 1. `docker stop`, Kubernetes and ECS send SIGTERM to PID 1; most
shells do not forward it, so the server never starts its graceful shutdown. After the grace period
the runtime sends SIGKILL: in-flight requests are cut off on every deploy and scale-down, and every
stop takes the full timeout.

## Example
```dockerfile
CMD gunicorn --bind 0.0.0.0:$PORT app:app
```

## Use instead
```dockerfile
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
# or, when you need variable expansion:
CMD exec gunicorn --bind 0.0.0.0:$PORT app:app
```

## Known limitations
A shell-form command that starts a script which itself `exec`s the server is still flagged: the
shell between Docker and the script is what loses the signal.

## References
- https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
- https://docs.docker.com/reference/dockerfile/#entrypoint
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta

RULE = RuleMeta(
    id="PR-CT-310",
    name="shell-form-command",
    category=Category.CONTAINER,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE}),
    fix='Use the exec form (CMD ["gunicorn", "app:app"]) or prefix the shell form with `exec`.',
    references=("https://docs.docker.com/reference/dockerfile/#shell-and-exec-form",),
)

INIT = lazy_compile(r"\b(tini|dumb-init|s6-overlay|/init|catatonit|supervisord)\b")


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stage = ctx.dockerfile.final_stage()
    if not stage:
        return
    entrypoints = [i for i in stage if i.keyword == "ENTRYPOINT"]
    commands = [i for i in stage if i.keyword == "CMD"]
    entrypoint = entrypoints[-1] if entrypoints else None
    command = commands[-1] if commands else None
    if entrypoint is not None:
        target = entrypoint  # CMD only supplies arguments to it
    elif command is not None:
        target = command
    else:
        return
    ctx.examine(RULE)
    if target.exec_form is not None:
        return
    text = target.args_text.strip()
    if not text or text.startswith("exec ") or INIT.search(text):
        return
    program = text.split()[0]
    yield Hit(
        line=target.line,
        end_line=target.end_line,
        message=f"shell-form {target.keyword} `{program} ...` runs under /bin/sh -c: SIGTERM goes to the "
        "shell, not the server, so it is killed without a graceful shutdown",
    )
