"""Rule texts speak to users: they say what the rule looks for, why it matters and the fix, and
never refer to the internal review documents the rules were modelled on ("seed 004 found this")."""

from __future__ import annotations

import re

import pytest

from prodready.rules.registry import load_registry

RULES = load_registry().rules
SEED = re.compile(r"(?i)\bseeds?\b(?!ed)|\bseed (review|report)s?\b")


@pytest.mark.parametrize("rule", RULES, ids=[r.key for r in RULES])
def test_rule_text_never_mentions_seeds(rule) -> None:  # type: ignore[no-untyped-def]
    texts = {"doc": rule.doc, "title": rule.title, "fix": rule.fix, "references": " ".join(rule.references)}
    for name, text in texts.items():
        assert not SEED.search(text or ""), f"{rule.id} {name} mentions seeds: {SEED.search(text).group(0)!r}"


def test_pattern_catches_the_old_wording_but_not_seeded() -> None:
    assert SEED.search("Seed 001 fixed exactly this")
    assert SEED.search("the seed reviews found")
    assert not SEED.search("before Go 1.20 seeded with 1 by default")
