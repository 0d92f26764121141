"""Shell-form CMD or ENTRYPOINT: the server does not receive SIGTERM

## What it does
Flags the CMD or ENTRYPOINT that starts the final image when it is written in shell form
(`CMD gunicorn app:app`), so Docker runs it as `/bin/sh -c "..."`, and an exec-form command that
runs a shell itself (`CMD ["sh", "-c", "alembic upgrade head && uvicorn main:app"]`). In compose
files, flags a service `command:`/`entrypoint:` that runs `sh -c` / `bash -c` the same way. A shell
command whose last command is `exec`'d (`exec gunicorn ...`, `setup && exec server`), an init
process (`tini`, `dumb-init`) as ENTRYPOINT, and a shell-form CMD passed to an exec-form ENTRYPOINT
are not flagged.

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
shell between Docker and the script is what loses the signal. Development compose files
(`*.dev.yml`, `*.override.yml`, ...) are skipped. Scripts the command starts are judged by
PR-PM-301.

## References
- https://docs.docker.com/reference/dockerfile/#shell-and-exec-form
- https://docs.docker.com/reference/dockerfile/#entrypoint
- https://docs.docker.com/reference/compose-file/services/#command
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext, ProjectContext, YamlContext
from prodready.lang.shell import read_script
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._launchers import launched_commands
from prodready.rules._process import is_shell_c
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services
from prodready.rules.container._docker import start_instructions

RULE = RuleMeta(
    id="PR-PM-304",
    name="shell-form-command",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE}),
    fix='Use the exec form (CMD ["gunicorn", "app:app"]) or prefix the shell form with `exec`.',
    references=("https://docs.docker.com/reference/dockerfile/#shell-and-exec-form",),
    aliases=("PR-CT-310",),
)

INIT = lazy_compile(r"\b(tini|dumb-init|s6-overlay|/init|catatonit|supervisord)\b")


def _unexeced(text: str) -> str | None:
    """The program of the first final command of a shell command line that is not `exec`'d."""
    finals = read_script(text).finals
    if not finals:
        return text.split()[0] if text.split() else None
    for command in finals:
        if not command.exec:
            return command.name or None
    return None


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stage = ctx.dockerfile.shipped_stage()
    if not stage:
        return
    entrypoint, command = start_instructions(stage)
    if entrypoint is not None:
        target = entrypoint  # CMD only supplies arguments to it
    elif command is not None:
        target = command
    else:
        return
    ctx.examine(RULE)
    exec_form = target.exec_form
    if exec_form is not None:
        inner = is_shell_c(exec_form)
        if inner is None or INIT.search(inner.split(" ", 1)[0]):
            return
        program = _unexeced(inner)
        if program:
            yield Hit(
                line=target.line,
                end_line=target.end_line,
                message=f"{target.keyword} runs `{program}` under `{exec_form[0]} -c` without `exec`: SIGTERM goes "
                "to the shell, not the server, so it is killed without a graceful shutdown",
            )
        return
    text = target.args_text.strip()
    if not text or INIT.search(text):
        return
    program = _unexeced(text)
    if not program:
        return
    yield Hit(
        line=target.line,
        end_line=target.end_line,
        message=f"shell-form {target.keyword} `{program} ...` runs under /bin/sh -c: SIGTERM goes to the "
        "shell, not the server, so it is killed without a graceful shutdown",
    )


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        # The container runs `entrypoint` + `command` (compose splits strings without a shell).
        key = "entrypoint" if service.get("entrypoint") is not None else "command"
        words = command_words(service.get("entrypoint")) + command_words(service.get("command"))
        inner = is_shell_c(words)
        if inner is None:
            continue
        ctx.examine(RULE)
        program = _unexeced(inner)
        if program:
            yield Hit(
                line=service.line_of(key),
                message=f"service `{name}`: `{key}` runs `{program}` under `{words[0]} -c` without `exec`: "
                "SIGTERM goes to the shell, not the server, so it is killed without a graceful shutdown",
            )


@RULE.on_project
def check_launchers(ctx: ProjectContext) -> Iterator[Hit]:
    """A supervisord program runs its `command=` directly: a `bash -c "a && b"` there leaves the
    shell as the process supervisord signals."""
    for launched in launched_commands(ctx.model):
        if launched.launcher != "supervisord":
            continue
        inner = is_shell_c(_split(launched.command))
        if inner is None:
            continue
        ctx.examine(RULE)
        program = _unexeced(inner)
        if program and not INIT.search(program):
            yield Hit(
                line=launched.line,
                path=launched.path,
                message=f"supervisord program `{launched.name}` runs `{program}` under a shell -c without `exec`: "
                "supervisord's stop signal goes to the shell, not the server, which is killed without a graceful shutdown",
            )


def command_words(value: object) -> list[str]:
    """A compose `command:`/`entrypoint:` as words (compose splits strings without a shell)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return _split(str(value))


def _split(text: str) -> list[str]:
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
