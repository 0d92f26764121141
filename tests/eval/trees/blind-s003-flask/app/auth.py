"""Authentication: JWT bearer tokens for users, a shared token for admin calls."""
from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta, timezone

import jwt
from flask import Blueprint, abort, current_app, g, jsonify, request

from app.config import get_settings
from app.extensions import db
from app.models import User

logger = logging.getLogger(__name__)

auth_bp = Blueprint("auth", __name__, url_prefix="/api/auth")

JWT_ALGORITHM = "HS256"
MAX_PASSWORD_LENGTH = 256


def issue_token(user: User) -> str:
    settings = get_settings()
    now = datetime.now(timezone.utc)
    payload = {
        "sub": str(user.id),
        "iat": now,
        "exp": now + timedelta(minutes=settings.JWT_EXPIRY_MINUTES),
    }
    return jwt.encode(payload, current_app.config["SECRET_KEY"], algorithm=JWT_ALGORITHM)


def _decode_bearer() -> dict:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        abort(401, description="missing bearer token")
    try:
        return jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=[JWT_ALGORITHM])
    except jwt.ExpiredSignatureError:
        abort(401, description="token expired")
    except jwt.InvalidTokenError:
        abort(401, description="invalid token")


def require_auth(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        claims = _decode_bearer()
        user = db.session.get(User, int(claims["sub"]))
        if user is None or not user.is_active:
            abort(401, description="unknown or inactive user")
        g.current_user = user
        return view(*args, **kwargs)

    return wrapper


def require_admin(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        settings = get_settings()
        supplied = request.headers.get("X-Admin-Token", "")
        if supplied != settings.ADMIN_API_TOKEN:
            logger.warning("Rejected admin request to %s from %s", request.path, request.remote_addr)
            abort(403, description="admin token required")
        return view(*args, **kwargs)

    return wrapper


@auth_bp.post("/login")
def login():
    payload = request.get_json(silent=True) or {}
    email = str(payload.get("email", "")).strip().lower()
    password = str(payload.get("password", ""))

    if not email or not password or len(password) > MAX_PASSWORD_LENGTH:
        abort(400, description="email and password are required")

    user = User.query.filter_by(email=email).first()
    if user is None or not user.is_active or not user.check_password(password):
        logger.info("Failed login for %s", email)
        abort(401, description="invalid credentials")

    return jsonify(access_token=issue_token(user), token_type="bearer")


@auth_bp.get("/me")
@require_auth
def me():
    user = g.current_user
    return jsonify(id=user.id, email=user.email, created_at=user.created_at.isoformat())
