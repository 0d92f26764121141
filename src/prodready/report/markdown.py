"""Markdown review: a one-minute executive summary, the order of work, one section per defect
that blocks a launch, a table for the rest, and details in an appendix."""

from __future__ import annotations

from collections import defaultdict
from pathlib import PurePath

from prodready.model import AuditReport, Severity
from prodready.report._common import config_matrix, passed_checks
from prodready.report._safe import md_cell, md_code, md_text, strip_controls
from prodready.report.review import (
    BEFORE_LAUNCH,
    BLAST_NAME,
    EFFORT_NAME,
    PHASE_NOTE,
    Defect,
    Review,
    build_review,
)

FENCE_LANG = {".py": "python", ".go": "go", ".ts": "typescript", ".tsx": "tsx", ".js": "javascript", ".yml": "yaml", ".yaml": "yaml"}
FOLD_AFTER = 4  # longer location lists are folded


def _fence(text: str, language: str) -> str:
    text = strip_controls(text, keep_newlines=True)  # `cat review.md` must not run escape sequences
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}{language}\n{text}\n{fence}"


def _lang_of(path: str | None) -> str:
    if path and "dockerfile" in path.lower():
        return "dockerfile"
    return FENCE_LANG.get(PurePath(path or "").suffix, "text")


def _cell(value: object) -> str:
    return md_cell(value)


def _code(text: str) -> str:
    """Inline code that survives backticks inside the text."""
    return md_code(" ".join(str(text).split()))


def anchor(rule: str) -> str:
    return "example-" + rule.lower()


def _example_anchors(review: Review) -> dict[tuple[str, str], tuple[str, Defect]]:
    """(rule, example language) -> the anchor of its example in the appendix, in report order. One
    rule id covers several languages: the first example keeps the rule's anchor, another language
    gets its own (a Go finding links to the Go example)."""
    anchors: dict[tuple[str, str], tuple[str, Defect]] = {}
    for defect in review.defects:
        key = (defect.rule, defect.example_lang)
        if not defect.example or key in anchors or defect.phase != BEFORE_LAUNCH:
            continue
        first = all(rule != defect.rule for rule, _ in anchors)
        anchors[key] = (anchor(defect.rule) if first else anchor(f"{defect.rule}-{defect.example_lang}"), defect)
    return anchors


def _where(defect: Defect) -> str:
    places = defect.places
    if len(places) == 1:
        return _code(places[0])
    if len(places) <= FOLD_AFTER:
        return ", ".join(_code(p) for p in places)
    return f"{_code(places[0])} and {len(places) - 1} more"


