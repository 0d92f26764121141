"""Application factory, lifespan and cross-cutting middleware."""
from __future__ import annotations

import logging
import time
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from prometheus_client import Counter, Histogram

from app.api import auth, chat, health
from app.config import Settings, get_settings
from app.datastores import Datastores
from app.llm import LLMClient
from app.logging_setup import configure_logging, request_id_var
from app.rag import ConversationMemory, RagService
from app.security import RateLimiter

logger = logging.getLogger("app")

REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("http_request_duration_seconds", "HTTP request latency", ["method", "route"])


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings: Settings = app.state.settings
    stores = Datastores(settings)
    llm = LLMClient(settings)
    try:
        await stores.wait_until_ready()
        app.state.stores = stores
        app.state.limiter = RateLimiter(stores.redis)
        app.state.rag = RagService(llm, ConversationMemory(stores.redis))
        logger.info("startup complete", extra={"environment": settings.ENVIRONMENT})
        yield
    finally:
        # Runs on SIGTERM after uvicorn has drained in-flight requests.
        logger.info("shutting down")
        await llm.aclose()
        await stores.close()
        logger.info("shutdown complete")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.LOG_LEVEL, settings.SERVICE_NAME)

    public_docs = not settings.is_production
    app = FastAPI(
        title="RAG Profile Agent",
        version="2.0.0",
        lifespan=lifespan,
        debug=settings.DEBUG,
        docs_url="/docs" if public_docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if public_docs else None,
    )
    app.state.settings = settings
    app.dependency_overrides[get_settings] = lambda: settings

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.allowed_origins,
        allow_credentials=False,  # bearer tokens only; no cookies cross-origin
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        max_age=600,
    )

    @app.middleware("http")
    async def request_context(request: Request, call_next):
        incoming = request.headers.get("x-request-id", "")
        request_id = incoming if 0 < len(incoming) <= 64 and incoming.isascii() else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status_code = 500
        try:
            declared = request.headers.get("content-length")
            if declared is not None and (not declared.isdigit() or int(declared) > settings.MAX_REQUEST_BYTES):
                status_code = 413
                return JSONResponse(status_code=413, content={"detail": "Request body too large"},
                                    headers={"X-Request-ID": request_id})
            response = await call_next(request)
            status_code = response.status_code
            response.headers["X-Request-ID"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            route = request.scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            REQUESTS.labels(request.method, route_path, str(status_code)).inc()
            LATENCY.labels(request.method, route_path).observe(elapsed)
            logger.info(
                "request",
                extra={"method": request.method, "route": route_path, "status": status_code,
                       "duration_ms": round(elapsed * 1000, 1)},
            )
            request_id_var.reset(token)

    @app.exception_handler(Exception)
    async def unhandled(request: Request, exc: Exception) -> JSONResponse:
        logger.error("unhandled error", exc_info=exc, extra={"route": request.url.path})
        return JSONResponse(status_code=500,
                            content={"detail": "Internal server error", "request_id": request_id_var.get()})

    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(chat.router)
    return app
