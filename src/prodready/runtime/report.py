"""A verify report is an AuditReport plus the ``runtime`` object; every reporter renders it
(the runtime section is added to the audit's Markdown, HTML and text output)."""

from __future__ import annotations

import dataclasses
import html
import json
import math
from dataclasses import dataclass, field
from typing import Any

from prodready.model import AuditReport


@dataclass(slots=True)
class VerifyReport(AuditReport):
    runtime: dict[str, Any] = field(default_factory=dict)


def to_dict(report: AuditReport) -> dict[str, Any]:
    from prodready.report.json_report import report_to_dict

    data = report_to_dict(report)
    if isinstance(report, VerifyReport):
        data["runtime"] = report.runtime
    return data


def from_dict(data: dict[str, Any]) -> AuditReport:
    from prodready.report.json_report import report_from_dict

    base = report_from_dict(data)
    if not isinstance(data.get("runtime"), dict):
        return base
    values = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return VerifyReport(**values, runtime=dict(data["runtime"]))


def render(report: AuditReport, fmt: str) -> str:
    """Any of the audit's formats; the runtime section is appended where the format has room."""
    if fmt == "json":
        return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "text" and isinstance(report, VerifyReport):
        import io

        from rich.console import Console

        buffer = io.StringIO()
        print_text(report, Console(file=buffer, width=110, no_color=True, highlight=False))
        return buffer.getvalue()
    from prodready.report.base import reporters

    text = reporters()[fmt]().render(report)
    runtime = report.runtime if isinstance(report, VerifyReport) else None
    if not runtime:
        return text
    if fmt == "markdown":
        return text.rstrip("\n") + "\n\n" + runtime_markdown(runtime)
    if fmt == "html":
        section = runtime_html(runtime)
        marker = "</main>" if "</main>" in text else "</body>"
        head, sep, tail = text.rpartition(marker)
        return head + section + sep + tail if sep else text + section
    if fmt == "text":
        return text.rstrip("\n") + "\n\n" + runtime_text(runtime)
    return text


# -- text -------------------------------------------------------------------------------------------------
def print_text(report: VerifyReport, console: Any) -> None:
    """The terminal view: verdict, findings with their request/response evidence, then the runtime summary."""
    from rich.markup import escape

    from prodready.report.terminal import SEVERITY_STYLE, VERDICT_STYLE

    counts = report.counts()
    console.print(f"[{VERDICT_STYLE[report.verdict]}] {report.verdict.value} [/]  {escape(report.target)}  "
                  f"(verify, {report.duration_s:.2f}s)")
    console.print("  ".join(f"{name}: {count}" for name, count in counts.items()))
    for finding in report.findings:
        where = f" {finding.path}:{finding.line}" if finding.path else ""
        console.print(f"\n [{SEVERITY_STYLE[finding.severity]}]{finding.severity.value.upper():8}[/] "
                      f"{escape(finding.message)} [dim]{finding.rule} {finding.category.value}{escape(where)}[/]")
        for line in finding.evidence.splitlines()[:8]:
            console.print(f"           [dim]│[/] {escape(line[:160])}", highlight=False)
        console.print(f"           [green]fix:[/] {escape(finding.fix)}", highlight=False)
    console.print()
    console.print(escape(runtime_text(report.runtime)), highlight=False, end="")


def _ms(value: Any) -> str:
    if value is None:
        return "-"
    value = float(value)
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.1f} ms"


def _criterion_value(criterion: dict[str, Any]) -> str:
    value = criterion.get("value")
    name = str(criterion.get("name", ""))
    if value is None:
        return "-"
    if "rate" in name:
        return f"{float(value) * 100:.2f} %"
    if name.endswith("_ms"):
        return _ms(value)
    return str(value)


def _threshold(criterion: dict[str, Any]) -> str:
    name = str(criterion.get("name", ""))
    threshold = criterion.get("threshold")
    op = ">=" if name == "success_rate" else "<"
    if threshold is None:
        return "-"
    if "rate" in name:
        return f"{op} {float(threshold) * 100:g} %"
    return f"{op} {_ms(threshold)}" if name.endswith("_ms") else f"{op} {threshold}"


