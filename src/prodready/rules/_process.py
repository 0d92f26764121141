"""What a start command does: the program behind wrappers, server launchers, migration commands.

Knowledge shared by the rules on entrypoint scripts (PR-PM-301, PR-CT-316), start-time migrations
(PR-DB-302) and shell-form start commands (PR-PM-304). Each table names programs, never projects.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from prodready.lazyre import lazy_compile

# Programs that run the next words as the real command: (name, options that take a value).
_WRAPPERS: dict[str, frozenset[str]] = {
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "nohup": frozenset(),
    "time": frozenset(),
    "stdbuf": frozenset(),
    "ionice": frozenset({"-c", "-n", "-p"}),
    "setsid": frozenset(),
    "taskset": frozenset(),
    "chpst": frozenset({"-u", "-U", "-e", "-/", "-n", "-l", "-L", "-m", "-d", "-o", "-p", "-f", "-c"}),
    "setpriv": frozenset(),
    "runuser": frozenset({"-u", "-g", "-G"}),
    "sudo": frozenset({"-u", "-g", "-U", "-C", "-h", "-p", "-r", "-t"}),
    "tini": frozenset({"-s", "-e", "-p", "-l"}),
    "dumb-init": frozenset({"-r", "--rewrite"}),
    "catatonit": frozenset(),
    "with-contenv": frozenset(),
    "ddtrace-run": frozenset(),
    "opentelemetry-instrument": frozenset(),
    "dotenv": frozenset({"-f", "-e", "-c"}),
    "command": frozenset(),
    "builtin": frozenset(),
    "npx": frozenset({"-p", "--package"}),
}
# Wrappers whose first word is a user name: `gosu app gunicorn ...`.
_USER_WRAPPERS = frozenset({"gosu", "su-exec", "s6-setuidgid"})
# Two-word wrappers: `poetry run X`, `bundle exec X`, `doppler run -- X`.
_RUNNERS = {
    ("poetry", "run"), ("uv", "run"), ("pipenv", "run"), ("pdm", "run"), ("hatch", "run"), ("rye", "run"),
    ("bundle", "exec"), ("pnpm", "exec"), ("yarn", "exec"), ("doppler", "run"), ("dotenvx", "run"), ("op", "run"),
    ("infisical", "run"), ("newrelic-admin", "run-program"), ("npm", "exec"), ("aws-vault", "exec"),
    ("chamber", "exec"),
}
PYTHONS = lazy_compile(r"^python(\d+(\.\d+)?)?$")
NODES = frozenset({"node", "nodejs", "bun", "deno", "ts-node", "tsx"})
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/env"})
HAND_OVER = frozenset({"$@", "${@}", "$*", "${*}"})
INIT_PROCESSES = lazy_compile(r"(^|/)(tini|tini-static|dumb-init|catatonit|s6-svscan|init)$")


def _basename(word: str) -> str:
    return posixpath.basename(word.rstrip("/")) or word


def program(argv: Sequence[str]) -> list[str]:
    """The command behind wrappers and interpreters' module switch: `env X=1 gosu app python -m
    uvicorn main:app` gives `uvicorn main:app`."""
    return _unwrap(argv)[0]


def _unwrap(argv: Sequence[str]) -> tuple[list[str], bool]:
    """(the command behind wrappers, whether it was named as a Python module with `-m`)."""
    words = [w for w in argv if w != ""]
    for _ in range(8):
        while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
            words = words[1:]
        if not words:
            return words, False
        head = _basename(words[0])
        if head in _WRAPPERS:
            valued = _WRAPPERS[head]
            rest = words[1:]
            while rest and (rest[0].startswith("-") or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", rest[0])):
                flag = rest.pop(0)
                if flag == "--":
                    break
                if flag in valued and rest:
                    rest.pop(0)
            if head in ("nice", "taskset") and rest and rest[0].lstrip("-").isdigit():
                rest = rest[1:]
            words = rest
            continue
        if head in _USER_WRAPPERS:
            words = words[2:]
            continue
        if len(words) > 1 and (head, words[1]) in _RUNNERS:
            rest = words[2:]
            while rest and rest[0].startswith("-"):
                if rest.pop(0) == "--":
                    break
            words = rest
            continue
        if PYTHONS.match(head):
            rest = words[1:]
            while rest and rest[0].startswith("-") and rest[0] != "-m":
                rest = rest[1:]
            if len(rest) >= 2 and rest[0] == "-m":
                return [rest[1], *rest[2:]], True
            return [words[0], *rest], False
        return words, False
    return words, False


# `python <file>` / `node <file>` that names a one-off task rather than the service.
ONE_OFF = lazy_compile(
    r"(?i)(seed|migrat|init|setup|wait|check|pre_?start|create|populate|load|fixture|backup|restore|test|lint|"
    r"collect|compile|build|install|generate|prepare|health|dump|import|export|cron|clean|sync|bootstrap|config)"
)
# Python servers and long-running workers started by name (or `python -m NAME`).
PY_SERVERS = frozenset({
    "gunicorn", "uvicorn", "hypercorn", "daphne", "uwsgi", "waitress-serve", "granian", "celery", "dramatiq",
    "huey_consumer", "huey_consumer.py", "arq", "rq", "streamlit", "gradio", "panel", "bokeh", "datasette",
    "chainlit", "mlflow", "jupyter", "gevent", "aiohttp.web", "http.server", "twistd", "faust",
})
# Module or file names that are the service itself: `python -m app.main`, `python server.py`.
SERVER_STEMS = frozenset({"main", "app", "server", "api", "web", "service", "run", "wsgi", "asgi", "bot", "worker",
                          "serve", "application", "__main__"})
PY_SERVER_SUBCOMMANDS = {
    "flask": {"run"}, "fastapi": {"run", "dev"}, "litestar": {"run"}, "sanic": None, "django-admin": {"runserver"},
    "streamlit": {"run"}, "rq": {"worker"}, "dramatiq": None,
}
MANAGE_PY_SERVERS = frozenset({"runserver", "runserver_plus", "run_gunicorn", "qcluster", "rqworker", "celery",
                               "run_huey", "runworker", "daphne", "process_tasks", "run_consumer",
                               "pyuwsgi", "rundramatiq", "run_waitress"})
NODE_SCRIPT_SERVERS = lazy_compile(r"^(start|serve|server|prod|production|start:prod|start:production|serve:prod)$")
OTHER_SERVERS = frozenset({
    "nginx", "httpd", "apache2-foreground", "apache2", "php-fpm", "caddy", "traefik", "envoy", "haproxy",
    "redis-server", "supervisord", "puma", "unicorn", "sidekiq", "pm2-runtime", "java", "kotlin", "dotnet",
    "beam.smp", "iex", "elixir", "mongod", "postgres", "mysqld", "memcached", "rabbitmq-server", "hugo",
    "thin", "passenger", "rackup", "openresty", "consul", "vault", "nats-server", "minio", "grafana-server",
})
# Commands whose basename is a utility, not a service (a path like /bin/echo is not a Go server).
UTILITIES = frozenset({
    "echo", "printf", "cat", "sleep", "true", "false", "test", "ls", "cp", "mv", "rm", "mkdir", "chmod", "chown",
    "ln", "touch", "sed", "awk", "grep", "find", "tee", "curl", "wget", "nc", "date", "env", "sh", "bash", "dash",
    "ash", "zsh", "kill", "wait", "exit", "tar", "gzip", "unzip", "apk", "apt-get", "pip", "npm", "yarn", "make",
    "git", "docker", "kubectl", "service", "systemctl", "pg_ctl", "supervisorctl", "logger", "id", "whoami",
    "envsubst", "cron", "crond", "install", "update-ca-certificates", "setcap", "ldconfig", "xargs", "wait-for-it",
    "wait-for", "dockerize", "pg_isready", "openssl", "python", "python3", "node",
})


def _stem(word: str) -> str:
    base = _basename(word)
    return base.rsplit(".", 1)[0] if "." in base else base


def _first_arg(words: Sequence[str]) -> str:
    return next((w for w in words if not w.startswith("-")), "")


def server_launch(argv: Sequence[str]) -> str | None:
    """A short name for the long-running server or worker this command starts, or None."""
    words, module = _unwrap(argv)
    if not words:
        return None
    head = _basename(words[0])
    rest = list(words[1:])
    sub = _first_arg(rest)
    if head == "celery":
        return "celery" if {"worker", "beat", "flower", "multi"} & set(rest) else None
    if head == "concurrently":  # `concurrently -k "cd web && exec next start" "tsx worker.ts"`
        for argument in rest:
            for piece in re.split(r"&&|;|\|\|", argument) if not argument.startswith("-") else ():
                words = shlex_words(piece)
                launched = server_launch(words[1:] if words[:1] == ["exec"] else words)
                if launched:
                    return f"concurrently ({launched})"
        return None
    if head in PY_SERVER_SUBCOMMANDS:
        wanted = PY_SERVER_SUBCOMMANDS[head]
        return head if wanted is None or sub in wanted else None
    if head in PY_SERVERS:
        return head
    if module:
        return f"python -m {head}" if head.rsplit(".", 1)[-1] in SERVER_STEMS else None
    if head == "manage.py":  # `./manage.py pyuwsgi`: the script's own shebang runs it
        command = _first_arg(rest)
        return f"manage.py {command}" if command in MANAGE_PY_SERVERS else None
    if PYTHONS.match(head) or head in NODES:
        target = sub
        if not target:
            return None
        if _basename(target) == "manage.py":
            command = _first_arg(rest[rest.index(target) + 1 :])
            return f"manage.py {command}" if command in MANAGE_PY_SERVERS else None
        if head in ("bun", "deno") and target in ("run", "start"):
            target = _first_arg(rest[rest.index(target) + 1 :]) or target
        if ONE_OFF.search(_stem(target)) or target.startswith("$"):
            return None
        if target.endswith((".py", ".js", ".mjs", ".cjs", ".ts")) or "/" in target or head in NODES:
            return f"{head} {_basename(target)}"
        return None
    if head in ("npm", "yarn", "pnpm", "bun"):
        if sub in ("start", "serve"):
            return f"{head} {sub}"
        if sub == "run":
            script = _first_arg(rest[rest.index("run") + 1 :])
            return f"{head} run {script}" if NODE_SCRIPT_SERVERS.match(script) else None
        return None
    if head in ("next", "nest", "nuxt", "remix-serve", "react-router-serve") and sub in ("start", "serve", ""):
        return head
    if head in ("rails", "bin/rails") and sub in ("server", "s"):
        return "rails server"
    if head == "php" and (sub == "artisan" and "serve" in rest or "-S" in rest):
        return "php"
    if head.startswith("php-fpm") or head.startswith("php") and "-fpm" in head:
        return "php-fpm"
    if head in OTHER_SERVERS:
        if head == "dotnet" and sub in ("build", "publish", "test", "restore", "ef", "tool"):
            return None
        if head == "java" and ("-version" in rest or "--version" in rest):
            return None
        if head == "hugo" and sub != "server":
            return None
        return head
    if "/" in words[0] and not words[0].startswith("$"):
        if words[0].endswith((".sh", ".bash", ".py", ".js", ".rb", ".pl")) or head in UTILITIES:
            return None
        if ONE_OFF.search(head) or (sub and re.match(r"(?i)^(migrat|seed|init|setup|check|version|help)", sub)):
            return None
        return words[0]
    return None


_MIGRATION_SUBCOMMANDS: dict[str, re.Pattern[str]] = {
    "alembic": re.compile(r"^upgrade$"),
    "django-admin": re.compile(r"^migrate$"),
    "prisma": re.compile(r"^(migrate|db)$"),
    "knex": re.compile(r"^migrate:(latest|up)$"),
    "sequelize": re.compile(r"^db:migrate$"),
    "sequelize-cli": re.compile(r"^db:migrate$"),
    "typeorm": re.compile(r"^migration:run$"),
    "typeorm-ts-node-commonjs": re.compile(r"^migration:run$"),
    "typeorm-ts-node-esm": re.compile(r"^migration:run$"),
    "goose": re.compile(r"^(up|up-by-one|up-to)$"),
    "migrate": re.compile(r"^(up|goto)$"),
    "dbmate": re.compile(r"^(up|migrate)$"),
    "flyway": re.compile(r"^migrate$"),
    "liquibase": re.compile(r"^update$"),
    "sqlx": re.compile(r"^migrate$"),
    "diesel": re.compile(r"^migration$"),
    "atlas": re.compile(r"^(migrate|schema)$"),
    "tern": re.compile(r"^migrate$"),
    "yoyo": re.compile(r"^apply$"),
    "aerich": re.compile(r"^upgrade$"),
    "rake": re.compile(r"^db:(migrate|prepare)$"),
    "rails": re.compile(r"^db:(migrate|prepare)$"),
    "mix": re.compile(r"^ecto\.migrate$"),
    "piccolo": re.compile(r"^migrations$"),
}


def migration(argv: Sequence[str]) -> str | None:
    """A short name for the schema migration this command applies, or None."""
    words = program(argv)
    if not words:
        return None
    head = _basename(words[0])
    rest = [w for w in words[1:]]
    positional = [w for w in rest if not w.startswith("-")]
    if head == "flask":
        return "flask db upgrade" if positional[:2] == ["db", "upgrade"] or "db" in positional and "upgrade" in positional else None
    if PYTHONS.match(head) or head == "manage.py":
        target = positional[0] if positional and PYTHONS.match(head) else words[0]
        if _basename(target) == "manage.py":
            after = positional[1:] if PYTHONS.match(head) else positional
            if after[:1] == ["migrate"] and not {"--check", "--plan", "--list", "-l"} & set(rest):
                return "manage.py migrate"
            return None
        if PYTHONS.match(head) and positional and re.search(r"(?i)migrat", _stem(positional[0])):
            return f"python {_basename(positional[0])}"
        return None
    if head in ("npm", "yarn", "pnpm", "bun"):
        script = positional[1] if positional[:1] == ["run"] and len(positional) > 1 else positional[0] if positional else ""
        if re.search(r"(?i)migrat", script) and not re.search(r"(?i)(create|generate|make|new|status|revert|down|rollback)", script):
            return f"{head} {'run ' if positional[:1] == ['run'] else ''}{script}"
        return None
    pattern = _MIGRATION_SUBCOMMANDS.get(head)
    if pattern is not None:
        if head == "prisma":
            if positional[:2] in (["migrate", "deploy"], ["migrate", "dev"], ["db", "push"]):
                return f"prisma {' '.join(positional[:2])}"
            return None
        if head == "diesel":
            return "diesel migration run" if positional[:2] == ["migration", "run"] else None
        if head == "atlas":
            return "atlas migrate apply" if positional[:2] in (["migrate", "apply"], ["schema", "apply"]) else None
        if head == "sqlx":
            return "sqlx migrate run" if positional[:2] == ["migrate", "run"] else None
        if head == "piccolo":
            return "piccolo migrations forwards" if positional[:2] == ["migrations", "forwards"] else None
        if head == "migrate" and not any(w.startswith(("-path", "-source", "-database", "--path", "--source", "--database")) for w in rest):
            return None  # `migrate up` without golang-migrate's options: some other tool named migrate
        if any(pattern.match(w) for w in positional):
            return f"{head} {next(w for w in positional if pattern.match(w))}"
        return None
    if "/" in words[0] and positional and re.match(r"(?i)^(migrate|migrations?|db:migrate|migrate[-_:]\w+)$", positional[0]):
        if positional[0].lower().endswith(("create", "new", "status", "down", "rollback")):
            return None
        return f"{_basename(words[0])} {positional[0]}"
    if head not in _NOT_MIGRATORS and not head.endswith((".sh", ".bash")):
        # a project's own CLI: `ftcli db upgrade`, `superset db upgrade`, `kinto migrate --ini ...`
        if positional[:2] in (["db", "upgrade"], ["db", "migrate"], ["database", "migrate"]):
            return f"{head} {' '.join(positional[:2])}"
        if positional[:1] == ["migrate"] and not {"create", "new", "status", "down", "rollback", "make", "--help", "-h"} & set(rest):
            return f"{head} migrate"
    return None


# Commands whose first word after them is text or a target, not a subcommand that migrates.
_NOT_MIGRATORS = frozenset({
    "echo", "printf", "log", "info", "warn", "test", "[", ":", "true", "false", "exec", "docker", "kubectl",
    "helm", "git", "curl", "wget", "cd", "ls", "cat", "mkdir", "rm", "cp", "mv", "chmod", "chown", "sleep", "wait",
})


def shlex_words(text: str) -> list[str]:
    """The words of a command line as a shell splits them; [] when its quoting is unbalanced."""
    import shlex

    try:
        return shlex.split(text)
    except ValueError:
        return []


def hands_over(argv: Sequence[str]) -> bool:
    """`exec "$@"`: the script hands over to the image's CMD (or the command given to the container)."""
    words = program(argv)
    return bool(words) and words[0] in HAND_OVER


def is_shell_c(words: Sequence[str]) -> str | None:
    """The command string of `sh -c "..."` / `bash -lc "..."`, or None."""
    if len(words) < 3 or _basename(words[0]) not in {"sh", "bash", "dash", "ash", "zsh"}:
        return None
    for index, word in enumerate(words[1:], start=1):
        if not word.startswith("-"):
            return None
        if "c" in word[1:] and not word.startswith("--"):
            return words[index + 1] if index + 1 < len(words) else None
    return None
