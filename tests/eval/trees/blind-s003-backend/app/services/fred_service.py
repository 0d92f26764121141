"""Client for the St. Louis Fed FRED API."""
import asyncio
import logging
import time
from collections import deque
from datetime import date, timedelta
from typing import Any, Deque, Dict, List, Optional

import httpx
import requests

from app.core.config import settings

logger = logging.getLogger(__name__)


class FREDAPIError(Exception):
    """Raised when FRED cannot give us a usable answer."""


class _MinuteWindowLimiter:
    """Keeps this process under FRED's per-minute request allowance."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._calls: Deque[float] = deque()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            now = time.monotonic()
            while self._calls and now - self._calls[0] >= 60:
                self._calls.popleft()
            if len(self._calls) >= self.per_minute:
                wait_for = 60 - (now - self._calls[0])
                logger.debug("FRED limiter full, waiting %.2fs", wait_for)
                await asyncio.sleep(max(wait_for, 0))
                self._calls.popleft()
            self._calls.append(time.monotonic())


_limiter = _MinuteWindowLimiter(settings.FRED_RATE_LIMIT_PER_MINUTE)


class FREDService:
    def __init__(self) -> None:
        self.api_key = settings.FRED_API_KEY
        self.base_url = settings.FRED_BASE_URL
        self.client = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=httpx.Timeout(settings.FRED_API_TIMEOUT, connect=10.0),
            headers={"User-Agent": f"macro-dashboard/{settings.VERSION}"},
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def _request(self, endpoint: str, params: Dict[str, Any]) -> Dict[str, Any]:
        query = {**params, "api_key": self.api_key, "file_type": "json"}
        last_error: Optional[Exception] = None
        for attempt in range(5):
            await _limiter.acquire()
            try:
                response = await self.client.get(endpoint, params=query)
                response.raise_for_status()
                return response.json()
            except (httpx.HTTPError, ValueError) as exc:
                last_error = exc
                status_code = getattr(getattr(exc, "response", None), "status_code", None)
                logger.warning(
                    "FRED %s failed on attempt %d (%s, status=%s)",
                    endpoint,
                    attempt + 1,
                    type(exc).__name__,
                    status_code,
                )
                continue
        raise FREDAPIError(f"FRED request to {endpoint} failed: {type(last_error).__name__}")

    async def get_series_info(self, series_id: str) -> Dict[str, Any]:
        data = await self._request("/series", {"series_id": series_id})
        series = data.get("seriess") or []
        if not series:
            raise FREDAPIError(f"Unknown series {series_id}")
        return series[0]

    async def get_observations(
        self,
        series_id: str,
        start: Optional[date] = None,
        end: Optional[date] = None,
        limit: int = 1000,
    ) -> List[Dict[str, Any]]:
        params: Dict[str, Any] = {"series_id": series_id, "limit": limit, "sort_order": "desc"}
        if start:
            params["observation_start"] = start.isoformat()
        if end:
            params["observation_end"] = end.isoformat()
        data = await self._request("/series/observations", params)
        observations = []
        for row in data.get("observations", []):
            raw = row.get("value")
            observations.append(
                {"date": row["date"], "value": None if raw in (None, ".") else float(raw)}
            )
        return observations

    async def get_latest(self, series_id: str) -> Optional[Dict[str, Any]]:
        rows = await self.get_observations(series_id, limit=1)
        return rows[0] if rows else None

    def get_release_calendar(self, days_ahead: int = 14) -> List[Dict[str, Any]]:
        today = date.today()
        response = requests.get(
            f"{self.base_url}/releases/dates",
            params={
                "api_key": self.api_key,
                "file_type": "json",
                "realtime_start": today.isoformat(),
                "realtime_end": (today + timedelta(days=days_ahead)).isoformat(),
                "include_release_dates_with_no_data": "true",
            },
        )
        response.raise_for_status()
        return response.json().get("release_dates", [])
