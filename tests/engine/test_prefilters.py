"""Handler pre-filters (``skip_file=``, ``callee=``) are only shortcuts: with every one of them
switched off, the same files give the same findings, checks and facts."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from prodready.api import AuditSettings, audit
from prodready.engine import runner
from tests.helpers import ROOT


def _answers(root: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    report = audit(root, AuditSettings(use_cache=False, jobs=1))
    findings = [f.to_json() for f in report.findings]
    checks = sorted((c.to_json() for c in report.checks), key=lambda c: str(c["rule"]))
    return findings, checks


def test_prefilters_change_no_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "tests" / "fixtures" / "rules", corpus / "fixtures")
    for example in ("shop-api", "inventory-express"):
        shutil.copytree(ROOT / "examples" / example, corpus / example)
    shutil.copytree(ROOT / "tests" / "eval" / "trees", corpus / "trees")
    runner._DISPATCH_CACHE.clear()
    filtered = _answers(corpus)

    build = runner.build_dispatch

    def unfiltered(*args: Any, **kwargs: Any) -> runner.Dispatch:
        dispatch = build(*args, **kwargs)
        dispatch.python_skip_tests = []  # every Python handler in every file
        dispatch.skip_tests = {}  # every tree handler in every file
        dispatch.filtered = frozenset()  # every call reaches every call handler
        return dispatch

    monkeypatch.setattr(runner, "build_dispatch", unfiltered)
    runner._DISPATCH_CACHE.clear()
    try:
        plain = _answers(corpus)
    finally:
        runner._DISPATCH_CACHE.clear()
    assert len(filtered[0]) > 100  # the corpus really exercises the rules
    assert plain[0] == filtered[0]
    assert plain[1] == filtered[1]  # the same candidates examined by each rule
