"""The shell and nginx readers, their file classification, and templates that are not YAML."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodready.api import AuditSettings, audit
from prodready.config import Config
from prodready.engine.discover import discover
from prodready.lang.nginx import NginxSyntaxError, looks_like_nginx, parse_nginx
from prodready.lang.shell import BRANCH, CONDITION, FUNCTION, LOOP, TOP, read_script
from prodready.model import Language
from prodready.rules._process import hands_over, migration, program, server_launch


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_classification_of_scripts_and_nginx_files(tmp_path: Path) -> None:
    write(tmp_path, "docker/entrypoint.sh", "#!/bin/sh\nexec \"$@\"\n")
    write(tmp_path, "compose/start", "#!/usr/bin/env bash\nexec gunicorn app:app\n")
    write(tmp_path, "bin/tool", "#!/usr/bin/env python3\nprint(1)\n")
    write(tmp_path, "bin/notes", "just text\n")
    write(tmp_path, "nginx/default.conf", "server { listen 80; }\n")
    write(tmp_path, "nginx/site.conf.template", "server { listen ${PORT}; }\n")
    found = {f.path: f.language for f in discover(tmp_path).files}
    assert found["docker/entrypoint.sh"] == Language.SHELL
    assert found["compose/start"] == Language.SHELL
    assert found["bin/tool"] == Language.PYTHON
    assert "bin/notes" not in found
    assert found["nginx/default.conf"] == Language.NGINX
    assert found["nginx/site.conf.template"] == Language.NGINX


def test_script_contexts_finals_and_errexit() -> None:
    script = read_script(
        "#!/bin/bash\n"
        "set -eu\n"
        "migrate() { alembic upgrade head; }\n"
        "migrate\n"
        "while ! nc -z db 5432; do sleep 1; done\n"
        "if [ \"$1\" = worker ]; then\n"
        "  celery -A app worker\n"
        "else\n"
        "  setup && exec gunicorn app:app\n"
        "fi\n"
    )
    by_name = {c.name: c for c in script.commands}
    assert by_name["alembic"].context == FUNCTION and script.unconditional(by_name["alembic"])
    assert by_name["nc"].context == CONDITION and by_name["nc"].checked
    assert by_name["sleep"].context == LOOP
    assert by_name["celery"].context == BRANCH and by_name["celery"].final and not by_name["celery"].exec
    assert by_name["gunicorn"].final and by_name["gunicorn"].exec
    assert by_name["setup"].checked and not by_name["setup"].final
    assert by_name["migrate"].context == TOP
    assert script.errexit_at(4) and not script.errexit_at(2)
    shebang = read_script("#!/bin/sh -e\nfoo\nbar\n")
    assert shebang.errexit_at(2)


def test_background_server_is_not_final() -> None:
    script = read_script("#!/bin/sh\nnode server.js &\nwait\n")
    assert [c.name for c in script.finals] == ["wait"]
    assert read_script("node server.js &\n").finals == []


@pytest.mark.parametrize(
    ("argv", "server"),
    [
        ("env PORT=1 gosu app python -m uvicorn main:app", "uvicorn"),
        ("node dist/main.js", "node main.js"),
        ("python /app/initial_data.py", None),
        ("java -jar app.jar", "java"),
        ("./server -config x.yml", "./server"),
        ("celery -A app purge", None),
        ("npm run build", None),
    ],
)
def test_server_launch(argv: str, server: str | None) -> None:
    assert server_launch(argv.split()) == server


@pytest.mark.parametrize(
    ("argv", "found"),
    [
        ("poetry run alembic upgrade head", "alembic upgrade"),
        ("python manage.py migrate --noinput", "manage.py migrate"),
        ("python manage.py migrate --check", None),
        ("npx prisma migrate deploy", "prisma migrate deploy"),
        ("npx prisma generate", None),
        ("migrate -path ./migrations -database $DSN up", "migrate up"),
        ("migrate up", None),
        ("npm run migrate:create", None),
    ],
)
def test_migration(argv: str, found: str | None) -> None:
    assert migration(argv.split()) == found


def test_hand_over_and_wrappers() -> None:
    assert hands_over(["$@"]) and hands_over(["su-exec", "app", "$@"])
    assert program(["tini", "-g", "--", "node", "a.js"]) == ["node", "a.js"]


def test_nginx_tree_and_errors() -> None:
    config = parse_nginx("http {\n  server {\n    location / { proxy_pass http://api; }\n  }\n}\n")
    proxy = config.find("proxy_pass")[0]
    assert proxy.args == ["http://api"] and proxy.context() == "location"
    assert [a.name for a in proxy.ancestors()] == ["location", "server", "http"]
    assert config.has_http_block
    with pytest.raises(NginxSyntaxError):
        parse_nginx("server {\n listen 80;\n")
    with pytest.raises(NginxSyntaxError):
        parse_nginx("server { listen 80 }\n")
    assert not looks_like_nginx("RUN_MIGRATIONS=1\nLISTEN_ADDR=0.0.0.0:8080\n")
    assert not looks_like_nginx("input { beats { port => 5044 } }\n")


def test_unreadable_inputs_are_skipped_with_a_reason(tmp_path: Path) -> None:
    write(tmp_path, "chart/templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
          "  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n")
    write(tmp_path, "nginx/broken.conf", "server {\n  location / {\n    proxy_pass http://api;\n")
    write(tmp_path, "supervisor/app.conf", "[program:app]\ncommand=gunicorn app:app\n")
    write(tmp_path, "entrypoint.sh", "#!/bin/sh\n" + "((((( $$$ ]]]] )))\n" * 20)
    report = audit(tmp_path, AuditSettings(use_cache=False, jobs=1, config=Config()))
    skipped = {s.path: s.reason for s in report.skipped}
    assert "Helm or Go template" in skipped["chart/templates/deploy.yaml"]
    assert "invalid nginx configuration" in skipped["nginx/broken.conf"]
    assert "supervisor/app.conf" not in skipped  # another program's .conf: not read, not an error
    assert "entrypoint.sh" in skipped
