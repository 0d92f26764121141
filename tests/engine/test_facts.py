"""The ProjectModel facts other rules and `verify` rely on: routes with auth and limits, env vars."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import audit_json, write_tree


def routes_of(root: Path) -> dict[tuple[str, str], dict]:
    return {(r["method"], r["path"]): r for r in audit_json(root)["facts"]["routes"]}


def test_fastapi_routes_with_router_prefixes_aliases_and_limits(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/deps.py": "from typing import Annotated\nfrom fastapi import Depends\n\nCurrentUser = Annotated[dict, Depends(get_current_user)]\n",
        "app/routes/items.py": (
            "from fastapi import APIRouter, Request\nfrom app.deps import CurrentUser\nfrom app.limits import limiter\n\n"
            "router = APIRouter()\n\n\n@router.get('/')\ndef list_items(user: CurrentUser):\n    return []\n\n\n"
            "@router.post('/import')\n@limiter.limit('2/minute')\ndef import_items(request: Request):\n    return {}\n"
        ),
        "app/main.py": (
            "from fastapi import FastAPI\nfrom app.routes import items\n\napp = FastAPI()\n"
            "app.include_router(items.router, prefix='/items')\n\n\n@app.get('/healthz')\ndef health():\n    return {}\n"
        ),
        "app/limits.py": "from slowapi import Limiter\nlimiter = Limiter(key_func=lambda r: r.client.host)\n",
    })
    routes = routes_of(tmp_path)
    listed = routes[("GET", "/items/")]
    assert listed["auth"] and "CurrentUser" in listed["auth_via"]
    assert listed["file"] == "app/routes/items.py" and listed["line"] == 8
    imported = routes[("POST", "/items/import")]
    assert imported["rate_limited"] and not imported["auth"]
    assert not routes[("GET", "/healthz")]["auth"]


def test_flask_express_go_and_django_routes(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "web/app.py": (
            "from flask import Flask\nfrom flask_login import login_required\n\napp = Flask(__name__)\n\n\n"
            "@app.route('/orders', methods=['GET', 'POST'])\n@login_required\ndef orders():\n    return []\n"
        ),
        "api/server.js": (
            "const express = require('express');\nconst app = express();\n"
            "app.get('/users/:id', requireAuth, (req, res) => res.json({}));\napp.post('/login', (req, res) => res.json({}));\n"
            "app.listen(3000);\n"
        ),
        "svc/main.go": (
            "package main\n\nimport (\n\t\"net/http\"\n)\n\nfunc main() {\n"
            "\thttp.HandleFunc(\"/healthz\", health)\n\thttp.Handle(\"/admin\", RequireAuth(adminHandler))\n"
            "\thttp.ListenAndServe(\":8080\", nil)\n}\n"
        ),
        "shop/urls.py": (
            "from django.contrib.auth.decorators import login_required\nfrom django.urls import path\nfrom shop import views\n\n"
            "urlpatterns = [path('orders/', views.orders), path('account/', login_required(views.account))]\n"
        ),
    })
    routes = routes_of(tmp_path)
    assert routes[("GET", "/orders")]["auth"] and routes[("POST", "/orders")]["framework"] == "flask"
    assert routes[("GET", "/users/:id")]["auth"] and not routes[("POST", "/login")]["auth"]
    assert not routes[("ANY", "/healthz")]["auth"] and routes[("ANY", "/admin")]["auth"]
    assert routes[("ANY", "/account/")]["auth"] and routes[("ANY", "/account/")]["handler"] == "views.account"
    assert not routes[("ANY", "/orders/")]["auth"]


def test_env_vars_with_defaults_across_languages(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/config.py": (
            "import os\nfrom pydantic_settings import BaseSettings\n\nREDIS_URL = os.getenv('REDIS_URL', 'redis://localhost')\n"
            "PORT = int(os.environ.get('WEB_PORT') or '5000')\nHOST = os.getenv('HOST', '') or '0.0.0.0'\n"
            "LEVEL = os.environ.get('LOG_LEVEL') or DEFAULT_LEVEL\n\n\n"
            "class Settings(BaseSettings):\n    model_config = {'env_prefix': 'APP_'}\n    DEBUG: bool = False\n"
        ),
        "web/config.ts": "export const port = process.env.PORT ?? '3000';\n",
        "svc/config.go": "package main\n\nimport \"os\"\n\nvar token = os.Getenv(\"API_TOKEN\")\n",
    })
    env = {e["name"]: e for e in audit_json(tmp_path)["facts"]["env_vars"]}
    assert env["REDIS_URL"]["default"] == "redis://localhost" and env["REDIS_URL"]["line"] == 4
    assert env["DEBUG"]["default"] == "False"
    # `os.environ.get(X) or "literal"`: the literal is the default (the configuration matrix reads it)
    assert env["WEB_PORT"]["default"] == "5000" and env["WEB_PORT"]["has_default"] is True
    assert env["HOST"]["default"] == "0.0.0.0"
    assert env["LOG_LEVEL"]["default"] == "DEFAULT_LEVEL"
    assert env["PORT"]["default"] == "3000"
    assert env["API_TOKEN"]["has_default"] is False


def test_container_facts_give_ports_for_the_report(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "Dockerfile": "FROM python:3.12-slim\nEXPOSE 5000/tcp\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:5000\", \"app:app\"]\n",
        "docker-compose.yml": "services:\n  web:\n    build: .\n    ports:\n      - \"8080:5000\"\n",
    })
    facts = audit_json(tmp_path)["facts"]
    assert facts["containers"][0]["expose"] == ["5000"] and facts["containers"][0]["file"] == "Dockerfile"
    assert facts["services"][0]["ports"] == ["8080:5000"]


def test_starlette_route_tables_and_flask_add_url_rule(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "svc/app.py": (
            "from starlette.applications import Starlette\nfrom starlette.authentication import requires\n"
            "from starlette.routing import Mount, Route, WebSocketRoute\n\n\n"
            "async def health(request):\n    return None\n\n\n"
            "@requires('authenticated')\nasync def orders(request):\n    return None\n\n\n"
            "async def create(request):\n    return None\n\n\n"
            "async def feed(ws):\n    return None\n\n\n"
            "routes = [\n    Route('/healthz', health),\n"
            "    Mount('/api', routes=[\n        Route('/orders', orders),\n"
            "        Route('/orders', endpoint=create, methods=['POST']),\n"
            "        Mount('/v2', routes=[Route('/items/{item_id:int}', health)]),\n    ]),\n"
            "    WebSocketRoute('/ws', feed),\n]\napp = Starlette(routes=routes)\n"
        ),
        "web/main.py": (
            "from flask import Flask\nfrom flask_login import login_required\nfrom web import views\n\n"
            "app = Flask(__name__)\n\n\ndef index():\n    return 'ok'\n\n\n"
            "app.add_url_rule('/', 'index', index)\n"
            "app.add_url_rule('/account', view_func=login_required(views.account), methods=['GET', 'POST'])\n"
        ),
    })
    routes = routes_of(tmp_path)
    assert routes[("GET", "/healthz")]["framework"] == "starlette" and not routes[("GET", "/healthz")]["auth"]
    assert routes[("GET", "/api/orders")]["auth"] and routes[("GET", "/api/orders")]["handler"] == "orders"
    assert not routes[("POST", "/api/orders")]["auth"] and routes[("POST", "/api/orders")]["line"] == 27
    assert ("GET", "/api/v2/items/{item_id:int}") in routes
    assert routes[("WS", "/ws")]["kind"] == "websocket"
    assert routes[("GET", "/")]["framework"] == "flask" and not routes[("GET", "/")]["auth"]
    assert routes[("POST", "/account")]["auth"] and routes[("GET", "/account")]["handler"] == "account"


def test_test_file_reading_is_what_the_routes_untested_rule_reads_from_disk(tmp_path: Path) -> None:
    """PR-TS-304 takes each test file's URL segments, names and test count from the worker that
    read it (the test fact's "reading"): the same as reading the file again, or absent (a BOM, a
    rendered template), when the rule reads the file itself."""
    from prodready.engine.discover import SourceFile
    from prodready.engine.runner import RunOptions, analyze_source
    from prodready.facts.manifests import MAX_TEST_BYTES, test_summary
    from prodready.model import Language

    bodies = {
        "tests/test_ascii.py": b"def test_a(client):\n    client.get('/api/v1/Users/1')\n    url_for('bp.list_users')\n",
        "tests/test_wide.py": "def test_\u00e9(client):\n    client.get('/caf\u00e9/menu?x=1')\n    reverse('shop:orders')\n".encode(),
        # longer than MAX_TEST_BYTES, cut inside a two-byte character
        "tests/test_long.py": b"def test_x(client):\n    client.get('/long/path')\n" + b"# " + "\u00e9".encode() * (MAX_TEST_BYTES // 2) + b"\n",
        "tests/test_bom.py": b"\xef\xbb\xbfdef test_b(client):\n    client.get('/bom')\n",
        "svc/handlers_test.go": b"package svc\n\nfunc TestGet(t *testing.T) {\n\tget(\"/v2/items\")\n}\n",
        "web/app.test.js": b"it('lists', () => request(app).get('/orders/42'));\n",
    }
    languages = {".py": (Language.PYTHON, "python"), ".go": (Language.GO, "go"), ".js": (Language.JAVASCRIPT, "javascript")}
    for path, data in bodies.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        language, grammar = languages[target.suffix]
        result = analyze_source(SourceFile(path, str(target), language, grammar, len(data)), RunOptions())
        [record] = result.facts["test"]
        expected = test_summary(data[:MAX_TEST_BYTES].decode("utf-8", "replace").lower())
        if path.endswith("test_bom.py"):
            assert "reading" not in record
        else:
            assert record["reading"] == expected, path


def test_nitro_file_routes_methods_params_and_protecting_wrappers(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "package.json": '{"name": "vpn", "dependencies": {"nuxt": "^3.12.0"}}\n',
        "src/server/api/auth/password.post.ts": (
            "import { defineEventHandler } from 'h3';\n\nexport default defineEventHandler(async (event) => {\n"
            "  return { ok: true };\n});\n"
        ),
        "src/server/api/client/[clientId]/index.get.ts": (
            "export default definePermissionEventHandler('clients', 'view', async ({ event }) => {\n  return {};\n});\n"
        ),
        "src/server/routes/metrics/prometheus.get.ts": "export default defineEventHandler(() => 'metrics');\n",
        "src/server/api/me.ts": (
            "export default defineEventHandler(async (event) => {\n  const user = await requireUserSession(event);\n"
            "  return user;\n});\n"
        ),
        "src/server/utils/helpers.ts": "export const defineEventHandlerLike = 1;\n",
    })
    routes = routes_of(tmp_path)
    login = routes[("POST", "/api/auth/password")]
    assert login["framework"] == "nitro" and login["line"] == 3 and not login["auth"]
    client = routes[("GET", "/api/client/:clientId")]
    assert client["auth"] and "definePermissionEventHandler" in client["auth_via"]
    assert ("GET", "/metrics/prometheus") in routes
    assert routes[("ANY", "/api/me")]["auth"]
    assert not any(r["file"].endswith("helpers.ts") for r in routes.values())
