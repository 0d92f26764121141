"""Data carried between probes, the load generator, the sampler and the reporters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prodready.redact import redact

BODY_EXCERPT = 400
FOREIGN_ORIGIN = "https://prodready-probe.example"
USER_AGENT = "prodready-verify"

# Response headers worth showing as evidence (others are noise).
EVIDENCE_HEADERS = (
    "content-type",
    "content-length",
    "location",
    "retry-after",
    "ratelimit-reset",
    "x-ratelimit-remaining",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "vary",
    "www-authenticate",
    "x-content-type-options",
    "x-frame-options",
    "content-security-policy",
    "strict-transport-security",
    "server",
)


def excerpt(text: str, around: int | None = None, size: int = BODY_EXCERPT) -> str:
    """A redacted slice of a body, centred near ``around`` when given (where a stack trace starts)."""
    start = 0
    if around is not None and len(text) > size:
        start = max(0, min(around - size // 4, len(text) - size))
    piece = text[start : start + size]
    return redact(("…" if start else "") + piece + ("…" if start + size < len(text) else ""))


@dataclass
class Exchange:
    """One request and what came back: the evidence of a probe."""

    method: str
    path: str
    request_headers: dict[str, str] = field(default_factory=dict)
    request_body: str = ""
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""  # redacted excerpt
    elapsed_ms: float = 0.0
    error: str = ""
    full_body: str = field(default="", repr=False)  # not serialised; for pattern checks only

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def to_json(self) -> dict[str, Any]:
        return {
            "request": {"method": self.method, "path": self.path, "headers": self.request_headers,
                        "body": self.request_body},
            "response": {"status": self.status, "headers": self.headers, "body": self.body,
                         "elapsed_ms": round(self.elapsed_ms, 1), "error": self.error},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exchange:
        req, resp = data.get("request", {}), data.get("response", {})
        return cls(
            method=str(req.get("method", "")), path=str(req.get("path", "")),
            request_headers=dict(req.get("headers", {})), request_body=str(req.get("body", "")),
            status=resp.get("status"), headers=dict(resp.get("headers", {})), body=str(resp.get("body", "")),
            elapsed_ms=float(resp.get("elapsed_ms", 0.0)), error=str(resp.get("error", "")),
        )

    def evidence(self) -> str:
        lines = [f"> {self.method} {self.path}"]
        lines += [f"> {k}: {v}" for k, v in self.request_headers.items()]
        if self.request_body:
            lines.append(f"> body: {self.request_body}")
        if self.status is None:
            lines.append(f"< no response after {self.elapsed_ms:.0f} ms: {self.error}")
        else:
            lines.append(f"< {self.status} ({self.elapsed_ms:.0f} ms)")
            lines += [f"< {k}: {v}" for k, v in self.headers.items()]
            if self.body:
                lines.append("< body: " + self.body.replace("\n", "\\n")[:BODY_EXCERPT])
        return redact("\n".join(lines))


@dataclass
class RouteSpec:
    """A route to probe: from the static audit's facts, an OpenAPI document or common paths."""

    method: str
    template: str  # as declared: /users/{user_id}
    path: str  # path parameters filled with plausible values: /users/1
    source: str  # audit | openapi | common
    auth: bool | None = None  # None: unknown
    rate_limited: bool = False
    expensive: str = ""
    takes_body: bool = False
    group: str = ""  # router or first path segment: neighbours share it
    file: str | None = None
    line: int | None = None
    handler: str = ""
    calls: tuple[str, ...] = ()
    todo: bool = False

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"

    def to_json(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.template, "probed_path": self.path, "source": self.source,
                "auth": bool(self.auth), "auth_known": self.auth is not None, "rate_limited": self.rate_limited,
                "expensive": self.expensive, "file": self.file, "line": self.line}


@dataclass
class ProbeResult:
    """One judgement: a rule checked on one target. ``passed`` None = not judged (with reason)."""

    probe: str
    rule: str
    target: str  # "GET /login", "service"
    passed: bool | None
    message: str
    exchanges: list[Exchange] = field(default_factory=list)
    file: str | None = None
    line: int | None = None
    evidence_text: str = ""  # when the evidence is not an exchange (samples, criteria)

    @property
    def status(self) -> str:
        return "skipped" if self.passed is None else "passed" if self.passed else "failed"

    def to_json(self) -> dict[str, Any]:
        return {"probe": self.probe, "rule": self.rule, "target": self.target, "status": self.status,
                "passed": self.passed, "message": self.message,
                "requests": [e.to_json() for e in self.exchanges]}

    def evidence(self) -> str:
        parts = [e.evidence() for e in self.exchanges[:3]]
        if self.evidence_text:
            parts.append(self.evidence_text)
        return redact("\n\n".join(parts))
