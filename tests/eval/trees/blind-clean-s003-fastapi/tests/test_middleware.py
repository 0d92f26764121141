from __future__ import annotations

import httpx
from fastapi import FastAPI, Request

from app.core.middleware import RequestContextMiddleware


def build_app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware, max_body_bytes=100)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("kaboom")

    return app


async def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=build_app()), base_url="http://t")


async def test_request_id_is_generated_and_echoed():
    async with await _client() as client:
        generated = await client.post("/echo", content=b"hi")
        echoed = await client.post("/echo", content=b"hi", headers={"X-Request-ID": "abc12345-req"})
    assert len(generated.headers["x-request-id"]) == 32
    assert echoed.headers["x-request-id"] == "abc12345-req"


async def test_malformed_request_id_is_replaced():
    async with await _client() as client:
        response = await client.post("/echo", content=b"hi", headers={"X-Request-ID": "bad id!"})
    assert response.headers["x-request-id"] != "bad id!"


async def test_oversized_body_rejected():
    async with await _client() as client:
        response = await client.post("/echo", content=b"x" * 500)
    assert response.status_code == 413


async def test_unhandled_error_returns_json_500_with_request_id():
    async with await _client() as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    assert response.json()["request_id"] == response.headers["x-request-id"]
    assert "kaboom" not in response.text
