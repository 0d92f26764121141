"""Speed work must not change answers: the same findings with one process or two, cold or warm."""

from __future__ import annotations

import shutil
from pathlib import Path

from prodready.api import AuditSettings, audit
from tests.helpers import ROOT


def _findings(root: Path, settings: AuditSettings) -> list[dict[str, object]]:
    report = audit(root, settings)
    return [f.to_json() for f in report.findings]


def test_findings_identical_across_jobs_and_cache(tmp_path: Path) -> None:
    # Every rule's fixtures (all languages) plus the examples: hundreds of files, so -j 2 really forks.
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "tests" / "fixtures" / "rules", corpus / "fixtures")
    for example in ("shop-api", "inventory-express"):
        shutil.copytree(ROOT / "examples" / example, corpus / example)
    shutil.copytree(ROOT / "tests" / "eval" / "trees", corpus / "trees")
    cache = tmp_path / "cache"
    serial = _findings(corpus, AuditSettings(use_cache=False, jobs=1))
    parallel = _findings(corpus, AuditSettings(use_cache=False, jobs=2))
    cold = _findings(corpus, AuditSettings(use_cache=True, cache_dir=cache, jobs=2))
    warm = _findings(corpus, AuditSettings(use_cache=True, cache_dir=cache, jobs=2))
    assert len(serial) > 100  # the corpus really exercises the rules
    assert parallel == serial
    assert cold == serial
    assert warm == serial
