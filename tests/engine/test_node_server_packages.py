"""A package.json that depends on a Node server framework (and no browser framework) makes every
JS/TS file of that package server code, wherever it sits; a browser app's files stay out."""

from __future__ import annotations

import json
from pathlib import Path

from prodready.api import AuditSettings, audit
from prodready.config import Config

LLM_CLIENT = """export async function complete(prompt: string): Promise<string> {
  const res = await fetch(`${process.env.LLM_URL}/v1/complete`, { method: "POST", body: JSON.stringify({ prompt }) });
  return res.text();
}
"""


def _timeouts(root: Path) -> list[str]:
    report = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    return [f"{f.path}:{f.line}" for f in report.findings if f.rule == "PR-TO-001"]


def _tree(root: Path, dependencies: dict[str, str]) -> None:
    (root / "src").mkdir()
    (root / "src" / "llm.ts").write_text(LLM_CLIENT)
    (root / "package.json").write_text(json.dumps({"name": "svc", "dependencies": dependencies}))


def test_files_of_a_node_server_package_are_server_code(tmp_path: Path) -> None:
    _tree(tmp_path, {"express": "^4.19.2", "ws": "^8.17.0"})
    assert _timeouts(tmp_path) == ["src/llm.ts:2"]


def test_files_of_a_browser_app_are_not(tmp_path: Path) -> None:
    _tree(tmp_path, {"express": "^4.19.2", "react": "^18.3.0"})
    assert _timeouts(tmp_path) == []


def test_nested_packages_are_judged_by_their_own_manifest(tmp_path: Path) -> None:
    (tmp_path / "frontend").mkdir()
    _tree(tmp_path / "frontend", {"vue": "^3.4.0"})
    (tmp_path / "backend").mkdir()
    _tree(tmp_path / "backend", {"fastify": "^4.27.0"})
    assert _timeouts(tmp_path) == ["backend/src/llm.ts:2"]
