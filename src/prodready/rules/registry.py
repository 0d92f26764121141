"""Discover rule modules under ``prodready.rules`` and fact collectors under ``prodready.facts``.

Importing all ~220 rule modules costs more than a small audit itself, so an audit reads the
generated index (``_index.py``: rule id -> module, the files its handlers read) and imports only
the modules for the languages it meets, plus every module with a project-wide handler.
``load_registry()`` still imports everything, for whatever lists the catalogue.
Regenerate the index with ``make docs`` (``python -m prodready.rules.registry``).

One id per problem: the per-language modules of one problem (``timeouts/http_call_without_timeout``,
``timeouts/js_http_call_without_timeout``, ...) each declare the problem's id; each is a *matcher*,
named by its ``key`` (its old id, or the id). ``Registry.rules`` and the index list matchers (what
the engine dispatches); ``Registry.catalogue``, ``by_id`` and ``find_rule`` give one entry per id,
merged from its matchers (one doc, one SARIF rule), found by id, old id, name or old name.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from prodready.model import Category, Language, Severity
from prodready.rules.base import FactCollector, HandlerSet, RuleMeta, matcher_key, parse_doc

PROJECT = "project"  # in an index entry's `handles`: the rule has a project-wide handler
INDEX_PATH = Path(__file__).with_name("_index.py")


@dataclass(frozen=True)
class Registry:
    rules: tuple[RuleMeta, ...]  # every matcher, sorted by (id, key): what the engine dispatches
    collectors: tuple[FactCollector, ...]

    @cached_property
    def catalogue(self) -> tuple[RuleMeta, ...]:
        """One entry per rule id, merged from the matchers that share it, sorted by id."""
        groups: dict[str, list[RuleMeta]] = {}
        for rule in self.rules:
            groups.setdefault(rule.id, []).append(rule)
        return tuple(merge_matchers(members) for _, members in sorted(groups.items()))

    def by_id(self, rule_id: str) -> RuleMeta | None:
        """The catalogue entry named by an id, an old id, a name or an old name."""
        for rule in self.catalogue:
            if names_rule(rule.id, rule.name, rule.aliases, rule_id):
                return rule
        return None

    def by_category(self, category: Category) -> list[RuleMeta]:
        return [r for r in self.catalogue if r.category == category]

    def by_language(self, language: Language) -> list[RuleMeta]:
        return [r for r in self.catalogue if language in r.languages]


def names_rule(rule_id: str, name: str, aliases: Iterable[str], wanted: str) -> bool:
    """Whether ``wanted`` is this rule's id or name, or one of its old ids or names."""
    upper, lower = wanted.strip().upper(), wanted.strip().lower()
    return rule_id == upper or name == lower or any(alias in (upper, lower) for alias in aliases)


LANGUAGE_NAMES = {"python": "Python", "javascript": "JavaScript", "typescript": "TypeScript", "go": "Go"}
PER_MATCHER_SECTIONS = ("What it does", "Why it matters in production", "Example", "Use instead", "Known limitations")


def matcher_label(rule: RuleMeta) -> str:
    langs = ", ".join(LANGUAGE_NAMES.get(lang.value, lang.value) for lang in sorted(rule.languages))
    return f"**{langs}**" + (f" (formerly {rule.key})" if rule.key != rule.id else "")


def merge_matchers(matchers: list[RuleMeta]) -> RuleMeta:
    """The catalogue entry for one id: the matcher that always had the id (the first otherwise)
    gives title, summary, severity and fix; every matcher's own text is kept, labelled by its
    languages, in the sections that differ per language; references are merged."""
    if len(matchers) == 1:
        return matchers[0]
    primary = next((m for m in matchers if m.key == m.id), matchers[0])
    ordered = [primary, *(m for m in matchers if m is not primary)]
    docs = [parse_doc(m.doc) for m in ordered]
    head = docs[0]
    parts = [head["title"] + "." if head["title"] else "", ""]
    if head.get("summary"):
        parts += [head["summary"], ""]
    for section in (*PER_MATCHER_SECTIONS, "References"):
        if section == "References":
            lines = [line for doc in docs for line in doc.get(section, "").splitlines() if line.strip()]
            body = "\n".join(dict.fromkeys(lines))
        else:
            body = "\n\n".join(
                f"{matcher_label(m)}:\n{doc[section]}" for m, doc in zip(ordered, docs, strict=True) if doc.get(section)
            )
        if body:
            parts += [f"## {section}", body, ""]
    aliases = tuple(dict.fromkeys(a for m in ordered for a in m.aliases))
    return RuleMeta(
        id=primary.id,
        name=primary.name,
        category=primary.category,
        severity=primary.severity,
        confidence=primary.confidence,
        languages=frozenset().union(*(m.languages for m in ordered)),
        fix=primary.fix,
        references=tuple(dict.fromkeys(r for m in ordered for r in m.references)),
        status=primary.status,
        default=any(m.default for m in ordered),
        doc="\n".join(parts).strip() + "\n",
        aliases=aliases,
        matchers=tuple(ordered),
    )


