"""Application factory and process lifecycle."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from app import __version__
from app.auth.deps import UserCache
from app.auth.passwords import hash_password
from app.config import get_settings
from app.db.mongo import Mongo
from app.db.repositories import MessageRepository, OriginRepository, SessionRepository, UserRepository
from app.llm.client import LLMClient
from app.logging_setup import configure_logging
from app.metrics import ServiceStats
from app.ratelimit import SlidingWindowLimiter
from app.routes import admin, auth, health
from app.sessions.manager import SessionManager
from app.ws import handler as ws_handler
from app.ws.hub import Hub
from app.ws.origin import OriginValidator

logger = logging.getLogger("parley")


async def _reload_origins_periodically(validator: OriginValidator, interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            total = await validator.reload()
            logger.debug("origin allow-list reloaded", extra={"origins": total})
        except Exception:
            logger.exception("origin allow-list reload failed")


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_json)

    mongo = Mongo(settings)
    await mongo.ensure_indexes()

    state = app.state
    state.settings = settings
    state.mongo = mongo
    state.users = UserRepository(mongo.db)
    state.session_repo = SessionRepository(mongo.db)
    state.message_repo = MessageRepository(mongo.db)
    state.origin_repo = OriginRepository(mongo.db)
    state.user_cache = UserCache()
    state.llm = LLMClient(settings)
    state.hub = Hub(settings.ws_max_connections_per_user)
    state.sessions = SessionManager()
    state.limiter = SlidingWindowLimiter(settings.rate_limit_messages, settings.rate_limit_window_seconds)
    state.stats = ServiceStats()
    state.origins = OriginValidator(settings.ws_allowed_origins, state.origin_repo)
    await state.origins.reload()

    created = await state.users.ensure(
        settings.admin_username, hash_password(settings.admin_password), role="admin"
    )
    if created:
        logger.warning("bootstrap admin user created", extra={"username": settings.admin_username})

    reload_task = asyncio.create_task(
        _reload_origins_periodically(state.origins, settings.origin_reload_interval),
        name="origin-reload",
    )
    logger.info(
        "parley gateway started",
        extra={"version": __version__, "environment": settings.environment},
    )
    try:
        yield
    finally:
        reload_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reload_task
        await state.hub.shutdown()
        await state.llm.aclose()
        mongo.close()
        logger.info("parley gateway stopped")


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Parley Gateway", version=__version__, lifespan=lifespan)

    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["*"],
        allow_headers=["*"],
    )

    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(admin.router)
    app.include_router(ws_handler.router)

    @app.exception_handler(Exception)
    async def unhandled_error(request: Request, exc: Exception) -> JSONResponse:
        logger.error(
            "unhandled error",
            extra={"method": request.method, "path": request.url.path},
            exc_info=exc,
        )
        return JSONResponse(status_code=500, content={"detail": "internal server error"})

    return app


app = create_app()
