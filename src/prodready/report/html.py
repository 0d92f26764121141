"""One self-contained HTML file: the review's summary and order on top, then one collapsible card
per defect with filters by severity, category and file.

Everything quoted from the audited code is escaped: Jinja2 autoescaping for plain text, and
markdown-it-py with raw HTML disabled (``html=False``) and images off for the inline Markdown in
messages, reasons and fixes. A CSP with a per-report nonce means only our own script can run even if
something slipped through, and nothing is ever fetched from the network."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from prodready.model import AuditReport, Severity
from prodready.report._common import by_category, config_matrix, passed_checks
from prodready.report.markdown import FOLD_AFTER
from prodready.report.review import BLAST_NAME, EFFORT_NAME, PHASE_NOTE, build_review

COLORS = {"critical": "#7b1fa2", "high": "#c62828", "medium": "#ef6c00", "low": "#1565c0", "info": "#607d8b"}


def inline_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable(["image", "html_inline", "html_block"])
    return md


_MD = inline_markdown()


def md_inline(text: object) -> Markup:
    """Inline Markdown (backticks, emphasis, links) as safe HTML; raw HTML is shown as text."""
    return Markup(_MD.renderInline(str(text or "")))  # noqa: S704 - markdown-it escapes with html=False


class HtmlReporter:
    name = "html"
    suffix = ".html"

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("prodready.report", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        )
        self.env.filters["md"] = md_inline

    def render(self, report: AuditReport) -> str:
        review = build_review(report)
        counts = report.counts()
        verdict_class = report.verdict.value.split()[0] if report.verdict.value != "READY WITH RECOMMENDATIONS" else "WITH"
        files = sorted({path for d in review.defects for path in d.files})
        return self.env.get_template("report.html.j2").render(
            report=report,
            review=review,
            name=PurePath(report.target).name or report.target,
            verdict_class=verdict_class,
            severities=list(Severity),
            counts=counts,
            max_count=max(max(counts.values()), 1),
            colors=COLORS,
            categories=by_category(report),
            files=files,
            passed=passed_checks(report),
            matrix=config_matrix(report),
            phase_note=PHASE_NOTE,
            effort_name=EFFORT_NAME,
            blast_name=BLAST_NAME,
            fold_after=FOLD_AFTER,
            nonce=secrets.token_urlsafe(16),
        )
