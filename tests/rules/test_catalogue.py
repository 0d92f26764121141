"""Lint the catalogue itself: ids, taxonomy, doc sections, references, fixtures, generated docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prodready.docs import render_rules_markdown
from prodready.model import Category, Language
from prodready.rules.base import DOC_SECTIONS, RuleMeta, parse_doc
from prodready.rules.registry import load_registry
from tests.rules.harness import FIXTURES, all_cases, markers

REGISTRY = load_registry()
RULES = REGISTRY.rules
ROOT = Path(__file__).resolve().parents[2]
ID_RE = re.compile(r"^PR-(EH|TO|RT|RL|UG|CC|RA|AU|IV|CO|SE|CF|CT|HC|LG|OB|PM|TS|DB)-\d{3}$")
CATEGORY_CODE = {
    "EH": Category.ERROR_HANDLING, "TO": Category.TIMEOUTS, "RT": Category.RETRIES,
    "RL": Category.RESOURCE_LEAKS, "UG": Category.UNBOUNDED_GROWTH, "CC": Category.CONCURRENCY,
    "RA": Category.RATE_LIMITING, "AU": Category.AUTHENTICATION, "IV": Category.INPUT_VALIDATION,
    "CO": Category.CORS, "SE": Category.SECRETS, "CF": Category.CONFIGURATION,
    "CT": Category.CONTAINER, "HC": Category.HEALTH_CHECKS, "LG": Category.LOGGING,
    "OB": Category.OBSERVABILITY, "PM": Category.PROCESS_MANAGEMENT, "TS": Category.TESTING,
    "DB": Category.DATABASE,
}


def test_catalogue_is_not_empty() -> None:
    assert len(RULES) >= 2


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_metadata(rule: RuleMeta) -> None:
    match = ID_RE.match(rule.id)
    assert match, f"{rule.id}: ids look like PR-TO-001"
    assert CATEGORY_CODE[match.group(1)] == rule.category, f"{rule.id}: id prefix disagrees with category"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
    assert rule.languages, "a rule declares its languages"
    assert rule.fix and len(rule.fix) < 300, "fix is one or two sentences"
    assert all(ref.startswith("https://") for ref in rule.references)
    handlers = rule.handlers
    registered = handlers.python or handlers.python_calls or handlers.tree or handlers.file or handlers.project
    if Language.RUNTIME in rule.languages:  # judged by `prodready verify`, never dispatched on files
        assert rule.languages == {Language.RUNTIME} and not registered, f"{rule.id}: runtime rules have no handlers"
    else:
        assert registered
    doc = parse_doc(rule.doc)
    assert doc["title"] and not doc["title"].endswith(":"), f"{rule.id}: docstring needs a title line"
    for section in DOC_SECTIONS:
        assert doc.get(section), f"{rule.id}: docstring lacks '## {section}'"


def test_names_are_unique() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_positive_and_near_miss_fixtures(rule: RuleMeta) -> None:
    if Language.RUNTIME in rule.languages:
        pytest.skip("runtime rule: tests/runtime runs it against real servers")
    cases = [c for c in all_cases() if c.rule_id == rule.id]
    assert cases, f"no fixtures under {FIXTURES}/<category>/{rule.id}/"
    assert all(c.path.parent.parent.name == rule.category.value for c in cases)
    expects = oks = 0
    for case in cases:
        found = markers(case.path, rule.id)
        expects += len(found["expect"])
        oks += len(found["ok"])
    assert expects >= 1, f"{rule.id}: needs at least one `expect:` case"
    assert oks >= 1, f"{rule.id}: needs at least one `ok:` near-miss"


def test_fixture_dirs_name_real_rules() -> None:
    ids = {r.id for r in RULES}
    unknown = sorted({c.rule_id for c in all_cases()} - ids)
    assert not unknown, f"fixtures for unknown rules: {unknown}"


def test_docs_rules_md_is_current() -> None:
    current = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert current == render_rules_markdown(RULES), "docs/rules.md is stale: run `make docs`"
