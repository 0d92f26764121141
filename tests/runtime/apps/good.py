"""A well-behaved service: health and readiness, a body limit, a login rate limit with Retry-After,
CORS for one origin, auth on the orders API, security headers, generic errors, a header timeout."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from uvicorn.protocols.http.h11_impl import H11Protocol

BODY_LIMIT = 1024 * 1024
HEADER_TIMEOUT_S = 1.0
TOKEN = "Bearer good-app-test-token"


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn has no header read timeout; this closes a connection whose first request is not in by then."""

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_timer = asyncio.get_running_loop().call_later(HEADER_TIMEOUT_S, self._header_deadline)

    def _header_deadline(self) -> None:
        if self.cycle is None:
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self._header_timer.cancel()
        super().connection_lost(exc)


HTTP_PROTOCOL = HeaderTimeoutProtocol


class BodyLimit:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            length = dict(scope["headers"]).get(b"content-length")
            if length is not None and int(length) > BODY_LIMIT:
                await JSONResponse({"detail": "request body too large"}, 413)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class SecurityHeaders:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] += [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY")]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True,
                   allow_methods=["*"], allow_headers=["*"])
app.add_middleware(BodyLimit)
app.add_middleware(SecurityHeaders)

attempts: dict[str, list[float]] = {}


@app.exception_handler(Exception)
async def internal(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": "internal error"}, 500)


def current_user(authorization: str | None = Header(None)) -> str:
    if authorization != TOKEN:
        raise HTTPException(401, "not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return "user"


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.get("/readyz")
async def readyz() -> dict[str, Any]:
    await asyncio.sleep(0)  # stands for a database ping
    return {"status": "ready", "checks": {"db": "ok"}}


class Credentials(BaseModel):
    username: str
    password: str


@app.post("/login")
def login(credentials: Credentials, request: Request) -> JSONResponse:
    client = request.client.host if request.client else "?"
    now = time.monotonic()
    recent = [t for t in attempts.get(client, []) if now - t < 2.0][-20:]
    recent.append(now)
    attempts[client] = recent
    if len(recent) > 5:
        return JSONResponse({"detail": "too many attempts"}, 429, headers={"Retry-After": "2"})
    return JSONResponse({"detail": "invalid credentials"}, 401)


class Feedback(BaseModel):
    text: str


@app.get("/api/products")
def products() -> list[dict[str, Any]]:
    return [{"id": 1, "name": "lamp"}]


@app.post("/api/feedback")
def feedback(body: Feedback) -> dict[str, str]:
    return {"status": "thanks"}


@app.get("/api/orders")
def orders(user: str = Depends(current_user)) -> list[dict[str, Any]]:
    return [{"id": 1}]


@app.get("/api/orders/{order_id}")
def order(order_id: int, user: str = Depends(current_user)) -> dict[str, Any]:
    return {"id": order_id}