class RuleInfo(NamedTuple):
    """What the index knows of a rule without importing it (enough for selectors and lookups).
    A NamedTuple: it is built at every start, where a dataclass costs several times more."""

    id: str
    name: str
    category: Category
    severity: Severity
    module: str  # full module name
    handles: frozenset[str]  # Language values of the files its handlers read, and/or PROJECT
    aliases: tuple[str, ...] = ()  # the matcher's old id and name (see RuleMeta.aliases)
    grouped: bool = True  # RuleMeta.grouped
    default: bool = True  # RuleMeta.default: False = opt-in

    @property
    def key(self) -> str:
        return matcher_key(self.id, self.aliases)


def _modules(package_name: str) -> list[ModuleType]:
    import pkgutil  # only the full catalogue walks the packages

    package = importlib.import_module(package_name)
    modules = []
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


def _rules_in(module: ModuleType) -> list[RuleMeta]:
    found = [v for v in vars(module).values() if isinstance(v, RuleMeta)]
    for rule in found:
        if not rule.doc:
            rule.doc = module.__doc__ or ""
    return found


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    """Every rule and collector (imports every module: for listings, docs and the index)."""
    rules: dict[str, RuleMeta] = {}
    for module in _modules("prodready.rules"):
        for rule in _rules_in(module):
            if rule.key in rules and rules[rule.key] is not rule:
                raise RuntimeError(f"duplicate rule id {rule.key} in {module.__name__}")
            rules[rule.key] = rule
    collectors: list[FactCollector] = []
    for module in _modules("prodready.facts"):
        collectors.extend(v for v in vars(module).values() if isinstance(v, FactCollector))
    ordered = tuple(sorted(rules.values(), key=lambda r: (r.id, r.key)))
    return Registry(rules=ordered, collectors=tuple(collectors))


# --- the index ---------------------------------------------------------------------------------


def handled(owner: HandlerSet) -> frozenset[str]:
    """The files a rule or collector reads (Language values), and PROJECT for a project handler."""
    handlers = owner.handlers
    out = {lang.value for lang, _, _ in handlers.tree} | {lang.value for lang, _ in handlers.file}
    if handlers.python or handlers.python_calls:
        out.add(Language.PYTHON.value)
    if handlers.project:
        out.add(PROJECT)
    return frozenset(out)


def python_call_names(rule: RuleMeta) -> frozenset[str] | None:
    """The callee last names a rule's Python handlers are all filtered on (``calls=``), when every
    handler it has for Python files is such a call handler and it has no project-wide one: the
    rule does nothing at all in a Python file whose text names none of them (see
    ``registry_for``). None when the rule has any other way to run on a Python file."""
    handlers = rule.handlers
    if handlers.project or handlers.python or not handlers.python_calls:
        return None
    if any(lang == Language.PYTHON for lang, _ in handlers.file):
        return None
    return frozenset().union(*(names for names, _ in handlers.python_calls))


def render_index(registry: Registry) -> str:
    """The text of ``_index.py`` for this registry."""
    module_of: dict[str, str] = {}
    for module in _modules("prodready.rules"):
        for rule in _rules_in(module):
            module_of[rule.key] = module.__name__.removeprefix("prodready.rules.")
    lines = [
        '"""Generated by `make docs` (python -m prodready.rules.registry) from the rule modules; do not',
        "edit. Which module holds each rule and which files its handlers read, so an audit imports only",
        'the rule modules it needs. tests/rules/test_catalogue.py fails when this file is stale."""',
        "",
        "# One row per matcher: the per-language modules of one rule share its id (and name).",
        "# (id, name, category, severity, module under prodready.rules, files read + 'project')",
        "RULES: tuple[tuple[str, str, str, str, str, tuple[str, ...]], ...] = (",
    ]
    for rule in registry.rules:
        fields = (rule.id, rule.name, rule.category.value, rule.severity.value, module_of[rule.key])
        lines.append(f"    ({', '.join(repr(f) for f in fields)}, {_tuple(handled(rule))}),")
    lines += [")", "", "# (module under prodready.facts, files read), in discovery order", "COLLECTORS: tuple[tuple[str, tuple[str, ...]], ...] = ("]
    for module in _modules("prodready.facts"):
        owners = [v for v in vars(module).values() if isinstance(v, FactCollector)]
        if owners:
            reads = frozenset().union(*(handled(c) for c in owners))
            lines.append(f"    ({module.__name__.removeprefix('prodready.facts.')!r}, {_tuple(reads)}),")
    lines += [")", "", "# module -> the old id and name of its matcher, when it had others (RuleMeta.aliases)",
              "ALIASES: dict[str, tuple[str, ...]] = {"]
    for rule in registry.rules:
        if rule.aliases:
            items = ", ".join(repr(a) for a in rule.aliases) + ("," if len(rule.aliases) == 1 else "")
            lines.append(f"    {module_of[rule.key]!r}: ({items}),")
    lines += ["}", "", "# modules whose matcher is not grouped (RuleMeta.grouped=False)", "UNGROUPED: frozenset[str] = frozenset({"]
    lines.extend(f"    {module_of[rule.key]!r}," for rule in registry.rules if not rule.grouped)
    lines += ["})", "", "# modules whose matcher is opt-in (RuleMeta.default=False)", "OPT_IN: frozenset[str] = frozenset({"]
    lines.extend(f"    {module_of[rule.key]!r}," for rule in registry.rules if not rule.default)
    lines += [
        "})",
        "",
        "# module -> the callee last names its Python handlers are all filtered on (calls=): in a Python",
        "# file whose text names none of them the module does nothing (registry.python_call_names)",
        "PYTHON_CALLS: dict[str, tuple[str, ...]] = {",
    ]
    for rule in registry.rules:
        names = python_call_names(rule)
        if names is not None:
            lines.append(f"    {module_of[rule.key]!r}: {_tuple(names)},")
    lines += ["}", ""]
    return "\n".join(lines)


