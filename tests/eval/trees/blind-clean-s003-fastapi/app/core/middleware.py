"""Pure-ASGI middleware: request ids, access logging, metrics and a body size cap."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from fastapi import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core import metrics
from app.core.logging import request_id_var

logger = logging.getLogger("app.access")

_REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{8,64}")
_QUIET_PATHS = {"/health/liveness", "/health/readiness", "/metrics"}


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, max_body_bytes: int = 64 * 1024) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)

        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self._reject(send, 413, b'{"detail":"request body too large"}', request_id)
            request_id_var.reset(token)
            return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise _BodyTooLarge
            return message

        status_code = 500
        response_started = False
        started = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status_code, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status_code = message["status"]
                message.setdefault("headers", [])
                message["headers"].append((b"x-request-id", request_id.encode()))
                message["headers"].append((b"x-content-type-options", b"nosniff"))
            await send(message)

        metrics.HTTP_IN_FLIGHT.inc()
        try:
            await self.app(scope, limited_receive, send_wrapper)
        except _BodyTooLarge:
            # Normally FastAPI turns this into a 413 response itself; this covers
            # bodies read outside a route (e.g. by other middleware).
            status_code = 413
            if not response_started:
                await self._reject(send, 413, b'{"detail":"request body too large"}', request_id)
        except Exception:
            # Handled here rather than by an app-level handler so the error is
            # logged, and answered, while the request id is still bound.
            status_code = 500
            logger.exception("unhandled exception", extra={"method": scope["method"], "path": scope["path"]})
            if response_started:
                raise
            body = json.dumps({"detail": "internal server error", "request_id": request_id}).encode()
            await self._reject(send, 500, body, request_id)
        finally:
            metrics.HTTP_IN_FLIGHT.dec()
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_label = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            metrics.HTTP_REQUESTS.labels(method, route_label, str(status_code)).inc()
            metrics.HTTP_LATENCY.labels(method, route_label).observe(elapsed)

            principal = scope.get("state", {}).get("principal")
            fields = {
                "method": method,
                "path": scope["path"],
                "route": route_label,
                "status": status_code,
                "duration_ms": round(elapsed * 1000, 2),
                "client_id": getattr(principal, "client_id", None),
            }
            if status_code >= 500:
                logger.error("request failed", extra=fields)
            elif scope["path"] not in _QUIET_PATHS or status_code >= 400:
                logger.info("request", extra=fields)
            request_id_var.reset(token)

    @staticmethod
    async def _reject(send: Send, status_code: int, body: bytes, request_id: str) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status_code,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-request-id", request_id.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(HTTPException):
    # Subclasses fastapi.HTTPException so FastAPI's body parsing re-raises it
    # as-is (other exceptions there become a generic 400).
    def __init__(self) -> None:
        super().__init__(status_code=413, detail="request body too large")
