"""Request parameters and response bodies."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# FRED series ids are upper-case letters, digits and a few separators (e.g. "DGS10", "T10Y2Y").
SERIES_ID_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_.]{0,63}")

EARLIEST_DATE = dt.date(1776, 7, 4)  # FRED's documented lower bound for observation_start
MAX_PAGE_SIZE = 1000


class ObservationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    date: dt.date
    value: Decimal | None


class SeriesOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str
    units: str
    frequency: str
    seasonal_adjustment: str | None = None
    source_last_updated: dt.datetime | None = None


class SeriesPage(BaseModel):
    series: SeriesOut
    observations: list[ObservationOut]
    next_cursor: dt.date | None = Field(
        default=None, description="Pass as `after` to fetch the next page; null on the last page."
    )


class CurrentValue(BaseModel):
    series_id: str
    title: str
    units: str
    date: dt.date
    value: Decimal | None


class CurrentValues(BaseModel):
    values: list[CurrentValue]
    as_of: dt.datetime


class ObservationQuery(BaseModel):
    """Validated query parameters for the observations endpoint."""

    start: dt.date | None = Field(default=None, ge=EARLIEST_DATE)
    end: dt.date | None = Field(default=None, ge=EARLIEST_DATE)
    after: dt.date | None = Field(default=None, ge=EARLIEST_DATE)
    limit: int = Field(default=500, ge=1, le=MAX_PAGE_SIZE)

    @model_validator(mode="after")
    def _range_is_ordered(self) -> ObservationQuery:
        if self.start and self.end and self.start > self.end:
            raise ValueError("start must be on or before end")
        return self


class RefreshRequest(BaseModel):
    series_ids: list[str] = Field(min_length=1, max_length=10)

    @field_validator("series_ids")
    @classmethod
    def _ids_are_valid(cls, value: list[str]) -> list[str]:
        normalised = [s.strip().upper() for s in value]
        bad = [s for s in normalised if not SERIES_ID_PATTERN.fullmatch(s)]
        if bad:
            raise ValueError(f"invalid series ids: {bad[:5]}")
        return list(dict.fromkeys(normalised))


class RefreshResult(BaseModel):
    refreshed: list[str]
    failed: dict[str, str]


class HealthStatus(BaseModel):
    status: str
    checks: dict[str, str] = Field(default_factory=dict)
    version: str