def runtime_text(runtime: dict[str, Any]) -> str:
    probes = runtime.get("probes", [])
    counts = {s: sum(1 for p in probes if p.get("status") == s) for s in ("passed", "failed", "skipped")}
    lines = [f"Runtime probes: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} not judged"]
    for probe in probes:
        if probe.get("status") != "passed":
            lines.append(f"  {probe.get('status', ''):7} {probe.get('rule', '')} {probe.get('target', '')}: {probe.get('message', '')}")
    load = runtime.get("load")
    if load:
        latency = load.get("latency_ms", {})
        lines.append(
            f"Load: {load.get('requests', 0)} requests, {load.get('rps', 0):.1f} req/s, "
            f"success {float(load.get('success_rate', 0)) * 100:.2f} %, "
            + ", ".join(f"{k} {_ms(latency.get(k))}" for k in ("p50", "p90", "p95", "p99", "max"))
        )
    for criterion in runtime.get("criteria", []):
        mark = "PASS" if criterion.get("passed") else "FAIL"
        lines.append(f"  {mark} {criterion.get('name')}: {_criterion_value(criterion)} (criterion {_threshold(criterion)})")
    resources = runtime.get("resources") or {}
    for name, metric in (resources.get("metrics") or {}).items():
        lines.append(f"Resource {name}: {metric.get('first')} -> {metric.get('last')}, slope {metric.get('slope_per_s', 0):.3g}/s"
                     f" ({metric.get('verdict')})")
    shutdown = runtime.get("shutdown")
    if shutdown:
        lines.append(f"Shutdown: exit after {shutdown.get('exit_s')} s, {shutdown.get('failed_in_flight', 0)} of "
                     f"{shutdown.get('in_flight', 0)} in-flight requests failed")
    return "\n".join(lines) + "\n"


# -- markdown -------------------------------------------------------------------------------------------------
def _md(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def runtime_markdown(runtime: dict[str, Any]) -> str:
    out = ["## Runtime verification", ""]
    target = runtime.get("target")
    if target:
        out += [f"Probed `{target}`.", ""]
    load = runtime.get("load")
    if runtime.get("criteria"):
        out += ["### Load criteria", "", "| criterion | threshold | measured | result |", "|---|---|---|---|"]
        for c in runtime["criteria"]:
            out.append(f"| {_md(c.get('name'))} | {_threshold(c)} | {_criterion_value(c)} | {'✅ pass' if c.get('passed') else '❌ FAIL'} |")
        out.append("")
    if load:
        latency = load.get("latency_ms", {})
        out += ["### Load", "",
                f"{load.get('requests', 0)} requests in {load.get('duration_s', 0)} s ({load.get('mode', 'open')} model"
                + (f", target {load.get('target_rps')} req/s" if load.get("target_rps") else "")
                + f"): **{load.get('rps', 0):.1f} req/s**, success {float(load.get('success_rate', 0)) * 100:.2f} %.",
                "", "| p50 | p90 | p95 | p99 | max |", "|---|---|---|---|---|",
                "| " + " | ".join(_ms(latency.get(k)) for k in ("p50", "p90", "p95", "p99", "max")) + " |", ""]
        errors = load.get("errors") or {}
        if errors:
            out += ["Errors: " + ", ".join(f"{_md(k)} × {v}" for k, v in sorted(errors.items(), key=lambda kv: -kv[1])), ""]
    resources = runtime.get("resources") or {}
    metrics = resources.get("metrics") or {}
    if metrics:
        out += ["### Resources", "", f"{len(resources.get('samples', []))} samples of pid {resources.get('pid')} and its children.",
                "", "| metric | first | last | slope | verdict |", "|---|---|---|---|---|"]
        for name, m in metrics.items():
            out.append(f"| {name} | {m.get('first')} | {m.get('last')} | {m.get('slope_per_s', 0):.3g}/s | {_md(m.get('verdict'))} |")
        out.append("")
    shutdown = runtime.get("shutdown")
    if shutdown:
        out += ["### Shutdown under load", "",
                f"SIGTERM with {shutdown.get('in_flight', 0)} requests in flight: {shutdown.get('failed_in_flight', 0)} failed; "
                f"exit after {shutdown.get('exit_s')} s (deadline {shutdown.get('deadline_s')} s)"
                + (", killed" if shutdown.get("killed") else "") + ".", ""]
    probes = runtime.get("probes", [])
    if probes:
        out += ["### Probes", "", "| result | rule | probe | target | detail |", "|---|---|---|---|---|"]
        for p in probes:
            out.append(f"| {p.get('status')} | {p.get('rule')} | {_md(p.get('probe'))} | `{_md(p.get('target'))}` | {_md(p.get('message'))} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- html ------------------------------------------------------------------------------------------------------
def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def svg_plot(points: list[tuple[float, float]], title: str, unit: str, width: int = 640, height: int = 180) -> str:
    """A tiny line chart as inline SVG (presentation attributes only: fits the report's CSP)."""
    if len(points) < 2:
        return ""
    pad_l, pad_b, pad_t, pad_r = 64, 24, 22, 10
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1 = min(xs), max(xs)
    y1 = max(ys) or 1.0
    y0 = 0.0
    def sx(x: float) -> float:
        return pad_l + (x - x0) / ((x1 - x0) or 1) * (width - pad_l - pad_r)

    def sy(y: float) -> float:
        return height - pad_b - (y - y0) / ((y1 - y0) or 1) * (height - pad_b - pad_t)

    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(points))
    ticks = []
    for i in range(5):
        value = y0 + (y1 - y0) * i / 4
        ticks.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{sy(value):.1f}" y2="{sy(value):.1f}" stroke="#ddd"/>'
                     f'<text x="{pad_l - 4}" y="{sy(value) + 4:.1f}" text-anchor="end" font-size="10">{_e(_fmt(value))}</text>')
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="{_e(title)}">'
        f'<text x="{pad_l}" y="14" font-size="12" font-weight="bold">{_e(title)} ({_e(unit)})</text>'
        + "".join(ticks)
        + f'<path d="{path}" fill="none" stroke="#c62828" stroke-width="1.5"/>'
        f'<text x="{pad_l}" y="{height - 6}" font-size="10">{_e(_fmt(x0))} s</text>'
        f'<text x="{width - pad_r}" y="{height - 6}" font-size="10" text-anchor="end">{_e(_fmt(x1))} s</text>'
        "</svg></figure>"
    )


