"""FastAPI application for the fine-tuning service API."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from app.clients.model_registry import ModelRegistryClient
from app.config import get_settings
from app.db import init_db
from app.logging_setup import configure_logging
from app.progress_relay import relay_progress
from app.redis_client import close_redis
from app.routes import filesystem, health, training, ws
from app.ws_manager import manager

settings = get_settings()
configure_logging(settings.log_level, service="api")
logger = logging.getLogger(__name__)


@asynccontextmanager
async def lifespan(app: FastAPI):
    init_db()
    app.state.model_registry = ModelRegistryClient(settings)
    relay_task = asyncio.create_task(relay_progress(), name="progress-relay")
    logger.info("api started environment=%s", settings.environment)
    try:
        yield
    finally:
        relay_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await relay_task
        await manager.close_all()
        await app.state.model_registry.aclose()
        await close_redis()
        logger.info("api stopped")


app = FastAPI(
    title="Fine-tuning Service",
    version="1.4.0",
    debug=settings.debug,
    lifespan=lifespan,
)

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origin_list,
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)


@app.exception_handler(Exception)
async def unhandled_exception_handler(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    return JSONResponse(status_code=500, content={"detail": "Internal server error"})


app.include_router(health.router)
app.include_router(training.router)
app.include_router(filesystem.router)
app.include_router(ws.router)