def _tuple(values: Iterable[str]) -> str:
    items = sorted(values)
    return "(" + ", ".join(repr(v) for v in items) + ("," if len(items) == 1 else "") + ")"


def write_index() -> None:
    INDEX_PATH.write_text(render_index(load_registry()), "utf-8")


@lru_cache(maxsize=1)
def rule_index() -> tuple[RuleInfo, ...]:
    """Every rule as the index describes it, sorted by id (no rule module imported)."""
    from prodready.rules import _index

    return tuple(
        RuleInfo(rule_id, name, Category(category), Severity(severity), "prodready.rules." + module, frozenset(handles),
                 _index.ALIASES.get(module, ()), module not in _index.UNGROUPED, module not in _index.OPT_IN)
        for rule_id, name, category, severity, module, handles in _index.RULES
    )


def matcher_for(entry: RuleMeta, key: str = "", path: str | None = None) -> RuleMeta:
    """The matcher of a catalogue entry that found a finding (its ``matcher`` key, else the one for
    its file's language), for the texts that are worded per language: why, example, fix."""
    if not entry.matchers:
        return entry
    if key:
        for matcher in entry.matchers:
            if matcher.key == key:
                return matcher
    if path:
        from prodready.engine.discover import classify

        found = classify(path)
        if found is not None:
            for matcher in entry.matchers:
                if found[0] in matcher.languages:
                    return matcher
    return entry.matchers[0]


def canonical_id(rule_id: str) -> str | None:
    """The rule id that an id, old id, name or old name stands for (no rule module imported)."""
    for info in rule_index():
        if names_rule(info.id, info.name, info.aliases, rule_id):
            return info.id
    return None


@lru_cache(maxsize=256)
def find_rule(rule_id: str) -> RuleMeta | None:
    """The catalogue entry for an id, old id, name or old name (like ``Registry.by_id``),
    importing only the modules of its matchers."""
    wanted = canonical_id(rule_id)
    if wanted is None:
        return None
    matchers: list[RuleMeta] = []
    for info in rule_index():
        if info.id == wanted:
            matchers.extend(r for r in _rules_in(importlib.import_module(info.module)) if r.key == info.key)
    return merge_matchers(matchers) if matchers else None


@lru_cache(maxsize=64)
def registry_for(languages: frozenset[Language], project: bool = True, without: frozenset[str] = frozenset()) -> Registry:
    """The rules and collectors that read files of these languages (and, with ``project``, every
    rule with a project-wide handler): all an audit of such files can run. Rules keep the full
    registry's order, so dispatch order and findings are the same as with every rule loaded.
    ``without``: rule modules (full names) left out, not imported: those that can do nothing in
    the files at hand (see ``python_call_names``)."""
    from prodready.rules import _index

    wanted = {lang.value for lang in languages} | ({PROJECT} if project else set())
    infos = [info for info in rule_index() if info.handles & wanted and info.module not in without]
    rules: list[RuleMeta] = []
    for info in infos:
        module = importlib.import_module(info.module)
        rules.extend(rule for rule in _rules_in(module) if rule.key == info.key)
    collectors: list[FactCollector] = []
    for name, reads in _index.COLLECTORS:
        if wanted.intersection(reads):
            module = importlib.import_module("prodready.facts." + name)
            collectors.extend(v for v in vars(module).values() if isinstance(v, FactCollector))
    return Registry(rules=tuple(rules), collectors=tuple(collectors))


def python_call_modules() -> dict[str, tuple[str, ...]]:
    """Full module name -> the callee last names all its Python handlers are filtered on, for the
    modules that do nothing in a Python file whose text names none of them (from the index)."""
    from prodready.rules import _index

    return {"prodready.rules." + module: names for module, names in _index.PYTHON_CALLS.items()}


if __name__ == "__main__":
    write_index()
