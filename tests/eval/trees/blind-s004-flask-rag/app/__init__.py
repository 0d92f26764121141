import logging

from flask import Flask, jsonify
from flask_cors import CORS
from werkzeug.exceptions import HTTPException

from app.config import Settings
from app.extensions import SessionLocal, init_db, init_redis


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def create_app() -> Flask:
    _configure_logging(Settings.LOG_LEVEL)

    app = Flask(__name__)
    app.config.from_object(Settings)
    app.config["JSON_SORT_KEYS"] = False
    app.config["MAX_CONTENT_LENGTH"] = 1 * 1024 * 1024

    CORS(app, origins="*", supports_credentials=True)

    init_db(Settings.DATABASE_URL)
    init_redis(Settings.REDIS_URL)

    from app.api.chat import bp as chat_bp
    from app.api.health import bp as health_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(chat_bp, url_prefix="/api/v1")

    @app.teardown_appcontext
    def _remove_session(exc):
        SessionLocal.remove()

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        return jsonify({"error": err.description}), err.code

    return app
