"""The container's main process is npm, yarn or pnpm, not the server

## What it does
Flags the exec-form `CMD`/`ENTRYPOINT` of a Dockerfile's final stage, and a compose service's
`command:`/`entrypoint:`, that start the service through a package manager script
(`["npm", "start"]`, `["yarn", "start"]`, `yarn watch-production`, `pnpm run start:prod`). One-off
scripts (build, test, lint, migrations, installs), development compose files and images whose
`ENTRYPOINT` is an init process (tini, dumb-init) are not flagged, except yarn behind a tini
without `-g`: tini then signals yarn alone, and yarn 1 does not pass SIGTERM on. Shell-form
commands are left to PR-PM-304.

## Why it matters in production
The package manager becomes PID 1 and the server is its grandchild (npm runs the script through
`sh -c`). `docker stop`, Kubernetes and ECS send SIGTERM to PID 1 only; yarn v1 and older npm do
not pass it on, and the shell in between never does, so the server never starts its graceful
shutdown: in-flight requests are cut off at SIGKILL on every deploy and scale-down, and every stop
takes the whole grace period. The package manager also adds start-up time and memory for nothing.

## Example
```dockerfile
CMD ["npm", "start"]
```

## Use instead
```dockerfile
CMD ["node", "dist/server.js"]
```

## Known limitations
What the script runs is not read: a `start` script that itself only runs a one-off command is
still flagged.

## References
- https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#cmd
- https://docs.docker.com/reference/dockerfile/#entrypoint
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from prodready.engine.context import DockerfileContext, YamlContext
from prodready.lazyre import lazy_compile
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services
from prodready.rules.container._docker import start_instructions
from prodready.rules.process_management.shell_form_command import command_words

RULE = RuleMeta(
    id="PR-PM-302",
    name="package-manager-as-pid1",
    category=Category.PROCESS_MANAGEMENT,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.DOCKERFILE, Language.COMPOSE}),
    fix='Start the server directly (CMD ["node", "dist/server.js"]) so it is PID 1 and receives SIGTERM.',
    references=("https://github.com/nodejs/docker-node/blob/main/docs/BestPractices.md#cmd",),
)

MANAGERS = frozenset({"npm", "yarn", "pnpm"})
INIT = lazy_compile(r"\b(tini|dumb-init|s6-overlay|/init|catatonit|supervisord)\b")
# Package-manager subcommands and scripts that run once and exit, or that are development servers
# (PR-CT-302 reports those).
ONE_OFF = lazy_compile(
    r"(?i)^(install|i|ci|add|remove|build|test|lint|format|typecheck|check|audit|exec|dlx|npx|node|"
    r"migrate|migration|seed|prisma|knex|typeorm|sequelize|db:.*|build:.*|test:.*|lint:.*|"
    r"dev|develop|watch|start:dev|serve:dev|storybook)$"
)

DEV_SCRIPT = lazy_compile(r"(?i)(^|[-:_])(watch|dev|develop)([-:_]|$)")


def package_script(words: Sequence[str]) -> str | None:
    """`npm start` / `yarn run start:prod` / `yarn watch-production`: the command as written, or None."""
    if not words:
        return None
    head = words[0].rsplit("/", 1)[-1]
    if head not in MANAGERS:
        return None
    rest = [w for w in words[1:] if not w.startswith("-")]
    if not rest:
        return None  # bare `yarn` installs
    sub = rest[0]
    if sub in {"run", "run-script"}:
        if len(rest) < 2:
            return None
        sub = rest[1]
        shown = f"{head} run {sub}"
    else:
        if head == "npm" and sub not in {"start", "restart"}:
            return None  # npm runs arbitrary scripts only through `run` (yarn and pnpm also take `<script>`)
        shown = f"{head} {sub}"
    if ONE_OFF.match(sub) or DEV_SCRIPT.search(sub) and "prod" not in sub:
        return None
    return shown


@RULE.on_file(Language.DOCKERFILE)
def check(ctx: DockerfileContext) -> Iterator[Hit]:
    stage = ctx.dockerfile.shipped_stage()
    if not stage:
        return
    entrypoint, command = start_instructions(stage)
    behind_tini = False
    if entrypoint is not None and INIT.search(entrypoint.args_text):
        # tini signals only its direct child unless run with -g: when that child is yarn 1, SIGTERM
        # stops there (dumb-init and the others signal the whole group)
        if "tini" not in entrypoint.args_text or re.search(r"(^|[\s\"'])-g\b", entrypoint.args_text):
            return
        behind_tini = True
    # An entrypoint script usually ends with `exec "$@"`: then the CMD is what becomes PID 1.
    candidates = [i for i in ((command,) if behind_tini else (entrypoint, command)) if i is not None and i.exec_form]
    if not candidates:
        return
    ctx.examine(RULE)
    for target in candidates:
        words = list(target.exec_form or [])
        tini_here = behind_tini
        if words and INIT.search(words[0]):
            # `CMD ["tini", "--", "yarn", "start"]`: tini in the command itself, same as behind an entrypoint
            split = words.index("--") if "--" in words else 1
            if "tini" not in words[0] or "-g" in words[1:split]:
                continue
            words = words[split + 1:] if "--" in words else words[1:]
            tini_here = True
        shown = package_script(words)
        if not shown or tini_here and not shown.startswith("yarn"):
            continue  # (npm 7+ and pnpm relay SIGTERM to the script they started; yarn 1 does not)
        where = "sits between tini (which signals only its own child) and the server" if tini_here else "is PID 1"
        yield Hit(
            line=target.line,
            end_line=target.end_line,
            message=f"{target.keyword} starts the service with `{shown}`: the package manager {where} and does not "
            "pass SIGTERM on, so the server is killed without a graceful shutdown",
        )
        return


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        key = "entrypoint" if service.get("entrypoint") is not None else "command"
        words = command_words(service.get(key))
        if not words:
            continue
        ctx.examine(RULE)
        shown = package_script(words)
        if shown:
            yield Hit(
                line=service.line_of(key),
                message=f"service `{name}`: `{key}` starts it with `{shown}`: the package manager is PID 1 and does "
                "not pass SIGTERM on, so the server is killed without a graceful shutdown",
            )

