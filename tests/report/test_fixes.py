"""Fix examples follow the framework and the project's own names and ports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prodready.api import AuditSettings, audit
from prodready.report.fixes import EXAMPLES, PROBLEM_OF_RULE, fix_example, project_names
from prodready.report.markdown import MarkdownReporter
from prodready.rules.registry import load_registry
from tests.helpers import write_tree


def facts(framework: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"frameworks": [framework], "routes": [], "containers": [], "services": [], "env_vars": []}
    base.update(extra)
    return base


def example(rule: str, path: str, names_facts: dict[str, Any]) -> str:
    meta = load_registry().by_id(rule)
    return fix_example(rule, path, meta.section("Use instead") if meta else "", project_names(names_facts))[1]


def test_rate_limiting_per_framework() -> None:
    assert "flask_limiter" in example("PR-RA-301", "app.py", facts("flask"))
    assert "slowapi" not in example("PR-RA-301", "app.py", facts("flask"))
    assert "from slowapi import Limiter" in example("PR-RA-301", "app/main.py", facts("fastapi"))
    assert 'require("express-rate-limit")' in example("PR-RA-301", "server.js", facts("express"))
    assert "rate.NewLimiter" in example("PR-RA-301", "main.go", facts("net/http"))


def test_go_server_timeouts_use_the_projects_port() -> None:
    code = example("PR-TO-203", "main.go", facts("net/http", containers=[{"expose": ["9090"], "cmd": "/app"}]))
    assert "ReadHeaderTimeout: 5 * time.Second" in code and 'Addr:              ":9090"' in code


def test_port_comes_from_the_image_not_a_default() -> None:
    flask = facts("flask", containers=[{"file": "Dockerfile", "base": "python:3.12-slim", "expose": ["5000"],
                                        "cmd": "gunicorn -b 0.0.0.0:5000 app:app"}],
                  routes=[{"method": "GET", "path": "/healthz", "file": "app.py", "kind": "http"}])
    names = project_names(flask)
    assert names.port == "5000" and names.health == "/healthz"
    code = example("PR-HC-305", "Dockerfile", flask)
    assert "127.0.0.1:5000/healthz" in code and "8000" not in code
    assert '"0.0.0.0:5000", "app:app"' in example("PR-CT-302", "Dockerfile", flask)
    # A published compose port is what smoke tests call; the container port is what the image listens on.
    published = project_names(facts("express", services=[{"name": "web", "build": ".", "ports": ["8080:3000"]}]))
    assert (published.port, published.host_port) == ("3000", "8080")
    assert project_names(facts("fastapi")).port == "8000" and project_names(facts("flask")).port == "5000"


def test_route_examples_name_the_projects_routes() -> None:
    routes = [
        {"method": "GET", "path": "/orders", "handler": "list_orders", "file": "app.py", "kind": "http", "auth": True,
         "auth_via": "@login_required"},
        {"method": "POST", "path": "/orders/<int:order_id>/refund", "handler": "refund", "file": "app.py", "kind": "http"},
    ]
    code = example("PR-RA-001", "app.py", facts("flask", routes=routes))
    assert '@app.route("/orders/<int:order_id>/refund", methods=["POST"])' in code and "def refund()" in code
    tests = example("PR-TS-301", "", facts("flask", routes=routes))
    assert "def test_list_orders_requires_auth" in tests and '.get("/orders")' in tests


@pytest.mark.parametrize("key", sorted(EXAMPLES), ids=lambda k: f"{k[0]}-{k[1]}")
def test_every_template_fills_cleanly(key: tuple[str, str]) -> None:
    problem, framework = key
    rule = next(r for r, p in PROBLEM_OF_RULE.items() if p == problem)
    path = {"python": "app.py", "go": "main.go", "express": "server.js"}.get(framework, "x.py")
    fw = {"python": "fastapi", "go": "net/http"}.get(framework, framework)
    code = example(rule, path, facts(fw, routes=[{"method": "POST", "path": "/items/:id", "handler": "remove",
                                                  "file": path, "kind": "http"}]))
    assert code and "{port}" not in code and "{handler}" not in code and "{{" not in code


def test_configuration_matrix_reads_or_defaults(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app.py": (
            "import os\nfrom flask import Flask\n\napp = Flask(__name__)\n"
            "PORT = int(os.environ.get('PORT') or '5000')\nREDIS_URL = os.environ.get('REDIS_URL') or 'redis://localhost:6379'\n"
            "TOKEN = os.environ['API_TOKEN']\n"
        ),
    })
    markdown = MarkdownReporter().render(audit(tmp_path, AuditSettings(use_cache=False)))
    assert "| `PORT` | app.py:5 | 5000 |" in markdown
    assert "| `REDIS_URL` | app.py:6 | redis://localhost:6379 | no | default is a development value" in markdown
    assert "| `API_TOKEN` | app.py:7 | — (required) |" in markdown
