"""One self-contained HTML file: same content as the Markdown report, a severity chart and
filters. Jinja2 autoescaping quotes everything from the audited code; a CSP with a per-report
nonce means only our own script can run even if something slipped through."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from jinja2 import Environment, PackageLoader, select_autoescape

from prodready.model import AuditReport, Severity
from prodready.report._common import (
    by_category,
    checklists,
    config_matrix,
    numbered,
    passed_checks,
    phases,
    risk_rows,
)

COLORS = {"critical": "#7b1fa2", "high": "#c62828", "medium": "#ef6c00", "low": "#1565c0", "info": "#607d8b"}


class HtmlReporter:
    name = "html"
    suffix = ".html"

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("prodready.report", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        )

    def render(self, report: AuditReport) -> str:
        items = numbered(report)
        counts = report.counts()
        pre, post = checklists(report, items)
        verdict_class = report.verdict.value.split()[0] if report.verdict.value != "READY WITH RECOMMENDATIONS" else "WITH"
        return self.env.get_template("report.html.j2").render(
            report=report,
            name=PurePath(report.target).name or report.target,
            verdict_class=verdict_class,
            severities=list(Severity),
            counts=counts,
            max_count=max(max(counts.values()), 1),
            colors=COLORS,
            categories=by_category(report),
            items=items,
            passed=passed_checks(report),
            matrix=config_matrix(report),
            pre=pre,
            post=post,
            risks=risk_rows(report),
            phases=phases(items),
            nonce=secrets.token_urlsafe(16),
        )
