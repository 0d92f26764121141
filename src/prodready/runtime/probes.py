"""The probes: small functions against a base URL, each judging one runtime rule on one target."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field

from prodready.runtime.http import Prober, retry_after_seconds, stream_oversized, trickle_headers
from prodready.runtime.model import FOREIGN_ORIGIN, Exchange, ProbeResult, RouteSpec, excerpt
from prodready.runtime.targets import (
    COMMON_HEALTH,
    HEALTH_PATH,
    LIVE_PATH,
    READY_PATH,
    is_expensive,
    is_login,
    is_public,
)

HC_FAILS, HC_READY = "PR-HC-401", "PR-HC-402"
CO_CRED, CO_ANY = "PR-CO-401", "PR-CO-402"
AU_OPEN, AU_NEIGHBOUR = "PR-AU-401", "PR-AU-402"
IV_BODY = "PR-IV-401"
EH_5XX, EH_LEAK = "PR-EH-401", "PR-EH-402"
RA_BURST, RA_RETRY = "PR-RA-401", "PR-RA-402"
TO_SLOW = "PR-TO-401"
CF_HEADERS = "PR-CF-401"
RUNTIME_PROBE_RULES = (HC_FAILS, HC_READY, CO_CRED, CO_ANY, AU_OPEN, AU_NEIGHBOUR, IV_BODY, EH_5XX, EH_LEAK,
                       RA_BURST, RA_RETRY, TO_SLOW, CF_HEADERS)

MALFORMED_JSON = '{"prodready": "probe", "items": [1, 2,'
# The login probe's body: a deliberately wrong password, never a credential.
LOGIN_BODY = json.dumps({"username": "prodready-probe", "email": "probe@prodready.invalid",
                         "password": "prodready-wrong-password"})  # prodready: ignore[PR-SE-001] a wrong password on purpose

# What a reply must never contain: stack traces, debug pages, raw exception text.
LEAKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Python traceback", re.compile(r"Traceback \(most recent call last\)")),
    ("Python stack frame", re.compile(r'File "[^"\n]+", line \d+')),
    ("Werkzeug debugger", re.compile(r"(?i)werkzeug debugger|The debugger caught an exception")),
    ("Django debug page", re.compile(r"You're seeing this error because you have|Using the URLconf defined in|Exception Value:")),
    ("Starlette debug page", re.compile(r"(?i)<title>Starlette Debugger</title>|500 Server Error</h2>.*Traceback", re.S)),
    ("Node stack trace", re.compile(r"\n\s+at [\w.$<>\[\] ]+ \((?:/|[A-Za-z]:\\|node:)[^)]*:\d+:\d+\)")),
    ("Go panic", re.compile(r"goroutine \d+ \[running\]|panic: runtime error")),
    ("Java stack trace", re.compile(r"\n\s+at [\w.$]+\([\w]+\.java:\d+\)")),
    ("exception text", re.compile(
        r"\b(?:json\.decoder\.JSONDecodeError|JSONDecodeError|ValueError|KeyError|TypeError|AttributeError|"
        r"IndexError|RuntimeError|UnicodeDecodeError|SyntaxError|ZeroDivisionError|NameError|"
        r"sqlalchemy\.exc\.\w+|psycopg2?\.\w+Error)\b[:(]")),
)


def find_leak(text: str) -> tuple[str, int] | None:
    for label, pattern in LEAKS:
        match = pattern.search(text)
        if match:
            return label, match.start()
    return None


@dataclass
class ProbeSettings:
    health_deadline_s: float = 2.0
    body_size: int = 16 * 1024 * 1024
    body_deadline_s: float = 2.0
    slow_header_deadline_s: float = 10.0
    slow_header_interval_s: float = 1.0
    burst: int = 60
    burst_concurrency: int = 10
    burst_allowed: bool = True  # loopback target, or --allow-remote
    max_routes: int = 30


@dataclass
class ProbeRun:
    prober: Prober
    routes: list[RouteSpec]
    settings: ProbeSettings
    results: list[ProbeResult] = field(default_factory=list)
    cooldown_until: float = 0.0  # monotonic time before which the service asked us to wait (429)
    anonymous: dict[str, Exchange] = field(default_factory=dict)  # route label -> anonymous reply

    def add(self, result: ProbeResult) -> None:
        self.results.append(result)

    def at(self, route: RouteSpec) -> tuple[str | None, int | None]:
        return route.file, route.line

    async def run_all(self) -> list[ProbeResult]:
        slow = asyncio.ensure_future(self.slow_headers())
        try:
            await self.health()
            await self.security_headers()
            await self.cors()
            await self.authentication()
            await self.malformed_json()
            await self.oversized_body()
            await self.not_found_page()
            await self.rate_limit()
        finally:
            await slow
        return self.results

    # -- health ---------------------------------------------------------------------------------
    async def health(self) -> None:
        candidates = [r for r in self.routes if r.method == "GET" and HEALTH_PATH.search(r.template)]
        tried_common = False
        if not candidates:
            tried_common = True
            from prodready.runtime.targets import spec

            candidates = [spec("GET", p, "common") for p in COMMON_HEALTH]
        answered: list[tuple[RouteSpec, Exchange]] = []
        for route in candidates[:8]:
            exchange = await self.prober.send("GET", route.path, timeout_s=max(self.settings.health_deadline_s * 2, 3.0))
            if tried_common and exchange.status in (401, 403, 404, 405, None) and not exchange.error.startswith("timed out"):
                continue  # a guessed path that is not there (or hidden behind app-wide auth)
            answered.append((route, exchange))
            deadline_ms = self.settings.health_deadline_s * 1000
            if exchange.status == 429:
                self.add(ProbeResult("health", HC_FAILS, route.label, None, "rate limited while probing; not judged", [exchange]))
            elif exchange.status == 200 and exchange.elapsed_ms <= deadline_ms:
                self.add(ProbeResult("health", HC_FAILS, route.label, True,
                                     f"answered 200 in {exchange.elapsed_ms:.0f} ms", [exchange], *self.at(route)))
            else:
                what = f"answered {exchange.status}" if exchange.status else (exchange.error or "no answer")
                slow = exchange.status == 200
                self.add(ProbeResult(
                    "health", HC_FAILS, route.label, False,
                    f"{route.label} {what} in {exchange.elapsed_ms:.0f} ms"
                    + (f" (deadline {deadline_ms:.0f} ms)" if slow else " instead of 200"),
                    [exchange], *self.at(route),
                ))
        if not answered:
            self.add(ProbeResult(
                "health", HC_FAILS, "service", False,
                "no health, liveness or readiness path answers (tried " + ", ".join(r.path for r in candidates[:8]) + ")",
            ))
            return
        await self._readiness(answered)

    async def _readiness(self, answered: list[tuple[RouteSpec, Exchange]]) -> None:
        ready = [(r, e) for r, e in answered if READY_PATH.search(r.template) and e.status == 200]
        live = [(r, e) for r, e in answered if LIVE_PATH.search(r.template) and not READY_PATH.search(r.template)
                and e.status == 200]
        for route, exchange in ready[:2]:
            if route.source == "audit":
                checks_nothing = route.todo or not [c for c in route.calls if c not in {"dict", "JSONResponse", "jsonify"}]
                why = "its handler is a TODO" if route.todo else "its handler calls nothing"
                if checks_nothing:
                    self.add(ProbeResult("readiness", HC_READY, route.label, False,
                                         f"{route.label} answers 200 while {why}: it says ready whatever the dependencies do",
                                         [exchange], *self.at(route)))
                else:
                    self.add(ProbeResult("readiness", HC_READY, route.label, True,
                                         "handler calls " + ", ".join(route.calls[:4]), [exchange], *self.at(route)))
                continue
            same = [lr for lr, le in live if le.full_body.strip() == exchange.full_body.strip()]
            if same:
                self.add(ProbeResult("readiness", HC_READY, route.label, False,
                                     f"{route.label} answers exactly what liveness {same[0].label} answers "
                                     "(no dependency status): it likely checks nothing", [exchange, live[0][1]]))
            else:
                self.add(ProbeResult("readiness", HC_READY, route.label, True, "readiness answer differs from liveness",
                                     [exchange]))

    # -- headers ----------------------------------------------------------------------------------
    def _public_get(self) -> RouteSpec | None:
        for route in self.routes:
            if route.method == "GET" and route.auth is not True and not HEALTH_PATH.search(route.template):
                return route
        return None

    async def security_headers(self) -> None:
        route = self._public_get()
        path = route.path if route else "/"
        exchange = await self.prober.send("GET", path)
        if exchange.status is None or exchange.status == 429:
            self.add(ProbeResult("security-headers", CF_HEADERS, f"GET {path}", None,
                                 exchange.error or "rate limited; not judged", [exchange]))
            return
        missing = []
        if (exchange.header("x-content-type-options") or "").lower() != "nosniff":
            missing.append("X-Content-Type-Options: nosniff")
        html = "text/html" in (exchange.header("content-type") or "")
        csp = exchange.header("content-security-policy") or ""
        if html and not exchange.header("x-frame-options") and "frame-ancestors" not in csp:
            missing.append("X-Frame-Options (or CSP frame-ancestors)")
        if self.prober.base_url.startswith("https://") and not exchange.header("strict-transport-security"):
            missing.append("Strict-Transport-Security")
        label = f"GET {route.template if route else '/'}"
        if missing:
            self.add(ProbeResult("security-headers", CF_HEADERS, label, False,
                                 f"{label} answers without " + ", ".join(missing), [exchange]))
        else:
            self.add(ProbeResult("security-headers", CF_HEADERS, label, True, "security headers present", [exchange]))

    # -- CORS ---------------------------------------------------------------------------------------
    async def cors(self) -> None:
        targets: list[RouteSpec] = []
        protected = [r for r in self.routes if r.auth and r.method == "GET"]
        public = self._public_get()
        if protected:
            targets.append(protected[0])
        if public is not None:
            targets.append(public)
        if not targets:
            from prodready.runtime.targets import spec

            targets.append(spec("GET", "/", "common"))
        service_authenticates = any(r.auth for r in self.routes)
        for route in targets:
            preflight = await self.prober.send("OPTIONS", route.path, headers={
                "Origin": FOREIGN_ORIGIN, "Access-Control-Request-Method": route.method,
                "Access-Control-Request-Headers": "authorization,content-type",
            })
            simple = await self.prober.send(route.method, route.path, headers={"Origin": FOREIGN_ORIGIN})
            if simple.status in (401, 403):
                service_authenticates = True
            exchanges = [preflight, simple]
            allowed = [(e, e.header("access-control-allow-origin") or "") for e in exchanges]
            reflected = [e for e, origin in allowed if origin == FOREIGN_ORIGIN]
            wildcard = [e for e, origin in allowed if origin == "*"]
            with_credentials = [e for e in reflected
                                if (e.header("access-control-allow-credentials") or "").lower() == "true"]
            if all(e.status is None or e.status == 429 for e in exchanges):
                self.add(ProbeResult("cors", CO_CRED, route.label, None, "no answer; not judged", exchanges))
                continue
            if with_credentials:
                self.add(ProbeResult("cors", CO_CRED, route.label, False,
                                     f"{route.label} reflects the foreign Origin {FOREIGN_ORIGIN} with "
                                     "Access-Control-Allow-Credentials: true", with_credentials[:2], *self.at(route)))
                continue
            self.add(ProbeResult("cors", CO_CRED, route.label, True, "foreign origin not reflected with credentials",
                                 exchanges))
            if reflected or (wildcard and (route.auth or service_authenticates and route.auth is not False)):
                how = "reflects the foreign Origin" if reflected else "allows any origin (*)"
                self.add(ProbeResult("cors", CO_ANY, route.label, False,
                                     f"{route.label} {how} on a service that authenticates callers",
                                     (reflected or wildcard)[:2], *self.at(route)))
            else:
                self.add(ProbeResult("cors", CO_ANY, route.label, True, "foreign origin not allowed", exchanges))

    # -- authentication -------------------------------------------------------------------------------
    async def _anonymous(self, route: RouteSpec) -> Exchange:
        if route.label in self.anonymous:
            return self.anonymous[route.label]
        body = "{}" if route.takes_body else None
        headers = {"Content-Type": "application/json"} if body else {}
        exchange = await self.prober.send(route.method, route.path, headers=headers, body=body)
        self.anonymous[route.label] = exchange
        return exchange

    async def authentication(self) -> None:
        protected = [r for r in self.routes if r.auth][: self.settings.max_routes]
        for route in protected:
            exchange = await self._anonymous(route)
            status = exchange.status
            if status in (401, 403) or (status in (301, 302, 303, 307) and "login" in (exchange.header("location") or "")):
                self.add(ProbeResult("auth", AU_OPEN, route.label, True, f"refused with {status}", [exchange], *self.at(route)))
            elif status is not None and 200 <= status < 300:
                self.add(ProbeResult("auth", AU_OPEN, route.label, False,
                                     f"{route.label} is protected in the {_source(route)} but answers an anonymous "
                                     f"caller with {status}", [exchange], *self.at(route)))
            else:
                self.add(ProbeResult("auth", AU_OPEN, route.label, None,
                                     f"answered {status or exchange.error}; not judged", [exchange], *self.at(route)))
        # Neighbours: safe GET routes not claimed protected, beside routes that refuse.
        candidates = [r for r in self.routes if r.method == "GET" and not r.auth and not is_public(r)
                      and r.template != "/"][: self.settings.max_routes]
        for route in candidates:
            await self._anonymous(route)
        refusing: dict[str, list[str]] = {}
        for route in self.routes:
            seen = self.anonymous.get(route.label)
            if seen is not None and seen.status in (401, 403):
                refusing.setdefault(route.group, []).append(route.label)
        for route in candidates:
            exchange = self.anonymous[route.label]
            beside = [label for label in refusing.get(route.group, []) if label != route.label]
            if not beside:
                continue
            if exchange.status is not None and 200 <= exchange.status < 300 and exchange.full_body.strip() not in ("", "{}", "[]", "null"):
                self.add(ProbeResult("auth", AU_NEIGHBOUR, route.label, False,
                                     f"{route.label} answers an anonymous caller with data while "
                                     f"{', '.join(beside[:3])} beside it refuse", [exchange], *self.at(route)))
            elif exchange.status in (401, 403):
                self.add(ProbeResult("auth", AU_NEIGHBOUR, route.label, True, f"refused with {exchange.status}",
                                     [exchange], *self.at(route)))

    # -- malformed and oversized input ----------------------------------------------------------------
    def _body_routes(self) -> list[RouteSpec]:
        routes = [r for r in self.routes if r.takes_body]
        routes.sort(key=lambda r: (bool(r.auth), r.source == "common", is_expensive(r)))
        return routes

    def _judge_leak(self, exchange: Exchange, route_label: str, route: RouteSpec | None, probe: str) -> None:
        leak = find_leak(exchange.full_body)
        where = (route.file, route.line) if route else (None, None)
        if leak is None:
            self.add(ProbeResult(probe, EH_LEAK, route_label, True, "no stack trace or exception text in the reply",
                                 [exchange], *where))
            return
        label, index = leak
        exchange.body = excerpt(exchange.full_body, around=index)
        self.add(ProbeResult(probe, EH_LEAK, route_label, False,
                             f"{route_label} answers {exchange.status} with a {label} in the body", [exchange], *where))

    async def malformed_json(self) -> None:
        judged = 0
        for route in self._body_routes():
            if judged >= 3:
                break
            exchange = await self.prober.send(route.method, route.path, headers={"Content-Type": "application/json"},
                                              body=MALFORMED_JSON)
            status = exchange.status
            if status in (401, 403, 404, 405, 429) or (status is None and route.source == "common"):
                continue
            if status is not None and status < 400:
                continue  # the handler does not parse JSON: nothing to judge here
            judged += 1
            if status is not None and 400 <= status < 500:
                self.add(ProbeResult("malformed-json", EH_5XX, route.label, True, f"answered {status}", [exchange],
                                     *self.at(route)))
            else:
                what = f"answers {status}" if status else f"gives no answer ({exchange.error})"
                self.add(ProbeResult("malformed-json", EH_5XX, route.label, False,
                                     f"{route.label} {what} to malformed JSON instead of a 4xx", [exchange], *self.at(route)))
            if status is not None:
                self._judge_leak(exchange, route.label, route, "malformed-json")
        if not judged:
            self.add(ProbeResult("malformed-json", EH_5XX, "service", None, "no route that takes a body answered; not judged"))

    async def oversized_body(self) -> None:
        size = self.settings.body_size
        deadline = self.settings.body_deadline_s
        for route in self._body_routes()[:4]:
            result = await stream_oversized(self.prober.base_url, route.method, route.path, size, deadline)
            exchange = result.exchange
            status = exchange.status
            if status in (401, 403, 404, 405, 429):
                continue  # refused for another reason (auth, method): try another route
            seconds = exchange.elapsed_ms / 1000
            mib = size / 1024 / 1024
            if status == 413 and seconds <= deadline:
                self.add(ProbeResult("oversized-body", IV_BODY, route.label, True,
                                     f"{mib:.0f} MiB refused with 413 in {seconds:.2f} s", [exchange], *self.at(route)))
            elif status is None and result.closed_early and seconds <= deadline:
                self.add(ProbeResult("oversized-body", IV_BODY, route.label, True,
                                     f"connection closed after {result.sent_bytes} of {size} bytes", [exchange], *self.at(route)))
            elif status == 413:
                self.add(ProbeResult("oversized-body", IV_BODY, route.label, False,
                                     f"{route.label} refused a {mib:.0f} MiB body with 413 only after {seconds:.1f} s",
                                     [exchange], *self.at(route)))
            else:
                read = "after reading it all" if not result.closed_early else f"after {result.sent_bytes} bytes"
                what = f"answered {status}" if status else (exchange.error or "no answer")
                self.add(ProbeResult("oversized-body", IV_BODY, route.label, False,
                                     f"{route.label} accepted a {mib:.0f} MiB body: {what} {read} in {seconds:.1f} s, no 413",
                                     [exchange], *self.at(route)))
            if status is not None and status >= 500:
                self._judge_leak(exchange, route.label, route, "oversized-body")
            return
        self.add(ProbeResult("oversized-body", IV_BODY, "service", None, "no route that takes a body; not judged"))

    async def not_found_page(self) -> None:
        path = "/prodready-probe-does-not-exist/42"
        exchange = await self.prober.send("GET", path)
        if exchange.status is not None and exchange.status != 429:
            self._judge_leak(exchange, f"GET {path}", None, "not-found")

    # -- rate limit -------------------------------------------------------------------------------------
    async def rate_limit(self) -> None:
        targets = [r for r in self.routes if is_login(r) and r.method in ("POST", "GET")]
        targets += [r for r in self.routes if is_expensive(r) and r not in targets and not HEALTH_PATH.search(r.template)]
        # Prefer POST login forms, then expensive routes; at most three bursts.
        targets.sort(key=lambda r: (not is_login(r), r.method != "POST", r.source == "common"))
        if not targets:
            self.add(ProbeResult("rate-limit", RA_BURST, "service", None, "no login or expensive route known; not judged"))
            return
        if not self.settings.burst_allowed:
            self.add(ProbeResult("rate-limit", RA_BURST, "service", None,
                                 "target is not loopback: burst skipped (pass --allow-remote to send it)"))
            return
        judged = 0
        for route in targets:
            if judged >= 3:
                break
            outcome = await self._burst(route)
            if outcome:
                judged += 1

    async def _burst(self, route: RouteSpec) -> bool:
        settings = self.settings
        body = LOGIN_BODY if is_login(route) and route.takes_body else ("{}" if route.takes_body else None)
        headers = {"Content-Type": "application/json"} if body else {}
        statuses: dict[int | str, int] = {}
        limited: list[Exchange] = []
        first: list[Exchange] = []
        sent = 0
        started = time.monotonic()
        semaphore = asyncio.Semaphore(settings.burst_concurrency)
        stop = asyncio.Event()

        async def one() -> None:
            nonlocal sent
            async with semaphore:
                if stop.is_set() or time.monotonic() - started > 15:
                    return
                sent += 1
                exchange = await self.prober.send(route.method, route.path, headers=headers, body=body,
                                                  honour_429=False, timeout_s=10)
                key: int | str = exchange.status if exchange.status is not None else "error"
                statuses[key] = statuses.get(key, 0) + 1
                if not first:
                    first.append(exchange)
                if exchange.status == 429:
                    limited.append(exchange)
                    stop.set()

        await asyncio.gather(*(one() for _ in range(settings.burst)))
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{n}x {k}" for k, n in sorted(statuses.items(), key=lambda kv: -kv[1]))
        if not limited and (statuses.get(404, 0) + statuses.get(405, 0) + statuses.get("error", 0)) >= sent * 0.8:
            return False  # the route is not there (common guess) or unreachable: not judged
        if limited:
            exchange = limited[0]
            wait = retry_after_seconds(exchange.header("retry-after"))
            self.cooldown_until = max(self.cooldown_until, time.monotonic() + min(wait or 1.0, 60.0))
            self.add(ProbeResult("rate-limit", RA_BURST, route.label, True,
                                 f"429 after {sent} requests in {elapsed:.1f} s", [exchange], *self.at(route)))
            if wait is None:
                self.add(ProbeResult("rate-limit", RA_RETRY, route.label, False,
                                     f"{route.label} answers 429 without a Retry-After header", [exchange], *self.at(route)))
            else:
                self.add(ProbeResult("rate-limit", RA_RETRY, route.label, True, f"Retry-After: {exchange.header('retry-after')}",
                                     [exchange], *self.at(route)))
            return True
        kind = "login" if is_login(route) else f"expensive ({route.expensive or 'by its path'})"
        self.add(ProbeResult("rate-limit", RA_BURST, route.label, False,
                             f"{sent} requests to the {kind} route {route.label} in {elapsed:.1f} s, no 429 ({summary})",
                             first[:1], *self.at(route), evidence_text=f"statuses: {summary}"))
        return True

    # -- slow headers ---------------------------------------------------------------------------------
    async def slow_headers(self) -> None:
        deadline = self.settings.slow_header_deadline_s
        health = next((r for r in self.routes if r.method == "GET" and HEALTH_PATH.search(r.template)), None)
        path = health.path if health else "/"
        exchange = await trickle_headers(self.prober.base_url, path, deadline, self.settings.slow_header_interval_s)
        seconds = exchange.elapsed_ms / 1000
        label = f"GET {path} (headers trickled)"
        if exchange.error.startswith("cannot connect"):
            self.add(ProbeResult("slow-headers", TO_SLOW, label, None, exchange.error, [exchange]))
        elif exchange.error.startswith("still open"):
            self.add(ProbeResult("slow-headers", TO_SLOW, label, False,
                                 f"a client sending one header line per {self.settings.slow_header_interval_s:g} s "
                                 f"still holds the connection after {deadline:g} s: no header timeout", [exchange]))
        else:
            how = f"answered {exchange.status}" if exchange.status else "closed the connection"
            self.add(ProbeResult("slow-headers", TO_SLOW, label, True, f"server {how} after {seconds:.1f} s", [exchange]))


def _source(route: RouteSpec) -> str:
    if route.source == "audit":
        return f"code ({route.file}:{route.line})" if route.file else "code"
    return "OpenAPI document" if route.source == "openapi" else "service"
