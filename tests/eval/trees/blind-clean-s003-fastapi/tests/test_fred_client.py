from __future__ import annotations

import datetime as dt
from decimal import Decimal

import httpx
import pytest

from app.services import fred_service
from app.services.fred_service import (
    CircuitBreaker,
    FredClient,
    FredNotFound,
    FredUnavailable,
    _parse_retry_after,
)


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch):
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(fred_service.asyncio, "sleep", fake_sleep)
    return slept


def make_client(handler, **kwargs) -> FredClient:
    return FredClient(
        "k" * 32,
        "https://fred.test/fred/",
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


async def test_retries_on_503_then_succeeds(no_sleep):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) < 3:
            return httpx.Response(503)
        return httpx.Response(200, json={"seriess": [{"id": "GDP", "title": "Gross Domestic Product"}]})

    async with make_client(handler, max_retries=3) as client:
        info = await client.get_series_info("GDP")

    assert info.id == "GDP"
    assert len(calls) == 3
    assert len(no_sleep) == 2
    assert calls[0].url.params["api_key"] == "k" * 32
    assert calls[0].url.path == "/fred/series"


async def test_retry_after_is_honoured(no_sleep):
    responses = iter(
        [
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json={"seriess": [{"id": "X"}]}),
        ]
    )

    async with make_client(lambda r: next(responses)) as client:
        await client.get_series_info("X")

    assert no_sleep == [7.0]


async def test_gives_up_after_max_retries():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectTimeout("timed out", request=request)

    async with make_client(handler, max_retries=2) as client:
        with pytest.raises(FredUnavailable):
            await client.get_series_info("GDP")

    assert len(calls) == 3


async def test_bad_request_is_not_retried():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        body = {"error_code": 400, "error_message": "Bad Request.  The series does not exist."}
        return httpx.Response(400, json=body)

    async with make_client(handler) as client:
        with pytest.raises(FredNotFound):
            await client.get_series_info("NOPE")

    assert len(calls) == 1


async def test_observations_parse_missing_values_and_page():
    def handler(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        if offset == 0:
            obs = [{"date": "2024-01-01", "value": "1.5"}, {"date": "2024-02-01", "value": "."}]
        else:
            obs = [{"date": "2024-03-01", "value": "2.25"}]
        return httpx.Response(200, json={"count": 3, "offset": offset, "observations": obs})

    async with make_client(handler) as client:
        rows = await client.get_observations("UNRATE", start=dt.date(2024, 1, 1))

    assert [r.value for r in rows] == [Decimal("1.5"), None, Decimal("2.25")]
    assert rows[-1].date == dt.date(2024, 3, 1)


async def test_circuit_opens_and_fails_fast():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502)

    breaker = CircuitBreaker(threshold=2, reset_after=60)
    async with make_client(handler, max_retries=0, breaker=breaker) as client:
        for _ in range(2):
            with pytest.raises(FredUnavailable):
                await client.get_series_info("GDP")
        with pytest.raises(FredUnavailable, match="circuit open"):
            await client.get_series_info("GDP")

    assert len(calls) == 2


async def test_limiter_is_awaited_per_attempt():
    waits = []

    async def limiter() -> None:
        waits.append(1)

    responses = iter([httpx.Response(500), httpx.Response(200, json={"seriess": [{"id": "X"}]})])
    async with make_client(lambda r: next(responses), limiter=limiter) as client:
        await client.get_series_info("X")

    assert len(waits) == 2


def test_parse_retry_after_variants():
    assert _parse_retry_after("12") == 12.0
    assert _parse_retry_after(None) is None
    assert _parse_retry_after("not a date") is None
