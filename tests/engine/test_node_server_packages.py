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


ACCOUNT_API = """export async function changePassword(token, password) {
  console.log(`changing password with token ${token}`);
  const res = await fetch("/v1/account/password", { method: "POST", body: JSON.stringify({ password }) });
  return res.ok;
}
export const STRIPE_SECRET = "sk_live_51HqLyjWDarjtT1zdp7dcKMrd2PcSJM7u3EXAMPLEKEY00";
"""


def _rules_in(root: Path, path: str) -> set[str]:
    report = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    return {f.rule for f in report.findings if f.path == path}


def test_a_browser_app_is_judged_only_for_what_its_bundle_leaks(tmp_path: Path) -> None:
    """A React package (no server framework) runs in the user's browser: logging a token there is
    not a server log, but a live secret in it ships to every visitor."""
    web = tmp_path / "web"
    (web / "src").mkdir(parents=True)
    (web / "src" / "AccountApi.js").write_text(ACCOUNT_API)
    (web / "package.json").write_text(json.dumps({"name": "web", "dependencies": {"react": "^18.3.0", "vite": "^5.0.0"}}))
    rules = _rules_in(tmp_path, "web/src/AccountApi.js")
    assert rules and all(rule.startswith("PR-SE-") for rule in rules), rules


def test_a_full_stack_package_is_still_judged_whole(tmp_path: Path) -> None:
    """Next.js packages hold API routes: the browser-app carve-out does not apply to them."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "account.js").write_text(ACCOUNT_API)
    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "dependencies": {"next": "^14.2.0", "react": "^18.3.0"}}))
    assert "PR-LG-002" in _rules_in(tmp_path, "lib/account.js")


MAIL_TRANSPORT = """import { createTransport } from "nodemailer";

export function transport() {
  return createTransport({ host: process.env.SMTP_HOST, port: 587 });
}
"""


def _mail_package(root: Path, dependencies: dict[str, str]) -> list[str]:
    (root / "src").mkdir()
    (root / "src" / "transport.ts").write_text(MAIL_TRANSPORT)
    (root / "package.json").write_text(json.dumps({"name": "emails", "dependencies": dependencies}))
    report = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config()))
    return [f"{f.path}:{f.line}" for f in report.findings if f.rule == "PR-TO-103"]


def test_a_react_email_package_that_sends_mail_is_server_code(tmp_path: Path) -> None:
    # React renders the e-mail templates; nodemailer sends them: this package runs on the server
    assert _mail_package(tmp_path, {"react": "19.0.0", "@react-email/render": "^2.0.0", "nodemailer": "^6.9.9"}) == [
        "src/transport.ts:4"
    ]


def test_a_react_app_without_server_libraries_stays_a_browser_app(tmp_path: Path) -> None:
    assert _mail_package(tmp_path, {"react": "19.0.0", "react-dom": "19.0.0"}) == []
