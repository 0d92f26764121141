"""Development images (Dockerfile.dev, .gitpod.Dockerfile, an image compose runs with the checkout
mounted over it) are not judged as production containers; the image the project ships still is."""

from __future__ import annotations

from pathlib import Path

from prodready.api import AuditSettings, audit
from prodready.config import Config
from prodready.project import development_dockerfiles

ROOT_IMAGE = 'FROM node:16-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD ["node", "server.js"]\n'
DEV_COMPOSE = """services:
  web:
    build:
      context: .
      dockerfile: ./docker/node/Dockerfile
    volumes:
      - .:/app
      - /app/node_modules
    command: npm start
"""


def _container_paths(root: Path) -> set[str]:
    report = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    return {f.path for f in report.findings if f.category.value == "container" and f.path}


def test_named_and_compose_mounted_dev_images_are_not_judged(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text("require('http').createServer((q, s) => s.end('ok')).listen(3000)\n")
    (tmp_path / "Dockerfile").write_text(ROOT_IMAGE)
    (tmp_path / ".gitpod.Dockerfile").write_text("FROM gitpod/workspace-mongodb\n")
    (tmp_path / "docker" / "node").mkdir(parents=True)
    (tmp_path / "docker" / "node" / "Dockerfile").write_text(ROOT_IMAGE)
    (tmp_path / "docker-compose.yml").write_text(DEV_COMPOSE)
    paths = _container_paths(tmp_path)
    assert "Dockerfile" in paths  # the shipped image runs as root: still reported
    assert ".gitpod.Dockerfile" not in paths
    assert "docker/node/Dockerfile" not in paths


def test_compose_built_image_without_source_mount_is_judged(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text("require('http').createServer((q, s) => s.end('ok')).listen(3000)\n")
    (tmp_path / "Dockerfile").write_text(ROOT_IMAGE)
    (tmp_path / "docker" / "node").mkdir(parents=True)
    (tmp_path / "docker" / "node" / "Dockerfile").write_text(ROOT_IMAGE)
    (tmp_path / "docker-compose.yml").write_text(DEV_COMPOSE.replace("      - .:/app\n", ""))
    assert "docker/node/Dockerfile" in _container_paths(tmp_path)


def test_the_only_image_stays_judged_even_when_compose_mounts_the_source() -> None:
    services = [{"file": "docker-compose.yml", "build": ".", "dockerfile": "", "mounts_context": True}]
    assert development_dockerfiles(["Dockerfile"], services) == set()
    assert development_dockerfiles(["Dockerfile", "Dockerfile.prod"], services) == {"Dockerfile"}
    assert development_dockerfiles(["Dockerfile", "deploy/Dockerfile"], services) == set()
    nested = [{"file": "ops/compose.yaml", "build": "../api", "dockerfile": "Dockerfile.local", "mounts_context": True}]
    assert development_dockerfiles(["api/Dockerfile.local", "api/Dockerfile"], nested) == {"api/Dockerfile.local"}


def test_a_sibling_services_image_is_not_the_shipped_variant() -> None:
    services = [{"file": "docker-compose.yml", "build": "./frontend", "dockerfile": "", "mounts_context": True}]
    assert development_dockerfiles(["frontend/Dockerfile", "backend/Dockerfile"], services) == set()
    assert development_dockerfiles(["frontend/Dockerfile", "frontend/Dockerfile.prod"], services) == {"frontend/Dockerfile"}
