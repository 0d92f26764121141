"""The HTML report in a real headless Chromium: renders without console errors, filters work,
and a <script> planted in the audited code is shown as text, never run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.helpers import run_cli, write_tree

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PLANTED = "<script>window.__pwned = 1; document.title = 'pwned'</script>"


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("svc")
    write_tree(root, {
        "app/main.py": (
            "from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get('/items')\ndef items():\n"
            f"    print(\"{PLANTED}\")\n    try:\n        return []\n    except:\n        pass\n"
        ),
        "Dockerfile": "FROM python:latest\nCMD [\"uvicorn\", \"app.main:app\", \"--reload\"]\n",
    })
    out = root / "report.html"
    result = run_cli("audit", str(root), "--no-cache", "--no-history", "--format", "html", "--output", str(out))
    assert result.returncode == 1, result.stderr
    return out


def test_html_is_self_contained_and_escapes_audited_code(report_html: Path) -> None:
    html = report_html.read_text()
    assert PLANTED not in html
    assert "&lt;script&gt;window.__pwned" in html
    for remote in ("http://", "https://"):
        assert f'src="{remote}' not in html and f'href="{remote}' not in html


def test_html_renders_filters_and_never_runs_planted_script(report_html: Path, tmp_path: Path) -> None:
    assert CHROMIUM, "Debian's chromium is required (`apt-get install chromium`; .ci/run installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(report_html.as_uri())
        total = page.locator(".finding").count()
        assert total >= 4
        assert page.locator("#severity-chart rect").count() == 5
        # The summary and the order come before the findings.
        order = page.evaluate("[...document.querySelectorAll('main > section')].map(s => s.id)")
        assert order[:3] == ["summary", "order", "findings"], order
        # Findings are collapsed cards: the body shows only once the summary is clicked.
        first = page.locator(".finding").first
        assert not first.evaluate("el => el.open")
        assert not first.locator(".body").is_visible()
        first.locator(":scope > summary").click()
        assert first.evaluate("el => el.open") and first.locator(".body").is_visible()
        page.click("#expand-all")
        assert page.locator(".finding[open]").count() == total
        page.click("#collapse-all")
        assert page.locator(".finding[open]").count() == 0
        # A link in the summary opens the card it names.
        page.locator("#summary .open-finding").first.click()
        assert page.locator(".finding[open]").count() == 1
        # Backticks are rendered as code, never shown literally.
        assert page.locator(".finding .title code, .finding .msg code").count() > 0
        assert "`" not in page.locator("#findings .finding summary").first.inner_text()
        page.select_option("#filter-severity", "high")
        visible_high = page.locator(".finding:not(.hidden)").count()
        assert 0 < visible_high < total
        assert page.locator(".finding:not(.hidden)[data-severity=high]").count() == visible_high
        assert page.locator("#visible-count").inner_text() == str(visible_high)
        page.select_option("#filter-severity", "")
        page.select_option("#filter-category", "container")
        assert page.locator(".finding:not(.hidden)").count() == page.locator(".finding[data-category=container]").count()
        page.select_option("#filter-category", "")
        page.select_option("#filter-file", "Dockerfile")
        in_file = page.locator(".finding:not(.hidden)").count()
        assert 0 < in_file < total
        for files in page.locator(".finding:not(.hidden)").evaluate_all("els => els.map(e => e.dataset.files)"):
            assert "Dockerfile" in files.split("\n")
        assert page.locator("#visible-count").inner_text() == str(in_file)
        page.select_option("#filter-file", "")
        assert page.locator(".finding:not(.hidden)").count() == total
        assert page.evaluate("window.__pwned") is None
        assert page.title() != "pwned"
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        page.screenshot(path="/tmp/prodready-report.png")
        browser.close()
    assert not errors, errors
    assert (tmp_path / "report.png").stat().st_size > 10_000