class MarkdownReporter:
    name = "markdown"
    suffix = ".md"

    def render(self, report: AuditReport) -> str:
        review = build_review(report)
        self._anchors = _example_anchors(review)
        out: list[str] = []
        out += self._header(review)
        out += self._summary(review)
        out += self._order(review)
        out += self._findings(review)
        out += self._operations(review)
        out += self._appendix(review)
        return "\n".join(out).rstrip() + "\n"

    # -- one minute ---------------------------------------------------------------------
    def _header(self, review: Review) -> list[str]:
        report = review.report
        counts = report.counts()
        name = PurePath(report.target).name or report.target
        tally = " · ".join(f"{counts[s.value]} {s.value}" for s in Severity if counts[s.value]) or "no findings"
        return [
            f"# Production readiness review — {md_text(name)}",
            "",
            f"**Verdict: {review.verdict.value}** — {md_text(review.verdict_reason())}",
            "",
            f"{tally} · {report.files_scanned} files · {report.started_at} · prodready {report.tool_version}",
            "",
            *[f"> **Warning:** {md_text(w)}  " for w in report.warnings],
            *([""] if report.warnings else []),
        ]

    def _summary(self, review: Review) -> list[str]:
        out = ["## Executive summary", ""]
        if review.deciding:
            out += ["**What decides it:**", ""]
            for n, defect in enumerate(review.deciding, 1):
                out.append(f"{n}. **{defect.label} {md_text(defect.title)}** ({_where(defect)}): {md_text(defect.finding.message)}")
            out.append("")
        out += ["**The service as prodready understood it:**", ""] + [f"- {md_text(line)}" for line in review.service] + [""]
        if review.strengths:
            out += ["**Strengths** (checks that examined code and passed):", ""] + [f"- {line}" for line in review.strengths] + [""]
        out += ["**What this review did not examine:**", ""] + [f"- {line}" for line in review.blind_spots] + [""]
        return out

    def _order(self, review: Review) -> list[str]:
        out = ["## Implementation order", "",
               "By severity, then blast radius, then effort (small first). Each line is one piece of work.", ""]
        for phase, members in review.phases:
            out += [f"### {phase} ({len(members)}) — {PHASE_NOTE[phase]}", ""]
            groups: dict[str, list[Defect]] = defaultdict(list)
            for defect in members:
                groups[defect.finding.category.value].append(defect)
            for n, (category, defects) in enumerate(groups.items(), 1):
                efforts = max(d.effort for d in defects)
                blast = max(d.blast for d in defects)
                items = "; ".join(f"{d.label} {d.title}" for d in defects)
                out.append(f"{n}. **{category}** (effort {EFFORT_NAME[efforts]}, {BLAST_NAME[blast]}): {items}")
            out.append("")
        if review.risks:
            out += ["### Risk assessment", "",
                    "| Risk | Findings | Worst | Impact | Likelihood | Priority | Fix in |", "|---|---|---|---|---|---|---|"]
            for row in review.risks:
                out.append(f"| {row['area']} | {row['findings']} | {row['worst']} | {row['impact']} | {row['likelihood']} | "
                           f"{row['priority']} | {row['phase']}: {', '.join(row['labels'])} |")
            out.append("")
        return out

    # -- the defects ----------------------------------------------------------------------
    def _findings(self, review: Review) -> list[str]:
        if not review.defects:
            return ["## Findings", "", "No findings.", ""]
        out: list[str] = []
        blocking = [d for d in review.defects if d.phase == BEFORE_LAUNCH]
        rest = [d for d in review.defects if d.phase != BEFORE_LAUNCH]
        if blocking:
            out += ["## Findings to fix before launch", ""]
            for defect in blocking:
                out += self._section(defect)
        if rest:
            out += ["## Other findings", "", "| ID | Finding | Where | Fix |", "|---|---|---|---|"]
            for defect in rest:
                out.append(f"| {defect.label} | **{_cell(defect.title)}**: {_cell(defect.finding.message)} | "
                           f"{_cell(_where(defect))} | {_cell(defect.fix)} |")
            out.append("")
        return out

    def _section(self, defect: Defect) -> list[str]:
        finding = defect.finding
        meta = (f"{_where(defect)} · {finding.rule} · {finding.category.value} · effort {defect.effort_name} · "
                f"blast radius: {defect.blast_name}")
        out = [f"### {defect.label}: {defect.title}", meta + "  "]
        evidence = [line for line in finding.evidence.splitlines() if line.strip()]
        if len(evidence) == 1 and len(evidence[0]) <= 90:
            out += [f"{md_text(finding.message)} — {_code(evidence[0])}", ""]
        else:
            out += [md_text(finding.message), ""]
            if evidence:
                out += [_fence("\n".join(evidence[:4]), _lang_of(finding.path)), ""]
        if len(defect.places) > FOLD_AFTER:
            out += [f"<details><summary>All {len(defect.places)} locations</summary>", ""]
            out += [f"- {_code(place)}: {md_text(loc.message)}" for place, loc in zip(defect.places, finding.all_locations, strict=True)]
            out += ["", "</details>", ""]
        link = self._anchors.get((finding.rule, defect.example_lang), (anchor(finding.rule), defect))[0]
        example = f" ([example](#{link}))" if defect.example else ""
        out += [f"**Why:** {defect.why}  ", f"**Fix:** {defect.fix}{example}", ""]
        return out

    # -- running it --------------------------------------------------------------------------
    def _operations(self, review: Review) -> list[str]:
        out = ["## Configuration matrix", ""]
        matrix = config_matrix(review.report)
        if matrix:
            out += ["| Variable | Read at | Default | Documented | Production note |", "|---|---|---|---|---|"]
            for row in matrix:
                default = row["default"] if row["default"] is not None else "— (required)"
                default = default if default != "" else "\"\" (empty)"
                out.append(f"| {md_code(row['name']).replace('|', chr(92) + '|')} | {_cell(', '.join(row['read_at'][:2]))} | {_cell(default)} | "
                           f"{'yes' if row['documented'] else 'no'} | {_cell(row['note'])} |")
        else:
            out.append("No environment variables read by the code were found.")
        out += ["", "## Smoke tests after deploy", "", "```bash"]
        for command, expect in review.smoke:
            out.append(f"{command}   # expect: {expect}")
        out += ["```", ""] + [f"- [ ] {line}" for line in review.post_checks] + [""]
        return out

    # -- details ------------------------------------------------------------------------------
    def _appendix(self, review: Review) -> list[str]:
        report = review.report
        out = ["---", "", "## Appendix", "", "### A. Fix examples for this project", ""]
        shown: set[str] = set()
        for (rule, _), (link, defect) in self._anchors.items():
            shown.add(rule)
            out += [f'<a id="{link}"></a>**{defect.rule} {defect.title}**', "",
                    _fence(defect.example, defect.example_lang), ""]
        others = sorted({d.rule for d in review.defects} - shown)
        if others:
            out += ["Examples for the other rules: " + ", ".join(f"`prodready rules {r}`" for r in others[:12])
                    + (" …" if len(others) > 12 else ""), ""]
        folded = [d for d in review.defects if d.phase != BEFORE_LAUNCH and len(d.places) > FOLD_AFTER]
        if folded:
            out += ["### B. All locations", ""]
            for defect in folded:
                out += [f"<details><summary>{defect.label}: {len(defect.places)} locations</summary>", ""]
                out += [f"- {_code(p)}" for p in defect.places] + ["", "</details>", ""]
        out += ["### C. Checks run", "", "| Category | Rules | Examined | Passed |", "|---|---|---|---|"]
        for check in passed_checks(report):
            out.append(f"| {check['category']} | {check['rules']} | {check['examined']} | {check['passed']} |")
        out += ["", "### D. Files examined", "",
                ", ".join(f"{lang}: {count}" for lang, count in report.files_by_language.items()) or "none", ""]
        if report.skipped:
            out += [f"Skipped {len(report.skipped)} file(s):", ""] + [f"- {md_code(s.path)}: {md_text(s.reason)}" for s in report.skipped[:30]]
            if len(report.skipped) > 30:
                out.append(f"- … and {len(report.skipped) - 30} more")
            out.append("")
        return out
