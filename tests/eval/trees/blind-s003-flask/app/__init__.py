"""Economic indicators API (FRED-backed) - application factory."""
from __future__ import annotations

import logging
from typing import Optional

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from app.config import Settings, get_settings
from app.extensions import build_engine_options, cors, db, init_db, init_redis, migrate
from app.logging_config import configure_logging
from app.middleware import register_middleware
from app.validation import validate_settings

logger = logging.getLogger(__name__)


def create_app(settings: Optional[Settings] = None) -> Flask:
    settings = settings or get_settings()
    configure_logging(settings)

    errors, warnings = validate_settings(settings)
    for message in warnings:
        logger.warning("Configuration warning: %s", message)
    if errors:
        for message in errors:
            logger.error("Configuration error: %s", message)
        raise RuntimeError(f"Invalid configuration ({len(errors)} error(s)); see log for details")

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.SECRET_KEY,
        SQLALCHEMY_DATABASE_URI=settings.DATABASE_URL,
        SQLALCHEMY_ENGINE_OPTIONS=build_engine_options(settings),
        SQLALCHEMY_TRACK_MODIFICATIONS=False,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=64 * 1024,
        DEBUG=settings.DEBUG,
    )
    app.extensions["econdash.settings"] = settings

    db.init_app(app)
    migrate.init_app(app, db)
    cors.init_app(
        app,
        resources={r"/api/*": {"origins": settings.CORS_ORIGINS}},
        supports_credentials=True,
        max_age=600,
    )

    init_redis(settings)
    init_db(app)

    register_middleware(app)
    _register_blueprints(app)
    _register_error_handlers(app)

    logger.info("Application started", extra={"settings": settings.safe_summary()})
    return app


def _register_blueprints(app: Flask) -> None:
    from app.api.admin import admin_bp
    from app.api.data import data_bp
    from app.api.health import health_bp
    from app.api.watchlists import watchlists_bp
    from app.auth import auth_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(data_bp)
    app.register_blueprint(watchlists_bp)
    app.register_blueprint(admin_bp)


def _register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        response = jsonify(error=exc.name, message=exc.description)
        response.status_code = exc.code or 500
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc: Exception):
        logger.exception("Unhandled error: %s", exc)
        return jsonify(error="internal_error", message=str(exc)), 500

    @app.teardown_appcontext
    def shutdown_session(exception=None):
        if exception is not None:
            db.session.rollback()
        db.session.remove()
