"""Application factory and lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse

from app import __version__
from app.api.routes import admin, data, health
from app.core import database
from app.core.config import Settings, get_settings
from app.core.logging import configure_logging, request_id_var
from app.core.middleware import RequestContextMiddleware
from app.core.rate_limit import OutboundLimiter
from app.core.security import TTLCache
from app.core.validation import enforce
from app.services.cache import ResponseCache
from app.services.data_service import DataService
from app.services.fred_service import FredClient
from app.workers.refresh import RefreshWorker

logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    async with AsyncExitStack() as stack:
        # Callbacks run in reverse order on shutdown: worker, in-flight fetches,
        # HTTP client, Redis, database.
        await database.init_db(settings)
        stack.push_async_callback(database.close_db)
        redis = await database.init_redis(settings)
        stack.push_async_callback(database.close_redis)

        limiter = OutboundLimiter(redis, settings.FRED_RATE_LIMIT_PER_MINUTE)
        fred = await stack.enter_async_context(FredClient.from_settings(settings, limiter=limiter))

        data_service = DataService(database.session_factory(), fred, settings.TRACKED_SERIES)
        stack.push_async_callback(data_service.flights.drain, 10.0)

        app.state.redis = redis
        app.state.cache = ResponseCache(redis, settings.CACHE_TTL_SECONDS)
        app.state.data_service = data_service
        app.state.api_key_cache = TTLCache(settings.API_KEY_CACHE_SIZE, settings.API_KEY_CACHE_TTL_SECONDS)
        app.state.refresh_worker = None

        if settings.REFRESH_ENABLED:
            worker = RefreshWorker(
                data_service,
                app.state.cache,
                redis,
                settings.TRACKED_SERIES,
                settings.REFRESH_INTERVAL_SECONDS,
            )
            worker.start()
            stack.push_async_callback(worker.stop)
            app.state.refresh_worker = worker

        logger.info(
            "startup complete",
            extra={
                "environment": settings.ENVIRONMENT,
                "version": __version__,
                "refresh": settings.REFRESH_ENABLED,
            },
        )
        yield
        logger.info("shutdown started")
    logger.info("shutdown complete")


def _error_body(detail: object) -> dict[str, object]:
    return {"detail": detail, "request_id": request_id_var.get()}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.LOG_LEVEL, settings.LOG_JSON)
    for warning in enforce(settings):
        logger.warning("configuration warning", extra={"detail": warning})

    app = FastAPI(
        title="Macro Data API",
        version=__version__,
        lifespan=lifespan,
        debug=settings.DEBUG,
        docs_url=None if settings.is_production else "/docs",
        redoc_url=None,
        openapi_url=None if settings.is_production else "/openapi.json",
    )
    app.state.settings = settings

    # Order: added last = outermost. Request context wraps everything so that
    # CORS preflights and errors are logged with a request id too.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origin_strings,
        allow_credentials=False,
        allow_methods=["GET", "POST"],
        allow_headers=["X-API-Key", "Content-Type", "X-Request-ID"],
        expose_headers=["X-Request-ID", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"],
        max_age=600,
    )
    app.add_middleware(RequestContextMiddleware)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        # Drop "input" from the echoed errors: it can contain whatever the client sent.
        errors = [{k: v for k, v in e.items() if k in {"loc", "msg", "type"}} for e in exc.errors()]
        return JSONResponse(_error_body(errors), status_code=422)

    app.include_router(health.router)
    app.include_router(data.router)
    app.include_router(admin.router)
    return app


app = create_app()
