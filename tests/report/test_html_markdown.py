"""Inline Markdown in the HTML report: rendered, and safe whatever the audited code contains."""

from __future__ import annotations

from prodready.report.html import md_inline


def test_backticks_become_code_and_raw_html_stays_text() -> None:
    html = str(md_inline("`SECRET_KEY` is <script>alert(1)</script> & <b>bold</b>"))
    assert "<code>SECRET_KEY</code>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html and "&amp;" in html


def test_no_images_no_script_links() -> None:
    assert "<img" not in str(md_inline("![x](http://evil.example/x.png)"))
    assert 'href="javascript:' not in str(md_inline("[click](javascript:alert(1))"))
    assert "<p>" not in str(md_inline("one paragraph, inline only"))