def _fmt(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return "0"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.3g}"


def runtime_html(runtime: dict[str, Any]) -> str:
    parts = ['<section id="runtime"><h2>Runtime verification</h2>']
    if runtime.get("target"):
        parts.append(f"<p>Probed <code>{_e(runtime['target'])}</code>.</p>")
    if runtime.get("criteria"):
        parts.append("<h3>Load criteria</h3><table><tr><th>criterion</th><th>threshold</th><th>measured</th><th>result</th></tr>")
        for c in runtime["criteria"]:
            parts.append(f"<tr><td>{_e(c.get('name'))}</td><td>{_e(_threshold(c))}</td><td>{_e(_criterion_value(c))}</td>"
                         f"<td>{'pass' if c.get('passed') else '<strong>FAIL</strong>'}</td></tr>")
        parts.append("</table>")
    load = runtime.get("load")
    if load:
        latency = load.get("latency_ms", {})
        parts.append(f"<h3>Load</h3><p>{_e(load.get('requests', 0))} requests, {_e(round(float(load.get('rps', 0)), 1))} req/s, "
                     f"success {_e(round(float(load.get('success_rate', 0)) * 100, 2))} %.</p>")
        parts.append("<table><tr>" + "".join(f"<th>{k}</th>" for k in ("p50", "p90", "p95", "p99", "max")) + "</tr><tr>"
                     + "".join(f"<td>{_e(_ms(latency.get(k)))}</td>" for k in ("p50", "p90", "p95", "p99", "max")) + "</tr></table>")
        series = load.get("timeline") or []
        parts.append(svg_plot([(float(s["t"]), float(s.get("p99_ms") or 0)) for s in series], "p99 latency over time", "ms"))
        parts.append(svg_plot([(float(s["t"]), float(s.get("rps") or 0)) for s in series], "throughput", "req/s"))
    resources = runtime.get("resources") or {}
    samples = resources.get("samples") or []
    if samples:
        parts.append("<h3>Resources</h3>")
        parts.append(svg_plot([(float(s["t"]), float(s["rss"]) / 1024 / 1024) for s in samples], "memory (RSS)", "MiB"))
        parts.append(svg_plot([(float(s["t"]), float(s.get("fds") or 0)) for s in samples], "open files", "fds"))
        metrics = resources.get("metrics") or {}
        parts.append("<table><tr><th>metric</th><th>first</th><th>last</th><th>slope/s</th><th>verdict</th></tr>")
        for name, m in metrics.items():
            parts.append(f"<tr><td>{_e(name)}</td><td>{_e(m.get('first'))}</td><td>{_e(m.get('last'))}</td>"
                         f"<td>{_e(_fmt(float(m.get('slope_per_s') or 0)))}</td><td>{_e(m.get('verdict'))}</td></tr>")
        parts.append("</table>")
    shutdown = runtime.get("shutdown")
    if shutdown:
        parts.append(f"<h3>Shutdown under load</h3><p>{_e(shutdown.get('failed_in_flight', 0))} of {_e(shutdown.get('in_flight', 0))} "
                     f"in-flight requests failed; exit after {_e(shutdown.get('exit_s'))} s.</p>")
    probes = runtime.get("probes", [])
    if probes:
        parts.append("<h3>Probes</h3><table><tr><th>result</th><th>rule</th><th>probe</th><th>target</th><th>detail</th></tr>")
        for p in probes:
            parts.append(f"<tr><td>{_e(p.get('status'))}</td><td>{_e(p.get('rule'))}</td><td>{_e(p.get('probe'))}</td>"
                         f"<td><code>{_e(p.get('target'))}</code></td><td>{_e(p.get('message'))}</td></tr>")
        parts.append("</table>")
    parts.append("</section>\n")
    return "\n".join(p for p in parts if p)
