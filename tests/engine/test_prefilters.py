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


def test_left_out_rule_modules_change_no_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Python files audited one by one leave out the rule modules whose call handlers name callees
    the file does not contain (dispatch_for): with every module in, the answers are the same."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "tests" / "fixtures" / "rules", corpus / "fixtures")
    shutil.copytree(ROOT / "examples" / "shop-api", corpus / "shop-api")
    shutil.copytree(ROOT / "tests" / "eval" / "trees", corpus / "trees")
    left_out: list[int] = []
    build = runner.build_dispatch

    def recording(*args: Any, **kwargs: Any) -> runner.Dispatch:
        left_out.append(len(args[0].rules))
        return build(*args, **kwargs)

    monkeypatch.setattr(runner, "build_dispatch", recording)
    runner._DISPATCH_CACHE.clear()
    pruned = _answers(corpus)
    assert len(set(left_out)) > 1  # the tables grew: some files ran without some modules
    monkeypatch.setattr(runner, "python_call_modules", dict)
    runner._DISPATCH_CACHE.clear()
    try:
        every = _answers(corpus)
    finally:
        runner._DISPATCH_CACHE.clear()
    assert len(pruned[0]) > 100
    assert every == pruned


def test_a_call_name_is_in_the_text() -> None:
    """What leaving modules out rests on: the last name of every call (as the engine resolves it,
    through the imports) is written in the file's ASCII text."""
    import ast

    from prodready.lang import python as pyast

    checked = 0
    for path in sorted((ROOT / "tests" / "fixtures" / "rules").rglob("*.py")) + sorted((ROOT / "src").rglob("*.py")):
        text = path.read_text("utf-8", "replace")
        if not text.isascii():
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        imports = pyast.build_import_map(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = pyast.call_name(node, imports)
                if name:
                    # `limiter.limit("5/minute")(bp)` is named `limiter.limit()`: the called call's name is in the text
                    assert name.rsplit(".", 1)[-1].removesuffix("()") in text, (path, name)
                    checked += 1
    assert checked > 10_000


def test_go_test_files_are_not_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Go handler skips test code, so a _test.go file is read as text only: no parse, no
    findings from its code, and it still counts as a test for the testing rules."""
    (tmp_path / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
    (tmp_path / "main.go").write_text(
        'package main\n\nimport "net/http"\n\nfunc main() {\n\thttp.ListenAndServe(":8080", nil)\n}\n'
    )
    (tmp_path / "main_test.go").write_text(
        'package main\n\nimport (\n\t"database/sql"\n\t"fmt"\n\t"testing"\n)\n\n'
        "func TestQuery(t *testing.T) {\n\tdb, err := sql.Open(\"postgres\", \"x\")\n\tif err != nil {\n\t}\n"
        '\tdb.Query(fmt.Sprintf("SELECT * FROM t WHERE id = %s", t.Name()))\n}\n'
    )
    parsed: list[str] = []
    make = runner._make_context

    def recording(source: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(source.path)
        return make(source, *args, **kwargs)

    monkeypatch.setattr(runner, "_make_context", recording)
    runner._DISPATCH_CACHE.clear()
    report = audit(tmp_path, AuditSettings(use_cache=False, jobs=1))
    assert "main.go" in parsed and "main_test.go" not in parsed
    assert not [f for f in report.findings if f.path == "main_test.go"]
    assert "PR-TS-301" not in {f.rule for f in report.findings}  # the test file still counts as tests
    assert "PR-TO-203" in {f.rule for f in report.findings}  # the service itself is audited
