from __future__ import annotations

import logging

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class ApiError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, status_code: int | None = None, code: str | None = None,
                 details: dict | None = None, headers: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code
        self.details = details or {}
        self.headers = headers or {}


class ValidationError(ApiError):
    status_code = 422
    code = "validation_error"


class NotFound(ApiError):
    status_code = 404
    code = "not_found"


class Conflict(ApiError):
    status_code = 409
    code = "conflict"


class Forbidden(ApiError):
    status_code = 403
    code = "forbidden"


class Unauthorized(ApiError):
    status_code = 401
    code = "unauthorized"


class ServiceUnavailable(ApiError):
    status_code = 503
    code = "service_unavailable"


def _body(code: str, message: str, details: dict | None = None) -> dict:
    body: dict = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(err: ApiError):
        if err.status_code >= 500:
            log.warning("request failed: %s", err.message, extra={"error_code": err.code})
        response = jsonify(_body(err.code, err.message, err.details))
        response.status_code = err.status_code
        for name, value in err.headers.items():
            response.headers[name] = value
        return response

    @app.errorhandler(HTTPException)
    def handle_http_exception(err: HTTPException):
        response = jsonify(_body(err.name.lower().replace(" ", "_"), err.description or err.name))
        response.status_code = err.code or 500
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        # Full traceback goes to the log; the client only sees a generic message.
        log.exception("unhandled error")
        return jsonify(_body("internal_error", "internal server error")), 500
