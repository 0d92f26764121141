"""How containers start: shell scripts as read, and what each image, compose service or pod runs.

The entrypoint and migration rules judge a script by how it is used, which only the project pass
can see: a `start.sh` is a container's main process when a Dockerfile `ENTRYPOINT`/`CMD`, a compose
`command:` or a pod's `command:` names it (directly or under the name a `COPY` gave it), or when the
base image runs it on every start (the `prestart.sh` hook of the tiangolo images).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from typing import Any

from prodready.engine.context import DockerfileContext, ShellContext, YamlContext
from prodready.lang.yamldoc import YList, YMap
from prodready.lazyre import lazy_compile
from prodready.model import Language
from prodready.redact import redact
from prodready.rules.base import FactCollector

FACTS = FactCollector("process")

MAX_WORDS = 32
# Base images whose start script runs a hook from the image before starting the server, every start.
START_HOOK_IMAGES = lazy_compile(r"(^|/)tiangolo/(uvicorn-gunicorn|uwsgi-nginx|meinheld-gunicorn|gunicorn)[\w.-]*(:|$)")
START_HOOKS = ("prestart.sh",)


@FACTS.on_file(Language.SHELL)
def shell_script(ctx: ShellContext) -> None:
    script = ctx.script
    ctx.emit(
        "shell_script",
        line=None,
        shebang=script.shebang,
        commands=[c.to_json() | {"argv": masked(list(c.argv))} for c in script.commands],
        toggles=[[line, on] for line, on in script.toggles],
        called=sorted(script.called),
    )


def masked(words: list[str]) -> list[str]:
    """Words as they may leave the worker (cache, JSON): secrets in them masked. Redacted together,
    so a value is masked by the name or flag before it, word by word when that changes the count."""
    together = redact("\n".join(words)).split("\n")
    return together if len(together) == len(words) else [redact(w) for w in words]


def _words(value: Any) -> list[str]:
    if isinstance(value, YList | list):
        return masked([str(v) for v in value if v is not None][:MAX_WORDS])
    if value is None:
        return []
    try:
        return masked(shlex.split(str(value))[:MAX_WORDS])
    except ValueError:
        return masked(str(value).split()[:MAX_WORDS])


@FACTS.on_file(Language.DOCKERFILE)
def dockerfile_start(ctx: DockerfileContext) -> None:
    # (with what the final stage inherits: `FROM app AS app-plus` runs app's CMD)
    stage = ctx.dockerfile.shipped_stage()
    if not stage:
        return
    entrypoints = [i for i in stage if i.keyword == "ENTRYPOINT"]
    commands = [i for i in stage if i.keyword == "CMD"]
    entry_words = entrypoints[-1].words() if entrypoints else []
    init = bool(entry_words) and bool(re.search(r"(^|/)(tini|tini-static|dumb-init|catatonit)$", entry_words[0]))
    for instruction in (entrypoints[-1:] + commands[-1:]):
        ctx.emit(
            "start_reference", line=instruction.line, via=instruction.keyword, words=masked(instruction.words()[:MAX_WORDS]),
            init=init, shell_form=instruction.exec_form is None,
        )
    for instruction in stage:
        if instruction.keyword not in {"COPY", "ADD"} or "from" in instruction.flags:
            continue
        words = [w for w in instruction.words() if not w.startswith("--")]
        if len(words) != 2 or words[1].endswith("/"):
            continue  # several sources go into a directory: names are kept
        source, dest = posixpath.basename(words[0].rstrip("/")), posixpath.basename(words[1].rstrip("/"))
        if source and dest and source != dest and "." in source:
            ctx.emit("copy_alias", line=instruction.line, source=source, dest=dest)
    base = stage[0].args_text.split()[0] if stage[0].keyword == "FROM" and stage[0].args_text.split() else ""
    base = next((w for w in stage[0].args_text.split() if not w.startswith("--")), base)
    if START_HOOK_IMAGES.search(base):
        for hook in START_HOOKS:
            ctx.emit("start_reference", line=stage[0].line, via="base image", words=[hook], init=False, hook=True,
                     image=base)


@FACTS.on_file(Language.COMPOSE)
def compose_start(ctx: YamlContext) -> None:
    for document in ctx.documents:
        services = document.get("services") if isinstance(document, YMap) else None
        if not isinstance(services, YMap):
            continue
        for name, service in services.items():
            if not isinstance(service, YMap):
                continue
            for key in ("entrypoint", "command"):
                words = _words(service.get(key))
                if words:
                    ctx.emit("start_reference", line=service.line_of(key), via=f"compose {key}", words=words,
                             init=False, service=str(name))


@FACTS.on_file(Language.KUBERNETES)
def kubernetes_start(ctx: YamlContext) -> None:
    stack: list[Any] = list(ctx.documents)
    while stack:
        node = stack.pop()
        if isinstance(node, YList):
            stack.extend(node)
            continue
        if not isinstance(node, YMap):
            continue
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, YList):
                for container in value:
                    if not isinstance(container, YMap):
                        continue
                    words = _words(container.get("command")) + _words(container.get("args"))
                    if words:
                        line = container.line_of("command") if "command" in container else container.line_of("args")
                        ctx.emit("start_reference", line=line, via=f"kubernetes {key}", words=words[:MAX_WORDS],
                                 init=False, one_shot=key == "initContainers")
            elif isinstance(value, YMap | YList):
                stack.append(value)
