"""Opt-in rules (RuleMeta.default=False) stay out of an audit that selects nothing and run when a
selector names them, like the rules outside Ruff's default set."""

from __future__ import annotations

from pathlib import Path

from prodready.api import AuditSettings, audit, opt_in_rules
from prodready.config import Config
from prodready.rules.registry import load_registry

WORKER = """import logging

logger = logging.getLogger(__name__)


def refresh(client):
    try:
        client.refresh()
    except Exception as exc:
        logger.error("refresh failed: %s", exc)
"""


def _rules(root: Path, select: frozenset[str] | None = None) -> set[str]:
    report = audit(root, AuditSettings(use_cache=False, jobs=1, config=Config(), select=select))
    return {f.rule for f in report.findings}


def test_an_opt_in_rule_runs_only_when_selected(tmp_path: Path) -> None:
    (tmp_path / "worker.py").write_text(WORKER)
    assert "PR-EH-002" in opt_in_rules()
    assert "PR-EH-002" not in _rules(tmp_path)
    assert "PR-EH-002" in _rules(tmp_path, frozenset({"PR-EH-002"}))
    assert "PR-EH-002" in _rules(tmp_path, frozenset({"error-handling"}))


def test_opt_in_rules_are_marked_in_the_catalogue_docs() -> None:
    rules = {rule.id: rule for rule in load_registry().rules}
    assert not rules["PR-EH-002"].default and rules["PR-EH-001"].default
    docs = (Path(__file__).parents[2] / "docs" / "rules.md").read_text()
    section = docs.split("### PR-EH-002", 1)[1].split("\n### ", 1)[0]
    assert "**Opt-in:**" in section


def test_a_suppression_for_a_rule_that_did_not_run_is_not_unused(tmp_path: Path) -> None:
    """`# prodready: ignore[PR-EH-002]` written when the rule ran by default stays quiet once the
    rule is opt-in; with the rule selected it suppresses its finding, and a suppression for a rule
    that ran and found nothing is still reported."""
    (tmp_path / "worker.py").write_text(WORKER.replace(
        'logger.error("refresh failed: %s", exc)',
        'logger.error("refresh failed: %s", exc)  # prodready: ignore[PR-EH-002] retried next tick',
    ) + "\n\nTIMEOUT = 5  # prodready: ignore[PR-TO-001] nothing here to suppress\n")
    default = audit(tmp_path, AuditSettings(use_cache=False, jobs=1, config=Config()))
    assert [u["rules"] for u in default.unused_suppressions] == [["PR-TO-001"]]
    selected = audit(tmp_path, AuditSettings(use_cache=False, jobs=1, config=Config(), select=frozenset({"PR-EH-002"})))
    assert "PR-EH-002" not in {f.rule for f in selected.findings}
    assert selected.unused_suppressions == []
