"""Every output is safe: planted secrets never leave whole (or as a long substring), planted
markup and escape sequences are inert, and the store is never written through a link."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from prodready.cli import main

SECRETS = {
    "py_password": "Pq8sVx3LmZ7tRw2K",
    "stripe": "sk_live_51HqLyjWDarjtT1zdp7dcXY",
    "aws": "AKIAQ7ZD3XKN5VB2M4PL",
    "github": "ghp_" + "aZ3kQ9xW2mL7pR5tV8yB1nC4dF6gH0jK2sE9",
    "slack_token": "xoxb-2048-4096-Sl4ckT0kenV4lue",
    "openai": "sk-proj-Op3nA1K3yValu3Xy9Zq8Wv7",
    "google": "AIza" + "SyB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3w",
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "k8s_env": "Kube5ecretVal9Xy",
    "slack_webhook": "Wh00kS3cr3tPathXyz",
    "redis": "R3disPassw0rdXy",
    "basic": "dXNlcjpTdXBlclNlY3JldDk5",
    "session_default": "S3ssionKeyDefault77",
    "encryption_default": "EncrKeyDefault4455",
    "dotenv": "EnvT0kenValue8812",
    "docker_arg": "DockArgTok3n5566",
    "docker_env": "DockEnvS3cret7788",
    "reason": "Supr3ssReason99x",
    "pg_url": "PgUrlPassw0rd321",
}
S = SECRETS

TREE = {
    "app/main.py": f'''import os
import requests

DB_PASSWORD = "{S["py_password"]}"
STRIPE = "{S["stripe"]}"
AWS_KEY = "{S["aws"]}"
GH = "{S["github"]}"
SLACK = "{S["slack_token"]}"
OPENAI_API_KEY = "{S["openai"]}"
GOOGLE = "{S["google"]}"
JWT = "{S["jwt"]}"
SESSION_KEY = os.getenv("SESSION_KEY", "{S["session_default"]}")
ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY", "{S["encryption_default"]}")
DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://app:{S["pg_url"]}@db:5432/app")


def notify(text):
    return requests.post(
        "https://hooks.slack.com/services/T0AAAA1/B0BBBB2/{S["slack_webhook"]}",
        headers={{"Authorization": "Basic {S["basic"]}"}},
        params={{"cache": "redis://:{S["redis"]}@cache:6379/0", "gh": GH, "jwt": "{S["jwt"]}"}},
        json={{"text": text, "key": "{S["openai"]}", "aws": "{S["aws"]}"}},
    )


x = 1  # prodready: ignore[PR-TO-001] password={S["reason"]}
''',
    "k8s/deploy.yaml": f'''apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: api:1.0
          env:
            - name: DB_PASSWORD
              value: "{S["k8s_env"]}"
            - name: STRIPE_KEY
              value: {S["stripe"]}
''',
    ".env": f"API_TOKEN={S['dotenv']}\nSLACK_WEBHOOK=https://hooks.slack.com/services/T1/B2/{S['slack_webhook']}\n",
    "Dockerfile": f"FROM python:3.12\nARG NPM_TOKEN={S['docker_arg']}\nENV SECRET_KEY={S['docker_env']}\nCMD [\"python\", \"app/main.py\"]\n",
    "docker-compose.yml": f"services:\n  api:\n    build: .\n    command: run --redis redis://:{S['redis']}@cache:6379\n    environment:\n      DB_PASSWORD: {S['k8s_env']}\n",
    # Shell scripts and nginx files become facts (cached): what they quote must be masked there too.
    "docker/entrypoint.sh": f"#!/bin/sh\nredis-cli -u redis://:{S['redis']}@cache:6379 ping\ngunicorn app:app\n",
    "nginx/default.conf": f"server {{\n  location / {{\n    proxy_pass http://user:{S['redis']}@api:8000;\n  }}\n}}\n",
}


def write(root: Path, files: dict[str, str]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def leaks(blob: str) -> list[str]:
    """Secrets present whole or as a 10-character window."""
    found = []
    for name, secret in SECRETS.items():
        core = secret.split("_", 2)[-1] if secret.startswith(("sk_live_", "ghp_")) else secret
        windows = {core[i : i + 10] for i in range(0, max(len(core) - 9, 1))}
        if any(w in blob for w in windows):
            found.append(name)
    return found


def test_planted_secrets_never_leave_in_any_output(tmp_path: Path, private_user_cache: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "svc"
    write(root, TREE)
    outputs: dict[str, str] = {}
    for fmt in ("json", "markdown", "html", "sarif", "text"):
        out = tmp_path / f"report.{fmt}"
        code = main(["audit", str(root), "--format", fmt, "-o", str(out), "--no-progress", "--jobs", "1"])
        assert code in (0, 1)
        outputs[fmt] = out.read_text("utf-8")
    main(["audit", str(root), "--no-progress", "--jobs", "1", "--no-history"])  # real terminal rendering
    outputs["terminal"] = capsys.readouterr().out
    report = json.loads(outputs["json"])
    assert report["findings"], "the tree must produce findings with evidence"
    assert any(f["path"] == "k8s/deploy.yaml" for f in report["findings"])
    main(["baseline", str(root), "-o", str(tmp_path / "baseline.json")])
    outputs["baseline"] = (tmp_path / "baseline.json").read_text("utf-8")
    for fmt in ("json", "markdown", "text"):
        main(["diff", str(tmp_path / "report.json"), str(tmp_path / "report.json"), "--format", fmt, "-o", str(tmp_path / f"diff.{fmt}")])
        outputs[f"diff-{fmt}"] = (tmp_path / f"diff.{fmt}").read_text("utf-8")
    store = root / ".prodready"
    outputs["cache"] = (store / "cache.json").read_text("utf-8")
    with sqlite3.connect(store / "history.db") as db:
        outputs["history"] = json.dumps([list(map(str, row)) for row in db.execute("select * from prodready_findings")])
        outputs["history"] += json.dumps([list(map(str, row)) for row in db.execute("select * from prodready_runs")])
    leaked = {name: leaks(blob) for name, blob in outputs.items() if leaks(blob)}
    assert not leaked, leaked


HOSTILE_NAMES = {
    "esc\x1b]0;pwned\x07title.py": "import requests\nrequests.get('x')\n",
    "clear\x1b[2J\x1b[H.py": "import requests\nrequests.get('x')\n",
    "link\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\.py": "import requests\nrequests.get('x')\n",
    "<script>alert(1)</script>.py": "import requests\nrequests.get('x')\n",
    "back`tick`.py": "import requests\nrequests.get('x')\n",
    "[bold red]markup[/bold red].py": "import requests\nrequests.get('x')\n",
    "envs.py": (
        "import os, requests\n"
        "A = os.getenv('<img src=x onerror=alert(1)>')\n"
        "B = os.getenv('X\\x1b[31mRED')\n"
        "C = os.getenv('[link=javascript:alert(1)]x[/link]')\n"
        "requests.get('javascript:alert(1)//<script>alert(2)</script>')  # [blink]\x1b[5m\n"
    ),
}


def outside_code(markdown: str) -> str:
    import re

    without_fences = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", markdown)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", without_fences)


def test_planted_markup_and_escapes_are_inert(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tree[red]x"
    write(root, HOSTILE_NAMES)
    rendered = {}
    for fmt in ("markdown", "html", "text", "json", "sarif"):
        out = tmp_path / f"r.{fmt}"
        assert main(["audit", str(root), "--format", fmt, "-o", str(out), "--no-progress", "--jobs", "1"]) in (0, 1)
        rendered[fmt] = out.read_text("utf-8")
    capsys.readouterr()
    main(["audit", str(root), "--no-progress", "--jobs", "1", "--no-history"])
    rendered["terminal"] = capsys.readouterr().out
    main(["history", str(root)])
    rendered["history"] = capsys.readouterr().out
    for name in ("text", "terminal", "history"):
        assert "\x1b" not in rendered[name] and "\x07" not in rendered[name], name
    assert "tree[red]x" in rendered["history"]  # shown as text, not read as markup
    assert "markup[/bold red]" in rendered["terminal"]  # shown as text (the name is shortened to fit 80 columns)
    md = rendered["markdown"]
    prose = outside_code(md).lower()  # inside code spans and fences HTML is shown, never run
    assert "<script" not in prose and "<img" not in prose
    assert "javascript:" not in prose
    assert "``back`tick`.py" in md  # the span is fenced by more backticks than it holds
    assert "\x1b" not in md
    html = rendered["html"]
    assert "<script>alert" not in html and "<img src=x" not in html
    json.loads(rendered["json"])
    json.loads(rendered["sarif"])


def test_store_is_never_written_through_links(tmp_path: Path, private_user_cache: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me")
    root = tmp_path / "tree"
    write(root, {"app.py": "import requests\nrequests.get('x')\n"})
    os.symlink(victim, root / ".prodready")
    out = tmp_path / "r.json"
    assert main(["audit", str(root), "--format", "json", "-o", str(out), "--no-progress"]) in (0, 1)
    assert sorted(p.name for p in victim.iterdir()) == ["precious.txt"]
    assert (victim / "precious.txt").read_text() == "keep me"
    report = json.loads(out.read_text())
    assert any("link" in w for w in report["warnings"])
    assert list((private_user_cache / "prodready" / "targets").glob("*/cache.json"))

    # Files inside a real .prodready/ that are links: replaced or avoided, never followed.
    root2 = tmp_path / "tree2"
    write(root2, {"app.py": "import requests\nrequests.get('x')\n"})
    (root2 / ".prodready").mkdir()
    target_cache, target_db = victim / "cache-victim", victim / "db-victim"
    target_cache.write_text("original")
    target_db.write_text("original")
    os.symlink(target_cache, root2 / ".prodready" / "cache.json")
    os.symlink(target_db, root2 / ".prodready" / "history.db")
    assert main(["audit", str(root2), "--format", "json", "-o", str(out), "--no-progress"]) in (0, 1)
    assert target_cache.read_text() == "original" and target_db.read_text() == "original"


def test_store_is_not_a_directory_or_not_writable(tmp_path: Path, private_user_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "tree"
    write(root, {"app.py": "import requests\nrequests.get('x')\n", ".prodready": "a file"})
    out = tmp_path / "r.json"
    assert main(["audit", str(root), "--format", "json", "-o", str(out), "--no-progress"]) in (0, 1)
    assert json.loads(out.read_text())["warnings"]
    # A read-only target (simulated: tests may run as root, who can write anywhere).
    from prodready.engine import store

    real_access = os.access
    ro = tmp_path / "ro"
    write(ro, {"app.py": "import requests\nrequests.get('x')\n"})
    (ro / ".prodready").mkdir()
    monkeypatch.setattr(store.os, "access", lambda p, m: False if str(p).startswith(str(ro / ".prodready")) else real_access(p, m))
    assert main(["audit", str(ro), "--format", "json", "-o", str(out), "--no-progress"]) in (0, 1)
    report = json.loads(out.read_text())
    assert report["findings"] and any("not writable" in w for w in report["warnings"])
