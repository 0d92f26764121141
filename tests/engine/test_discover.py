from __future__ import annotations

import os
from pathlib import Path

from prodready.engine.discover import discover
from prodready.model import Language


def write(root: Path, rel: str, text: str = "x = 1\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_gitignore_default_excludes_and_classification(tmp_path: Path) -> None:
    write(tmp_path, ".gitignore", "generated/\n*.log\n")
    write(tmp_path, "app/main.py")
    write(tmp_path, "generated/models.py")
    write(tmp_path, "node_modules/lib/index.js", "var a;\n")
    write(tmp_path, ".venv/lib/site.py")
    write(tmp_path, "vendor/x.go", "package x\n")
    write(tmp_path, "web/server.ts", "const a = 1;\n")
    write(tmp_path, "web/page.tsx", "export default () => null;\n")
    write(tmp_path, "svc/main.go", "package main\n")
    write(tmp_path, "Dockerfile", "FROM python:3.12\n")
    write(tmp_path, "deploy/docker-compose.prod.yml", "services: {}\n")
    write(tmp_path, "k8s/deploy.yaml", "apiVersion: v1\nkind: Pod\n")
    write(tmp_path, ".env", "A=1\n")
    write(tmp_path, "requirements-dev.txt", "pytest\n")
    write(tmp_path, "web/bundle.min.js", "var a;\n")
    write(tmp_path, "server.log", "log\n")
    found = discover(tmp_path)
    langs = {f.path: f.language for f in found.files}
    assert "app/main.py" in langs
    assert "generated/models.py" not in langs
    assert not any(p.startswith(("node_modules", ".venv", "vendor")) for p in langs)
    assert langs["web/server.ts"] == Language.TYPESCRIPT
    assert langs["web/page.tsx"] == Language.TYPESCRIPT
    assert langs["svc/main.go"] == Language.GO
    assert langs["Dockerfile"] == Language.DOCKERFILE
    assert langs["deploy/docker-compose.prod.yml"] == Language.COMPOSE
    assert langs["k8s/deploy.yaml"] == Language.KUBERNETES
    assert langs[".env"] == Language.DOTENV
    assert langs["requirements-dev.txt"] == Language.MANIFEST
    assert "web/bundle.min.js" not in langs
    assert "server.log" not in found.all_paths


def test_symlinks_never_leave_the_root(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    write(outside, "secret.py")
    root = tmp_path / "root"
    root.mkdir()
    write(root, "app.py")
    os.symlink(outside / "secret.py", root / "link.py")
    os.symlink(outside, root / "linkdir")
    found = discover(root)
    paths = {f.path for f in found.files}
    assert paths == {"app.py"}
    assert ("link.py", "symlink pointing outside the root") in found.skipped


def test_huge_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    write(tmp_path, "big.py", "x = 1\n" * 300_000)
    found = discover(tmp_path)
    assert not found.files
    assert found.skipped and "too large" in found.skipped[0][1]


def test_a_compose_file_is_known_by_its_content(tmp_path: Path) -> None:
    """`contrib/docker-compose/basic.yml`, `docker-stack.yml`: top-level services with an image or a
    build are compose files whatever their name; other YAML with a `services:` key is not."""
    from prodready.engine.discover import classify

    compose = b"services:\n  app:\n    image: acme/app:1.2\n    environment:\n      - DEBUG=1\n"
    settings = b"services:\n  mail:\n    host: smtp.example.com\n    port: 587\n"
    workflow = b"name: ci\njobs:\n  test:\n    services:\n      db:\n        image: postgres:16\n"
    assert classify("contrib/docker-compose/basic.yml", compose) == (Language.COMPOSE, "yaml")
    assert classify("docker-stack.yml", compose) == (Language.COMPOSE, "yaml")
    assert classify("config/services.yml", settings) != (Language.COMPOSE, "yaml")
    assert classify("ci/pipeline.yml", workflow) != (Language.COMPOSE, "yaml")


def test_go_binary_ignore_line_keeps_the_command_sources(tmp_path: Path) -> None:
    # `gokapi` in .gitignore is meant for the binary `go build ./cmd/gokapi` writes, not cmd/gokapi/.
    write(tmp_path, ".gitignore", "gokapi\nbuild\n")
    write(tmp_path, "cmd/gokapi/main.go", "package main\n")
    write(tmp_path, "gokapi", "\x7fELF")
    write(tmp_path, "build/gen.go", "package build\n")
    write(tmp_path, "tools/gokapi/helper.go", "package gokapi\n")
    paths = {f.path for f in discover(tmp_path).files}
    assert "cmd/gokapi/main.go" in paths
    assert "build/gen.go" not in paths  # an ignored directory outside cmd/ stays ignored
    assert "tools/gokapi/helper.go" not in paths
