"""Containerised service that writes its logs to a file inside the container

## What it does
In a service that ships a Dockerfile, flags the places that send application logs to a file on
local disk: Python `FileHandler`/`RotatingFileHandler`/`basicConfig(filename=...)`, winston
`transports.File` and file streams in Node, `os.OpenFile("...log")` handed to a logger or
lumberjack in Go. Also flags the server's own log options in the image's start command or start
script: uWSGI `--logto`, `--logger file:...`, `--daemonize`, gunicorn `--access-logfile`,
`--error-logfile`, `--log-file` pointed at a file (not `-` or /dev/stdout).

## Why it matters in production
Container platforms collect what a process writes to stdout and stderr (`docker logs`, Kubernetes,
ECS, Cloud Run). Lines written to a file inside the container are invisible to them: nobody sees
the errors during an incident, the file grows in the container's writable layer until the node's
disk fills, and it is gone when the container is replaced.

## Example
```python
file_handler = RotatingFileHandler("logs/microblog.log", maxBytes=10240, backupCount=10)
app.logger.addHandler(file_handler)
```

## Use instead
```python
handler = logging.StreamHandler(sys.stdout)  # the platform collects, rotates and ships it
app.logger.addHandler(handler)
```

## Known limitations
A file on a mounted volume that a log shipper tails is still flagged: suppress with the reason.
Shell redirections (`server > /var/log/app.log`) are not read here.

## References
- https://12factor.net/logs
- https://docs.docker.com/engine/logging/
"""

from __future__ import annotations

from collections.abc import Iterator

from prodready.engine.context import DockerfileContext, ProjectContext
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._scripts import inline_script, start_scripts
from prodready.rules.base import RuleMeta
from prodready.rules.container._docker import start_commands

RULE = RuleMeta(
    id="PR-LG-303",
    name="logs-to-file-in-container",
    category=Category.LOGGING,
    severity=Severity.LOW,
    confidence=Confidence.MEDIUM,
    languages=frozenset({Language.REPO, Language.DOCKERFILE, Language.SHELL}),
    fix="Log to stdout/stderr and let the container platform collect, rotate and ship the logs.",
    references=("https://12factor.net/logs",),
)


@RULE.on_project
def check(ctx: ProjectContext) -> Iterator[Hit]:
    model = ctx.model
    files = model.signals("log-file")
    if not files or not model.dockerfiles:
        return
    ctx.examine(RULE)
    for signal in files:
        yield Hit(
            line=signal.get("line"),
            path=str(signal["file"]),
            message=f"{signal.get('detail')} writes logs to a file inside the container: `docker logs` and the "
            "platform's collectors never see them, and they are lost with the container",
        )


# Server options that send the server's (and the app's) log lines to a file.
LOG_FILE_OPTIONS = frozenset({"--logto", "--logto2", "--daemonize", "--access-logfile", "--error-logfile", "--log-file",
                              "--logfile", "--log-path"})
CONSOLE = ("-", "/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/proc/1/fd/1", "/proc/1/fd/2")


def log_file_option(argv: list[str] | tuple[str, ...]) -> str | None:
    """`--logto /var/log/uwsgi.log` (or `--logger file:...`) in a server command: the option as written."""
    words = list(argv)
    for index, word in enumerate(words):
        option, _, value = word.partition("=")
        if not value and index + 1 < len(words):
            value = words[index + 1]
        if option in LOG_FILE_OPTIONS or option == "--logger" and value.startswith("file:"):
            target = value.removeprefix("file:")
            if target and target not in CONSOLE and not target.startswith("$"):
                return f"{option} {value}"
    return None


def _message(where: str, option: str) -> str:
    return (f"{where} starts the server with `{option}`: its log lines go to a file inside the container, which "
            "`docker logs` and the platform's collectors never see and which is lost with the container")


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction, command in start_commands(ctx.dockerfile.shipped_stage()):
        ctx.examine(RULE)
        words = instruction.exec_form
        script = inline_script(words or [], None if words is not None else command)
        for argv in [list(c.argv) for c in script.commands] if script is not None else [words or []]:
            option = log_file_option(argv)
            if option:
                yield Hit(line=instruction.line, end_line=instruction.end_line, message=_message(f"`{instruction.keyword}`", option))
                return


@RULE.on_project
def check_start_scripts(ctx: ProjectContext) -> Iterator[Hit]:
    if not ctx.model.dockerfiles:
        return
    for start in start_scripts(ctx.model):
        if not (start.referenced or start.named_start):
            continue
        ctx.examine(RULE)
        for command in start.script.commands:
            option = log_file_option(command.argv)
            if option:
                yield Hit(line=command.line, end_line=command.end_line, path=start.path,
                          message=_message(f"`{start.path.rsplit('/', 1)[-1]}`", option))
