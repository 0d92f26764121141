"""FastAPI application entry point."""
import asyncio
import logging
import os
import time
import traceback
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from app.api import admin, auth, data, health
from app.core.config import settings
from app.core.database import close_db, close_redis, init_db, init_redis
from app.core.validation import validate_settings
from app.tasks.refresh import refresh_loop

logging.basicConfig(
    level=settings.LOG_LEVEL.upper(),
    format="%(asctime)s %(levelname)s [%(name)s] %(message)s",
)
logger = logging.getLogger("app")


@asynccontextmanager
async def lifespan(app: FastAPI):
    ok, errors = validate_settings()
    if not ok:
        for error in errors:
            logger.error("Configuration error: %s", error)
        raise RuntimeError("Refusing to start with invalid configuration")

    await init_db()
    await init_redis()
    asyncio.create_task(refresh_loop())
    logger.info("%s %s started (%s)", settings.PROJECT_NAME, settings.VERSION, settings.ENVIRONMENT)
    yield
    await close_redis()
    await close_db()
    logger.info("Shutdown complete")


app = FastAPI(title=settings.PROJECT_NAME, version=settings.VERSION, lifespan=lifespan)

app.add_middleware(
    CORSMiddleware,
    allow_origins=settings.cors_origins_list,
    allow_origin_regex=r"https://.*\.up\.railway\.app",
    allow_credentials=True,
    allow_methods=["GET", "POST", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-API-Key"],
)


@app.middleware("http")
async def log_requests(request: Request, call_next):
    start = time.perf_counter()
    response = await call_next(request)
    logger.info("%s %s -> %s", request.method, request.url.path, response.status_code)
    return response


@app.exception_handler(Exception)
async def unhandled_exception_handler(request: Request, exc: Exception):
    logger.error("Unhandled error on %s %s: %r", request.method, request.url.path, exc)
    return JSONResponse(
        status_code=500,
        content={"detail": str(exc), "trace": traceback.format_exc()},
    )


app.include_router(health.router)
app.include_router(data.router)
app.include_router(auth.router)
app.include_router(admin.router)


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        "app.main:app",
        host="0.0.0.0",
        port=int(os.getenv("PORT", "8000")),
        reload=settings.DEBUG,
    )
