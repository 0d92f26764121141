"""Flask application factory for the training platform API."""
from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import Settings
from app.errors import register_error_handlers
from app.extensions import build_engine, build_redis, build_session_factory
from app.logging_setup import configure_logging, request_id_var
from app.metrics import HTTP_LATENCY, HTTP_REQUESTS
from app.ratelimit import RateLimiter

log = logging.getLogger(__name__)

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def create_app(settings: Settings | None = None, *, redis_client=None, engine=None) -> Flask:
    settings = settings or Settings.from_env()
    configure_logging("api", settings.log_level)

    app = Flask(__name__)
    app.config.update(
        SETTINGS=settings,
        MAX_CONTENT_LENGTH=settings.max_content_length,
        JSON_SORT_KEYS=False,
        PROPAGATE_EXCEPTIONS=False,
    )
    if settings.trusted_proxy_hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops,
                                x_proto=settings.trusted_proxy_hops)

    engine = engine if engine is not None else build_engine(settings)
    session_factory = build_session_factory(engine)
    app.extensions["db_engine"] = engine
    redis_client = redis_client or build_redis(settings)
    app.extensions["redis"] = redis_client
    app.extensions["rate_limiter"] = RateLimiter(redis_client, enabled=settings.rate_limit_enabled)

    def request_session():
        if "db_session" not in g:
            g.db_session = session_factory()
        return g.db_session

    app.extensions["db_session"] = request_session

    @app.teardown_appcontext
    def close_session(exc):
        session = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    _install_request_hooks(app, settings)
    register_error_handlers(app)

    from app.blueprints.filesystem import bp as filesystem_bp
    from app.blueprints.health import bp as health_bp
    from app.blueprints.training import bp as training_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(training_bp)
    app.register_blueprint(filesystem_bp)

    _register_cli(app, session_factory, settings)
    log.info("api configured", extra={"env": settings.env})
    return app


def _install_request_hooks(app: Flask, settings: Settings) -> None:
    allowed_origins = set(settings.cors_allowed_origins)

    @app.before_request
    def start_request():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
        g.request_token = request_id_var.set(g.request_id)
        g.started = time.perf_counter()

    @app.after_request
    def finish_request(response):
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        HTTP_REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        HTTP_LATENCY.labels(request.method, endpoint).observe(elapsed)

        response.headers["X-Request-ID"] = g.get("request_id", "")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"

        origin = request.headers.get("Origin")
        if origin and origin in allowed_origins:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Idempotency-Key, X-Request-ID"
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Max-Age"] = "600"
            response.headers.add("Vary", "Origin")

        if endpoint not in ("/healthz", "/readyz", "/metrics"):
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": endpoint,
                    "status": response.status_code,
                    "duration_ms": round(elapsed * 1000, 1),
                    "key_id": getattr(g.get("principal"), "key_id", None),
                },
            )
        return response

    @app.teardown_request
    def reset_request_id(exc):
        token = g.pop("request_token", None)
        if token is not None:
            request_id_var.reset(token)


def _register_cli(app: Flask, session_factory, settings: Settings) -> None:
    import click

    from app.auth import generate_api_key, hash_api_key
    from app.extensions import session_scope
    from app.models import ApiKey, Owner

    @app.cli.command("create-api-key")
    @click.option("--owner-name", required=True)
    @click.option("--scopes", default="training", show_default=True)
    def create_api_key(owner_name: str, scopes: str) -> None:
        """Create an owner (if needed) and print a new API key once."""
        raw = generate_api_key()
        with session_scope(session_factory) as session:
            owner = session.query(Owner).filter_by(name=owner_name).one_or_none()
            if owner is None:
                owner = Owner(name=owner_name)
                session.add(owner)
                session.flush()
            session.add(ApiKey(owner_id=owner.id, prefix=raw[:8],
                               key_hash=hash_api_key(raw, settings.api_key_pepper), scopes=scopes))
        click.echo(raw)
