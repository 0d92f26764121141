"""Discover rule modules under ``prodready.rules`` and fact collectors under ``prodready.facts``."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from prodready.model import Category, Language
from prodready.rules.base import FactCollector, RuleMeta


@dataclass(frozen=True)
class Registry:
    rules: tuple[RuleMeta, ...]
    collectors: tuple[FactCollector, ...]

    def by_id(self, rule_id: str) -> RuleMeta | None:
        wanted = rule_id.upper()
        for rule in self.rules:
            if rule.id == wanted or rule.name == rule_id.lower():
                return rule
        return None

    def by_category(self, category: Category) -> list[RuleMeta]:
        return [r for r in self.rules if r.category == category]

    def by_language(self, language: Language) -> list[RuleMeta]:
        return [r for r in self.rules if language in r.languages]


def _modules(package_name: str) -> list[ModuleType]:
    package = importlib.import_module(package_name)
    modules = []
    for info in pkgutil.walk_packages(package.__path__, package_name + "."):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        modules.append(importlib.import_module(info.name))
    return modules


@lru_cache(maxsize=1)
def load_registry() -> Registry:
    rules: dict[str, RuleMeta] = {}
    for module in _modules("prodready.rules"):
        found = [v for v in vars(module).values() if isinstance(v, RuleMeta)]
        for rule in found:
            if rule.id in rules and rules[rule.id] is not rule:
                raise RuntimeError(f"duplicate rule id {rule.id} in {module.__name__}")
            if not rule.doc:
                rule.doc = module.__doc__ or ""
            rules[rule.id] = rule
    collectors: list[FactCollector] = []
    for module in _modules("prodready.facts"):
        collectors.extend(v for v in vars(module).values() if isinstance(v, FactCollector))
    ordered = tuple(sorted(rules.values(), key=lambda r: r.id))
    return Registry(rules=ordered, collectors=tuple(collectors))
