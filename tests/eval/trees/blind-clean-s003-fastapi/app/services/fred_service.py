"""Client for the FRED (Federal Reserve Economic Data) API.

One FredClient (and so one pooled httpx.AsyncClient) is created per process in
the application lifespan and closed on shutdown; it is also an async context
manager for scripts and tests. Every call has per-attempt timeouts, an overall
deadline, bounded retries with jittered exponential backoff (honouring
Retry-After), a shared outbound rate limit and a small circuit breaker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from app import __version__
from app.core import metrics
from app.core.config import Settings

logger = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
PAGE_LIMIT = 100_000  # FRED's maximum page size for series/observations
MAX_PAGES = 20


class FredError(Exception):
    """Non-retryable error from FRED (bad request, unexpected payload)."""


class FredNotFound(FredError):
    pass


class FredUnavailable(FredError):
    """FRED could not be reached or kept failing after retries."""


class FredRateLimited(FredUnavailable):
    pass


@dataclass(frozen=True, slots=True)
class SeriesInfo:
    id: str
    title: str
    units: str
    frequency: str
    seasonal_adjustment: str | None
    last_updated: dt.datetime | None


@dataclass(frozen=True, slots=True)
class ObservationRow:
    date: dt.date
    value: Decimal | None


class CircuitBreaker:
    """Opens after `threshold` consecutive failures; half-opens after `reset_after` seconds."""

    def __init__(self, threshold: int = 5, reset_after: float = 30.0) -> None:
        self._threshold = threshold
        self._reset_after = reset_after
        self._failures = 0
        self._opened_at: float | None = None

    def allow(self) -> bool:
        if self._opened_at is None:
            return True
        if time.monotonic() - self._opened_at >= self._reset_after:
            # Half-open: let one probe through and push the window forward so
            # concurrent callers keep failing fast until the probe succeeds.
            self._opened_at = time.monotonic()
            return True
        return False

    def record_success(self) -> None:
        self._failures = 0
        if self._opened_at is not None:
            logger.info("FRED circuit closed")
        self._opened_at = None
        metrics.FRED_CIRCUIT_OPEN.set(0)

    def record_failure(self) -> None:
        self._failures += 1
        if self._failures >= self._threshold:
            if self._opened_at is None:
                logger.warning("FRED circuit opened", extra={"consecutive_failures": self._failures})
            self._opened_at = time.monotonic()
            metrics.FRED_CIRCUIT_OPEN.set(1)


def _parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _backoff_delay(attempt: int, retry_after: float | None, base: float = 0.5, cap: float = 10.0) -> float:
    if retry_after is not None:
        return min(retry_after, 30.0)
    return random.uniform(0, min(cap, base * 2**attempt))


def _parse_decimal(raw: str) -> Decimal | None:
    if raw in {".", ""}:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class FredClient:
    def __init__(
        self,
        api_key: str,
        base_url: str,
        *,
        timeout: float = 30.0,
        connect_timeout: float = 5.0,
        max_retries: int = 3,
        max_connections: int = 20,
        default_deadline: float = 120.0,
        limiter: Callable[[], Awaitable[None]] | None = None,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._api_key = api_key
        self._max_retries = max_retries
        self._default_deadline = default_deadline
        self._limiter = limiter
        self._breaker = breaker or CircuitBreaker()
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            limits=httpx.Limits(
                max_connections=max_connections,
                max_keepalive_connections=max(1, max_connections // 2),
            ),
            headers={"Accept": "application/json", "User-Agent": f"macro-data-api/{__version__}"},
            follow_redirects=False,
            transport=transport,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, limiter: Callable[[], Awaitable[None]] | None = None
    ) -> FredClient:
        return cls(
            settings.FRED_API_KEY.get_secret_value(),
            str(settings.FRED_BASE_URL),
            timeout=settings.FRED_API_TIMEOUT,
            connect_timeout=settings.FRED_CONNECT_TIMEOUT,
            max_retries=settings.FRED_MAX_RETRIES,
            max_connections=settings.FRED_MAX_CONNECTIONS,
            limiter=limiter,
        )

    async def __aenter__(self) -> FredClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._client.aclose()

    async def _get(self, endpoint: str, params: dict[str, Any], deadline: float | None) -> dict[str, Any]:
        budget = deadline if deadline is not None else self._default_deadline
        try:
            async with asyncio.timeout(budget):
                return await self._get_with_retries(endpoint, params)
        except TimeoutError as exc:
            metrics.FRED_REQUESTS.labels(endpoint, "deadline").inc()
            raise FredUnavailable(f"FRED {endpoint} exceeded {budget:.0f}s deadline") from exc

    async def _get_with_retries(self, endpoint: str, params: dict[str, Any]) -> dict[str, Any]:
        # The key goes in the query string (FRED's only auth mechanism); httpx's
        # request logging is silenced in app.core.logging and we never log URLs.
        query = {**params, "api_key": self._api_key, "file_type": "json"}
        last_error: Exception | None = None

        for attempt in range(self._max_retries + 1):
            if not self._breaker.allow():
                metrics.FRED_REQUESTS.labels(endpoint, "circuit_open").inc()
                raise FredUnavailable("FRED circuit open")
            if self._limiter is not None:
                await self._limiter()

            retry_after: float | None = None
            started = time.perf_counter()
            try:
                response = await self._client.get(endpoint, params=query)
            except httpx.TransportError as exc:
                outcome = "timeout" if isinstance(exc, httpx.TimeoutException) else "transport_error"
                last_error = exc
            else:
                metrics.FRED_LATENCY.labels(endpoint).observe(time.perf_counter() - started)
                if response.status_code == 200:
                    try:
                        payload = response.json()
                    except ValueError as exc:
                        metrics.FRED_REQUESTS.labels(endpoint, "bad_payload").inc()
                        raise FredError(f"FRED {endpoint} returned invalid JSON") from exc
                    self._breaker.record_success()
                    metrics.FRED_REQUESTS.labels(endpoint, "ok").inc()
                    return payload
                if response.status_code in RETRYABLE_STATUS:
                    outcome = f"http_{response.status_code}"
                    retry_after = _parse_retry_after(response.headers.get("retry-after"))
                    last_error = (FredRateLimited if response.status_code == 429 else FredUnavailable)(
                        f"FRED {endpoint} returned {response.status_code}"
                    )
                else:
                    # 4xx other than 429: our request is wrong; retrying will not help.
                    self._breaker.record_success()
                    message = _error_message(response)
                    metrics.FRED_REQUESTS.labels(endpoint, f"http_{response.status_code}").inc()
                    if response.status_code in (400, 404) and "does not exist" in message.lower():
                        raise FredNotFound(message)
                    raise FredError(f"FRED {endpoint} returned {response.status_code}: {message}")

            self._breaker.record_failure()
            metrics.FRED_REQUESTS.labels(endpoint, outcome).inc()
            if attempt == self._max_retries:
                break
            delay = _backoff_delay(attempt, retry_after)
            logger.warning(
                "FRED call failed, retrying",
                extra={
                    "endpoint": endpoint,
                    "series_id": params.get("series_id"),
                    "attempt": attempt + 1,
                    "outcome": outcome,
                    "retry_in_s": round(delay, 2),
                    "error": repr(last_error),
                },
            )
            await asyncio.sleep(delay)

        if isinstance(last_error, FredUnavailable):
            raise last_error
        attempts = self._max_retries + 1
        raise FredUnavailable(f"FRED {endpoint} failed after {attempts} attempts") from last_error

    async def get_series_info(self, series_id: str, *, deadline: float | None = None) -> SeriesInfo:
        payload = await self._get("series", {"series_id": series_id}, deadline)
        items = payload.get("seriess") or []
        if not items:
            raise FredNotFound(f"series {series_id} not found")
        raw = items[0]
        last_updated = None
        if raw.get("last_updated"):
            try:
                # e.g. "2025-09-25 07:51:02-05"
                last_updated = dt.datetime.strptime(raw["last_updated"] + "00", "%Y-%m-%d %H:%M:%S%z")
            except ValueError:
                logger.warning(
                    "unparseable last_updated from FRED",
                    extra={"series_id": series_id, "value": raw["last_updated"]},
                )
        return SeriesInfo(
            id=raw["id"],
            title=raw.get("title", series_id),
            units=raw.get("units", ""),
            frequency=raw.get("frequency", ""),
            seasonal_adjustment=raw.get("seasonal_adjustment"),
            last_updated=last_updated,
        )

    async def get_observations(
        self,
        series_id: str,
        *,
        start: dt.date | None = None,
        deadline: float | None = None,
    ) -> list[ObservationRow]:
        rows: list[ObservationRow] = []
        offset = 0
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {
                "series_id": series_id,
                "sort_order": "asc",
                "limit": PAGE_LIMIT,
                "offset": offset,
            }
            if start is not None:
                params["observation_start"] = start.isoformat()
            payload = await self._get("series/observations", params, deadline)
            page = payload.get("observations") or []
            for item in page:
                try:
                    obs_date = dt.date.fromisoformat(item["date"])
                except (KeyError, ValueError):
                    continue
                rows.append(ObservationRow(date=obs_date, value=_parse_decimal(item.get("value", "."))))
            offset += len(page)
            if not page or offset >= int(payload.get("count", 0)):
                return rows
        logger.warning(
            "observation paging stopped at page cap",
            extra={"series_id": series_id, "rows": len(rows), "max_pages": MAX_PAGES},
        )
        return rows


def _error_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return str(body.get("error_message", ""))[:200]
    return ""
