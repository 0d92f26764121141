"""PR-CT-321 judges a build stage a year after its line ends, and the shipped image from day one."""

from __future__ import annotations

import datetime as real_datetime
from pathlib import Path

import pytest

from prodready.api import AuditSettings, audit
from prodready.config import Config
from prodready.rules.container import end_of_life_image

DOCKERFILE = """\
FROM node:20-alpine AS build
RUN npm ci && npm run build

FROM node:20-alpine
COPY --from=build /app/dist ./dist
CMD ["node", "dist/server.js"]
"""


def _on(day: real_datetime.date, monkeypatch: pytest.MonkeyPatch) -> None:
    class FixedDate(real_datetime.date):
        @classmethod
        def today(cls) -> real_datetime.date:
            return day

    monkeypatch.setattr(end_of_life_image, "date", FixedDate)


def _lines(tmp_path: Path) -> list[int | None]:
    (tmp_path / "Dockerfile").write_text(DOCKERFILE, "utf-8")
    settings = AuditSettings(use_cache=False, jobs=1, config=Config(), select=frozenset({"PR-CT-321"}))
    report = audit(tmp_path, settings)
    return sorted(loc.line or 0 for f in report.findings for loc in f.all_locations)


def test_shipped_image_is_reported_the_day_its_line_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _on(real_datetime.date(2026, 5, 1), monkeypatch)  # Node 20 ended on 2026-04-30
    assert _lines(tmp_path) == [4]


def test_build_stage_is_reported_a_year_later(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _on(real_datetime.date(2027, 5, 1), monkeypatch)
    assert _lines(tmp_path) == [1, 4]


def test_nothing_before_the_line_ends(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _on(real_datetime.date(2026, 4, 29), monkeypatch)
    assert _lines(tmp_path) == []
