"""Thin client for the FRED (Federal Reserve Economic Data) REST API.

https://fred.stlouisfed.org/docs/api/fred/
"""
from __future__ import annotations

import logging
from datetime import date
from typing import Any, Dict, List, Optional

import requests
from requests.adapters import HTTPAdapter

from app.config import get_settings
from app.services.rate_limiter import fred_limiter

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
FRED_MAX_LIMIT = 100000

_series_info_memo: Dict[str, Dict[str, Any]] = {}


class FREDError(Exception):
    """FRED could not be reached or returned an unusable response."""


class FREDNotFound(FREDError):
    """The requested series does not exist."""


class FREDRateLimited(FREDError):
    """The local limiter had no free slot for this request."""


class FREDService:
    def __init__(self, api_key: Optional[str] = None, base_url: Optional[str] = None) -> None:
        settings = get_settings()
        self.api_key = api_key or settings.FRED_API_KEY
        self.base_url = (base_url or settings.FRED_BASE_URL).rstrip("/")
        self.timeout = (5, settings.FRED_API_TIMEOUT)

        self.session = requests.Session()
        self.session.headers.update({"User-Agent": f"econdash/{settings.APP_VERSION}"})
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=8)
        self.session.mount("https://", adapter)

    def close(self) -> None:
        self.session.close()

    # -- low level -----------------------------------------------------------------

    def _params(self, extra: Dict[str, Any]) -> Dict[str, Any]:
        params = {k: v for k, v in extra.items() if v is not None}
        params["api_key"] = self.api_key
        params["file_type"] = "json"
        return params

    def _get(self, path: str, **params: Any) -> Dict[str, Any]:
        if not fred_limiter.acquire():
            raise FREDRateLimited(f"local FRED rate limit reached for {path}")

        url = f"{self.base_url}/{path}"
        last_exc: Optional[Exception] = None
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = self.session.get(url, params=self._params(params), timeout=self.timeout)
                if response.status_code == 400 and "does not exist" in response.text:
                    raise FREDNotFound(params.get("series_id") or path)
                response.raise_for_status()
                return response.json()
            except FREDNotFound:
                raise
            except (requests.RequestException, ValueError) as exc:
                last_exc = exc
                logger.warning("FRED request failed (attempt %d/%d): %s", attempt, MAX_ATTEMPTS, exc)
                continue

        raise FREDError(f"FRED request to {path} failed after {MAX_ATTEMPTS} attempts") from last_exc

    # -- public API ----------------------------------------------------------------

    def get_series_info(self, series_id: str) -> Dict[str, Any]:
        series_id = series_id.upper()
        cached = _series_info_memo.get(series_id)
        if cached is not None:
            return cached

        payload = self._get("series", series_id=series_id)
        items = payload.get("seriess") or []
        if not items:
            raise FREDNotFound(series_id)
        info = items[0]
        _series_info_memo[series_id] = info
        return info

    def get_observations(
        self,
        series_id: str,
        start: Optional[date] = None,
        end: Optional[date] = None,
        limit: int = FRED_MAX_LIMIT,
    ) -> List[Dict[str, Any]]:
        payload = self._get(
            "series/observations",
            series_id=series_id.upper(),
            observation_start=start.isoformat() if start else None,
            observation_end=end.isoformat() if end else None,
            limit=min(max(limit, 1), FRED_MAX_LIMIT),
            sort_order="asc",
        )
        observations = payload.get("observations")
        if observations is None:
            raise FREDError(f"FRED observations response for {series_id} had no 'observations' key")
        return observations

    def search_series(self, text: str, limit: int = 20) -> List[Dict[str, Any]]:
        # Search is interactive: surface failures to the caller immediately
        # instead of going through the retry loop.
        url = f"{self.base_url}/series/search"
        params = self._params(
            {"search_text": text, "limit": limit, "order_by": "popularity", "sort_order": "desc"}
        )
        response = self.session.get(url, params=params)
        response.raise_for_status()
        results = response.json().get("seriess", [])
        return [
            {
                "series_id": item["id"],
                "title": item.get("title"),
                "frequency": item.get("frequency_short"),
                "units": item.get("units_short"),
                "popularity": item.get("popularity"),
                "observation_end": item.get("observation_end"),
            }
            for item in results
        ]

    def get_release_for_series(self, series_id: str) -> Optional[Dict[str, Any]]:
        payload = self._get("series/release", series_id=series_id.upper())
        releases = payload.get("releases") or []
        return releases[0] if releases else None
