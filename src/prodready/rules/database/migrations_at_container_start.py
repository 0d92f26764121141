"""Schema migrations run by every container as it starts.

## What it does
Flags a schema migration (`alembic upgrade`, `flask db upgrade`, `manage.py migrate`,
`prisma migrate deploy`, `knex migrate:latest`, `sequelize db:migrate`, `typeorm migration:run`,
`goose up`, golang-migrate `up`, `rails db:migrate`, `npm run migrate`...) that runs before the
server in the same start: in an entrypoint or start script that then starts the server or
`exec "$@"`, in a `prestart.sh` the base image runs before the server, or in a start command such
as `CMD alembic upgrade head && uvicorn ...` (Dockerfile, compose `command:`, pod `command:`). Also
in the launchers that start the server: a supervisord program, a uWSGI hook
(`hook-pre-app = exec:./manage.py migrate`) and a Procfile process other than `release:` (or the
script it runs).

## Why it matters in production
Every replica runs the migration as it starts. Scaling to three replicas or a rolling deploy
starts them together: most tools take no lock (Alembic, Django, Sequelize), so two replicas apply
the same migration at once and one crashes on "relation already exists" — or both half-apply it.
The tools that do lock still change the schema while the previous version is serving, a failed
migration becomes a crash-looping fleet instead of one failed job, and a slow one delays every
start past its health-check deadline.

## Example
```bash
#!/bin/sh
alembic upgrade head
exec gunicorn -k uvicorn.workers.UvicornWorker app.main:app
```

## Use instead
Run migrations once per release, before the new version rolls out: a Kubernetes Job or Helm
pre-upgrade hook, a one-shot compose service the app `depends_on` with
`condition: service_completed_successfully`, or the platform's release phase.

```yaml
services:
  migrate:
    image: api:1.4.2
    command: ["alembic", "upgrade", "head"]
  api:
    image: api:1.4.2
    depends_on:
      migrate: {condition: service_completed_successfully}
```

## Known limitations
Development setups are skipped: development compose files and start commands that end in a
development server (`runserver`, `--reload`, `flask run`, `npm run dev`). A migration inside an
`if`/`case` branch (run only when asked: `if [ "$1" = migrate ]`) is not flagged, and neither is a
Kubernetes init container, which runs once per pod (still once per replica: prefer a Job).

## References
- https://alembic.sqlalchemy.org/en/latest/cookbook.html#test-current-database-revision-is-at-head-s
- https://docs.djangoproject.com/en/stable/topics/migrations/
- https://www.prisma.io/docs/orm/prisma-client/deployment/deploy-database-changes-with-prisma-migrate
- https://kubernetes.io/docs/concepts/workloads/controllers/job/
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from prodready.engine.context import DockerfileContext, ProjectContext, YamlContext
from prodready.lang.yamldoc import YList
from prodready.model import Category, Confidence, Hit, Language, Severity
from prodready.rules._launchers import launched_commands, script_named
from prodready.rules._process import is_shell_c, migration, shlex_words
from prodready.rules._scripts import inline_script, start_migrations, start_scripts
from prodready.rules.base import RuleMeta
from prodready.rules.container._compose import is_dev_compose, services
from prodready.rules.container._docker import DEV_SERVER

if TYPE_CHECKING:  # (annotations only: the project pass loads this module for every tree)
    from prodready.lang.shell import ShellScript

RULE = RuleMeta(
    id="PR-DB-302",
    name="migrations-at-container-start",
    category=Category.DATABASE,
    severity=Severity.MEDIUM,
    confidence=Confidence.HIGH,
    languages=frozenset({Language.SHELL, Language.DOCKERFILE, Language.COMPOSE, Language.KUBERNETES}),
    fix="Run migrations once per release (a Job, a pre-upgrade hook or a one-shot service the app depends on), "
    "not in every container's start.",
    references=("https://kubernetes.io/docs/concepts/workloads/controllers/job/",),
)


def _development(script: ShellScript) -> bool:
    return any(DEV_SERVER.search(" ".join(c.argv)) for c in script.finals)


def _message(where: str, migration: str, server: str) -> str:
    return (
        f"{where} runs `{migration}` before starting {server if server.startswith('the ') else f'`{server}`'}: "
        "every replica migrates as it starts, concurrently during scale-out and rolling deploys"
    )


@RULE.on_project
def check_scripts(ctx: ProjectContext) -> Iterator[Hit]:
    for start in start_scripts(ctx.model):
        if not (start.referenced or start.named_start or start.named_prestart):
            continue
        if start.refs and all(r.get("one_shot") for r in start.refs):
            continue  # only an init container runs it
        ctx.examine(RULE)
        migrations, server = start_migrations(start.script)
        if start.hook and server is None:
            server = "the server"  # the base image starts it after this hook
        if not migrations or server is None or _development(start.script):
            continue
        name = posixpath.basename(start.path)
        for command, applied in migrations:
            yield Hit(line=command.line, end_line=command.end_line, path=start.path,
                      message=_message(f"`{name}`", applied, server))


def _inline(words: list[str], shell_text: str | None) -> tuple[str, str] | None:
    """(first migration, server) of a one-line start command that migrates and then serves."""
    script = inline_script(words, shell_text)
    if script is None:
        return None
    migrations, server = start_migrations(script)
    if not migrations or server is None or _development(script):
        return None
    return migrations[0][1], server


@RULE.on_file(Language.DOCKERFILE)
def check_dockerfile(ctx: DockerfileContext) -> Iterator[Hit]:
    for instruction in ctx.dockerfile.shipped_stage():
        if instruction.keyword not in {"CMD", "ENTRYPOINT"}:
            continue
        ctx.examine(RULE)
        words = instruction.exec_form
        found = _inline(words or [], None if words is not None else instruction.args_text)
        if found:
            yield Hit(line=instruction.line, end_line=instruction.end_line,
                      message=_message(f"`{instruction.keyword}`", *found))


def _words(value: Any) -> tuple[list[str], str | None]:
    """(exec words, shell text): compose and Kubernetes commands are lists or a string split like
    a shell would (no shell runs them unless they name one)."""
    if value is None:
        return [], None
    if isinstance(value, YList | list):
        return [str(v) for v in value], None
    return shlex_words(str(value)) or str(value).split(), None  # (unbalanced quotes: plain words)


@RULE.on_file(Language.COMPOSE)
def check_compose(ctx: YamlContext) -> Iterator[Hit]:
    if is_dev_compose(ctx.path, ctx):
        return
    for _block, name, service in services(ctx):
        for key in ("entrypoint", "command"):
            if service.get(key) is None:
                continue
            ctx.examine(RULE)
            found = _inline(*_words(service.get(key)))
            if found:
                yield Hit(line=service.line_of(key), message=_message(f"service `{name}`", *found))


@RULE.on_file(Language.KUBERNETES)
def check_kubernetes(ctx: YamlContext) -> Iterator[Hit]:
    from prodready.rules._k8s import containers

    for _document, container in containers(ctx.documents, init=False):
        words = _words(container.get("command"))[0] + _words(container.get("args"))[0]
        if not words:
            continue
        ctx.examine(RULE)
        found = _inline(words, None)
        if found:
            line = container.line_of("command") if "command" in container else container.line_of("args")
            yield Hit(line=line, message=_message(f"container `{container.get('name', '?')}`", *found))


@RULE.on_project
def check_launchers(ctx: ProjectContext) -> Iterator[Hit]:
    """supervisord programs, uWSGI hooks and Procfile processes: started with every instance."""
    commands = list(launched_commands(ctx.model))
    if not commands:
        return
    scripts = {posixpath.basename(s.path): s for s in start_scripts(ctx.model)}
    for launched in commands:
        if launched.launcher == "procfile" and launched.name == "release":
            continue  # the platform's release phase: once per deploy, the right place
        ctx.examine(RULE)
        words, _ = _words(launched.command)
        where = f"{launched.launcher} `{launched.name}`"
        if launched.launcher == "uwsgi":
            name = migration(words)
            if name:
                yield Hit(line=launched.line, path=launched.path, message=_message(where, name, "the uWSGI app"))
            continue
        # a Procfile line is run by a shell; supervisord runs its command itself (a shell only if named)
        found = _inline([], launched.command) if launched.launcher == "procfile" else _inline(words, None) if is_shell_c(words) else None
        if found is None and migration(words) and launched.launcher == "supervisord":
            found = (migration(words) or "", "the other programs")  # a one-shot program beside the server
        if found:
            yield Hit(line=launched.line, path=launched.path, message=_message(where, *found))
            continue
        script = scripts.get(script_named(launched.command) or "")
        if script is not None:
            migrations, server = start_migrations(script.script)
            if migrations and server is not None and not _development(script.script):
                for command, name in migrations:
                    yield Hit(line=command.line, end_line=command.end_line, path=script.path,
                              message=_message(f"`{posixpath.basename(script.path)}` (run by {where})", name, server))
