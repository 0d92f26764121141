"""docs/rules.md and `prodready rules ID`, rendered from rule metadata and docstrings."""

from __future__ import annotations

from collections.abc import Iterable

from prodready.model import Category
from prodready.rules.base import DOC_SECTIONS, RuleMeta, parse_doc


def render_rule_markdown(rule: RuleMeta, heading: str = "###") -> str:
    doc = parse_doc(rule.doc)
    languages = ", ".join(sorted(lang.value for lang in rule.languages))
    severity = f"**{rule.severity.value}**"
    others = [m for m in rule.matchers if m.severity != rule.severity]
    if others:  # one problem, judged more or less severe in some languages
        severity += " (" + "; ".join(
            f"{', '.join(sorted(lang.value for lang in m.languages))}: {m.severity.value}" for m in others
        ) + ")"
    out = [
        f"{heading} {rule.id} — {doc['title'] or rule.name}",
        "",
        f"`{rule.name}` · category **{rule.category.value}** · severity {severity}"
        f" · confidence {rule.confidence.value} · languages: {languages}",
        "",
    ]
    if not rule.default:
        out += [
            f"**Opt-in:** not part of the default audit (reviewers of real services seldom write this up); "
            f"run it with `--select {rule.id}` or `select = [\"{rule.id}\"]` in the configuration.",
            "",
        ]
    old_ids = [alias for alias in rule.aliases if alias.startswith("PR-")]
    if rule.aliases:
        out += [
            f"Formerly {', '.join(f'`{a}`' for a in rule.aliases)}: "
            + (_why_renamed(rule.id, old_ids) if old_ids else "")
            + "the old ids and names still work in suppressions, selectors, per-file-ignores and baselines.",
            "",
        ]
    if doc.get("summary"):
        out += [doc["summary"], ""]
    for section in DOC_SECTIONS:
        body = doc.get(section)
        if body:
            out += [f"{heading}# {section}", "", body, ""]
    if rule.matchers:
        out += [f"**Fix ({', '.join(sorted(lang.value for lang in m.languages))}):** {m.fix}" for m in rule.matchers]
        out.append("")
    else:
        out += [f"**Fix:** {rule.fix}", ""]
    if rule.references and not doc.get("References"):
        out += ["References: " + ", ".join(rule.references), ""]
    return "\n".join(out)


def render_rules_markdown(rules: Iterable[RuleMeta]) -> str:
    rules = list(rules)
    out = [
        "# prodready rules",
        "",
        "Generated from the rule metadata by `prodready rules --format markdown`; do not edit.",
        "",
        f"{len(rules)} rules.",
        "",
        "| id | category | severity | languages | title |",
        "|---|---|---|---|---|",
    ]
    for rule in rules:
        languages = ", ".join(sorted(lang.value for lang in rule.languages))
        anchor = rule.id.lower()
        out.append(
            f"| [{rule.id}](#{anchor}) | {rule.category.value} | {rule.severity.value} | {languages} | {rule.title} |"
        )
    out.append("")
    for category in Category:
        members = [r for r in rules if r.category == category]
        if not members:
            continue
        out += [f"## {category.value}", ""]
        for rule in members:
            out += [f'<a id="{rule.id.lower()}"></a>', "", render_rule_markdown(rule), ""]
    return "\n".join(out).rstrip() + "\n"


def _why_renamed(rule_id: str, old_ids: list[str]) -> str:
    if all(old.split("-")[1] == rule_id.split("-")[1] for old in old_ids):
        return "one rule per language until their ids were merged; "
    return "moved to the category reviewers file this problem under; "
