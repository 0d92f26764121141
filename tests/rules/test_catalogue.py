"""Lint the catalogue itself: ids, taxonomy, doc sections, references, fixtures, generated docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prodready.docs import render_rules_markdown
from prodready.model import Category, Language
from prodready.rules.base import DOC_SECTIONS, RuleMeta, parse_doc
from prodready.rules.registry import INDEX_PATH, PROJECT, handled, load_registry, render_index
from tests.rules.harness import FIXTURES, all_cases, markers

REGISTRY = load_registry()
RULES = REGISTRY.rules  # matchers: the per-language modules of one rule share its id
CATALOGUE = REGISTRY.catalogue  # one entry per id
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


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
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
    names = [r.name for r in CATALOGUE]
    assert len(names) == len(set(names))


def test_matchers_of_one_id_agree_and_aliases_are_unique() -> None:
    """Matchers sharing an id share its name and category; old ids and names name one matcher."""
    by_id: dict[str, list[RuleMeta]] = {}
    for rule in RULES:
        by_id.setdefault(rule.id, []).append(rule)
    for rule_id, members in by_id.items():
        assert len({(m.name, m.category) for m in members}) == 1, f"{rule_id}: matchers disagree on name/category"
        assert len([m for m in members if m.key == rule_id]) <= 1, f"{rule_id}: two matchers without an old id"
    taken = {r.id for r in RULES} | {r.name for r in RULES}
    aliases = [a for r in RULES for a in r.aliases]
    assert len(aliases) == len(set(aliases)), "an old id or name is claimed twice"
    assert not taken & set(aliases), "an old id or name is also a current id or name"
    for rule in RULES:
        if rule.key != rule.id:  # a matcher with an old id: of the same category, shown as an alias
            old = ID_RE.match(rule.key)
            assert old, f"{rule.key}: not a rule id"
            if CATEGORY_CODE[old.group(1)] != rule.category:
                # a matcher moved to the category reviewers file its problem under keeps its old id,
                # and the docs say it moved rather than that it was merged
                assert "moved to the category" in render_rules_markdown(CATALOGUE), f"{rule.key}: move not documented"


def test_catalogue_has_one_entry_per_problem() -> None:
    """No problem listed twice: one entry per id, and no `js-`/`go-` twin of another entry."""
    ids = [r.id for r in CATALOGUE]
    assert len(ids) == len(set(ids))
    names = {r.name for r in CATALOGUE}
    twins = sorted(n for n in names if n.split("-", 1)[0] in ("js", "go") and n.split("-", 1)[1] in names)
    assert not twins, f"per-language twins of one problem: {twins}"
    merged = [r for r in CATALOGUE if r.matchers]
    assert merged, "rules with several matchers are merged into one entry"
    for entry in merged:
        assert entry.languages == frozenset().union(*(m.languages for m in entry.matchers))
        assert set(entry.aliases) == {a for m in entry.matchers for a in m.aliases}


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
def test_rule_has_positive_and_near_miss_fixtures(rule: RuleMeta) -> None:
    if Language.RUNTIME in rule.languages:
        pytest.skip("runtime rule: tests/runtime runs it against real servers")
    cases = [c for c in all_cases() if c.key == rule.key]
    assert cases, f"no fixtures under {FIXTURES}/<category>/{rule.key}/"
    assert all(c.path.parent.parent.name == rule.category.value for c in cases)
    expects = oks = 0
    for case in cases:
        found = markers(case.path, rule.id)
        expects += len(found["expect"])
        oks += len(found["ok"])
    assert expects >= 1, f"{rule.id}: needs at least one `expect:` case"
    assert oks >= 1, f"{rule.id}: needs at least one `ok:` near-miss"


def test_fixture_dirs_name_real_rules() -> None:
    keys = {r.key for r in RULES}  # a rule id, or the old id of one of its matchers
    unknown = sorted({c.key for c in all_cases()} - keys)
    assert not unknown, f"fixtures for unknown rules: {unknown}"


def test_docs_rules_md_is_current() -> None:
    current = (ROOT / "docs" / "rules.md").read_text("utf-8")
    assert current == render_rules_markdown(CATALOGUE), "docs/rules.md is stale: run `make docs`"


def test_rule_index_is_current() -> None:
    """An audit imports only the rule modules the index names for its languages: a rule missing
    from the index (or listed with the wrong files) would silently not run."""
    current = INDEX_PATH.read_text("utf-8")
    assert current == render_index(REGISTRY), "src/prodready/rules/_index.py is stale: run `make docs`"


PARTIAL_PROBE = """
import json, sys
from prodready.model import Language
from prodready.rules.registry import handled, load_registry, registry_for
languages = frozenset(Language(v) for v in sys.argv[1:])
if languages:
    partial = registry_for(languages, project=False)
else:
    partial = registry_for(frozenset())  # the project pass
owners = [*partial.rules, *partial.collectors]
if not languages:
    owners = [r for r in partial.rules if r.handlers.project]
print(json.dumps([[getattr(o, "key", None) or o.name, sorted(handled(o)), len(o.handlers.python),
                   len(o.handlers.python_calls), len(o.handlers.tree), len(o.handlers.file),
                   len(o.handlers.project)] for o in owners]))
"""


@pytest.mark.parametrize("language", [lang for lang in Language if lang not in (Language.REPO, Language.RUNTIME)] + [None])
def test_partial_registry_has_every_handler(language: Language | None) -> None:
    """Loaded alone in a fresh process (as an audit loads them), the rule modules for one language
    register exactly the handlers the full registry has for it, in the same order."""
    import json
    import subprocess
    import sys

    args = [language.value] if language else []
    done = subprocess.run([sys.executable, "-c", PARTIAL_PROBE, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    wanted = {language.value} if language else {PROJECT}
    owners = [r for r in RULES if handled(r) & wanted] + [c for c in REGISTRY.collectors if handled(c) & wanted]
    if language is None:
        owners = [r for r in RULES if r.handlers.project]
    expected = [[getattr(o, "key", None) or o.name, sorted(handled(o)), len(o.handlers.python), len(o.handlers.python_calls),
                 len(o.handlers.tree), len(o.handlers.file), len(o.handlers.project)] for o in owners]
    assert got == expected
