"""Database models."""
from __future__ import annotations

from datetime import datetime, timezone

from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Series(db.Model):
    __tablename__ = "series"

    id = db.Column(db.Integer, primary_key=True)
    series_id = db.Column(db.String(32), nullable=False, unique=True, index=True)
    title = db.Column(db.String(512), nullable=False)
    units = db.Column(db.String(128))
    frequency = db.Column(db.String(32))
    seasonal_adjustment = db.Column(db.String(64))
    observation_start = db.Column(db.Date)
    observation_end = db.Column(db.Date)
    last_updated = db.Column(db.DateTime(timezone=True))
    popularity = db.Column(db.Integer)
    notes = db.Column(db.Text)
    refreshed_at = db.Column(db.DateTime(timezone=True))

    observations = db.relationship(
        "Observation", back_populates="series", lazy="dynamic", cascade="all, delete-orphan"
    )

    def to_dict(self) -> dict:
        return {
            "series_id": self.series_id,
            "title": self.title,
            "units": self.units,
            "frequency": self.frequency,
            "seasonal_adjustment": self.seasonal_adjustment,
            "observation_start": self.observation_start.isoformat() if self.observation_start else None,
            "observation_end": self.observation_end.isoformat() if self.observation_end else None,
            "last_updated": self.last_updated.isoformat() if self.last_updated else None,
            "refreshed_at": self.refreshed_at.isoformat() if self.refreshed_at else None,
        }


class Observation(db.Model):
    __tablename__ = "observations"
    __table_args__ = (
        db.UniqueConstraint("series_pk", "date", name="uq_observation_series_date"),
        db.Index("ix_observation_series_date_desc", "series_pk", db.text("date DESC")),
    )

    id = db.Column(db.BigInteger, primary_key=True)
    series_pk = db.Column(db.Integer, db.ForeignKey("series.id", ondelete="CASCADE"), nullable=False)
    date = db.Column(db.Date, nullable=False)
    value = db.Column(db.Numeric(20, 6), nullable=True)
    realtime_start = db.Column(db.Date)
    updated_at = db.Column(db.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    series = db.relationship("Series", back_populates="observations")

    def to_dict(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "value": float(self.value) if self.value is not None else None,
        }


class User(db.Model):
    __tablename__ = "users"

    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(255), nullable=False, unique=True, index=True)
    password_hash = db.Column(db.String(255), nullable=False)
    is_active = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    watchlists = db.relationship("Watchlist", back_populates="user", cascade="all, delete-orphan")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class Watchlist(db.Model):
    __tablename__ = "watchlists"

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name = db.Column(db.String(100), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow)

    user = db.relationship("User", back_populates="watchlists")
    items = db.relationship("WatchlistItem", back_populates="watchlist", cascade="all, delete-orphan")

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "created_at": self.created_at.isoformat(),
            "series_ids": [item.series_id for item in self.items],
        }


class WatchlistItem(db.Model):
    __tablename__ = "watchlist_items"
    __table_args__ = (db.UniqueConstraint("watchlist_id", "series_id", name="uq_watchlist_series"),)

    id = db.Column(db.Integer, primary_key=True)
    watchlist_id = db.Column(
        db.Integer, db.ForeignKey("watchlists.id", ondelete="CASCADE"), nullable=False, index=True
    )
    series_id = db.Column(db.String(32), nullable=False)

    watchlist = db.relationship("Watchlist", back_populates="items")


class RefreshLog(db.Model):
    __tablename__ = "refresh_logs"

    id = db.Column(db.Integer, primary_key=True)
    series_id = db.Column(db.String(32), nullable=False, index=True)
    status = db.Column(db.String(16), nullable=False, default="running")
    rows = db.Column(db.Integer, nullable=False, default=0)
    error = db.Column(db.Text)
    started_at = db.Column(db.DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    finished_at = db.Column(db.DateTime(timezone=True))

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "series_id": self.series_id,
            "status": self.status,
            "rows": self.rows,
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
