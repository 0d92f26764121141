"""The client knowledge table: every ecosystem's file loads, and each entry says what a reviewer
needs to act on a finding (the options that bound an operation, the default, the documentation)."""

from __future__ import annotations

import pytest

from prodready.knowledge import client_for, clients

ECOSYSTEMS = ("python", "javascript", "go")
KINDS = {"database", "cache", "directory", "http", "mail", "queue", "llm", "storage"}


@pytest.mark.parametrize("ecosystem", ECOSYSTEMS)
def test_every_entry_is_complete(ecosystem: str) -> None:
    table = clients(ecosystem)
    assert table, f"{ecosystem}.toml lists no client"
    for client in table:
        assert client.kind in KINDS, client
        assert client.calls and client.timeout_options, client
        assert client.default and client.docs.startswith("https://"), client


@pytest.mark.parametrize("ecosystem", ECOSYSTEMS)
def test_a_call_names_one_client(ecosystem: str) -> None:
    calls = [call for client in clients(ecosystem) for call in client.calls]
    assert len(calls) == len(set(calls))


def test_lookup_by_resolved_call() -> None:
    motor = client_for("python", "motor.motor_asyncio.AsyncIOMotorClient")
    assert motor is not None and "socketTimeoutMS" in motor.timeout_options
    assert client_for("javascript", "mongoose.connect") is not None
    assert client_for("javascript", "mongoose.model") is None
    assert client_for("ruby", "anything") is None


def test_image_lines_have_dates_and_sources() -> None:
    from datetime import date

    from prodready.knowledge import image_lines

    table = image_lines()
    assert {"node", "python", "golang", "postgres"} <= table.keys()
    for image in table.values():
        assert image.docs.startswith("https://") and image.lines, image.name
        assert all(isinstance(day, date) for day in image.lines.values()), image.name


def test_generated_tables_are_fresh() -> None:
    from prodready.knowledge import TABLES_PATH, render_tables

    assert TABLES_PATH.read_text("utf-8") == render_tables(), "src/prodready/knowledge/_tables.py is stale: run `make docs`"


def test_generated_tables_match_the_data_files() -> None:
    import tomllib

    from prodready.knowledge import HERE, image_lines

    for ecosystem in ECOSYSTEMS:
        entries = tomllib.loads((HERE / f"{ecosystem}.toml").read_text("utf-8"))["client"]
        assert [c.name for c in clients(ecosystem)] == [e["name"] for e in entries]
        assert [c.calls for c in clients(ecosystem)] == [tuple(e["calls"]) for e in entries]
    images = tomllib.loads((HERE / "images.toml").read_text("utf-8"))["image"]
    assert {name: dict(lines.lines) for name, lines in image_lines().items()} == {
        name: {str(k): v for k, v in entry["lines"].items()} for name, entry in images.items()
    }
