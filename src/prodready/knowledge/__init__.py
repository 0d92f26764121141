"""What prodready knows about the client libraries services use, one data file per ecosystem.

Each `<ecosystem>.toml` lists client constructors: the calls that build a database, cache, HTTP,
mail or queue client, which of their options bound the time an operation may take, what the library
does when none is set, and where that is documented. Rules of every language read the same table,
so adding a client (or correcting a default) is a data change, not a rule change.

    [[client]]
    name = "pymongo"                      # the library, as users know it
    kind = "database"                     # database | cache | http | mail | queue | llm
    calls = ["pymongo.MongoClient"]       # resolved call names (Python: through the imports)
    timeout_options = ["serverSelectionTimeoutMS", "socketTimeoutMS", "timeoutMS"]
    options_arg = 1                       # JS: index of the options object argument
    url_options = true                    # the options may also come in the connection URL
    default = "socketTimeoutMS: none (waits forever); server selection 30 s"
    docs = "https://pymongo.readthedocs.io/..."
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from pathlib import Path

HERE = Path(__file__).parent  # the data files ship beside this module (package-data in pyproject)


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    kind: str
    calls: tuple[str, ...]
    timeout_options: tuple[str, ...]
    default: str
    docs: str
    options_arg: int | None = None
    url_options: bool = False


@lru_cache(maxsize=8)  # one entry per ecosystem file
def clients(ecosystem: str) -> tuple[Client, ...]:
    """The client table of one ecosystem (python, javascript, go); empty when there is none."""
    try:
        data = (HERE / f"{ecosystem}.toml").read_text("utf-8")
    except FileNotFoundError:
        return ()
    table = tomllib.loads(data)
    return tuple(
        Client(
            name=str(entry["name"]),
            kind=str(entry["kind"]),
            calls=tuple(str(c) for c in entry["calls"]),
            timeout_options=tuple(str(o) for o in entry.get("timeout_options", ())),
            default=str(entry.get("default", "")),
            docs=str(entry.get("docs", "")),
            options_arg=entry.get("options_arg"),
            url_options=bool(entry.get("url_options", False)),
        )
        for entry in table.get("client", [])
    )


def client_for(ecosystem: str, call: str, kind: str | None = None) -> Client | None:
    """The client a resolved call name builds (`pymongo.MongoClient`, `mongoose#connect`), if known."""
    for client in clients(ecosystem):
        if call in client.calls and (kind is None or client.kind == kind):
            return client
    return None


@dataclass(frozen=True, slots=True)
class ImageLines:
    """The release lines of one image and the day each one's support ended."""

    name: str
    lines: dict[str, date]
    docs: str


@cache
def image_lines() -> dict[str, ImageLines]:
    """`images.toml`: end-of-life dates of the release lines of common images, by image name."""
    table = tomllib.loads((HERE / "images.toml").read_text("utf-8"))
    return {
        name: ImageLines(name=name, lines={str(k): v for k, v in entry.get("lines", {}).items()}, docs=str(entry.get("docs", "")))
        for name, entry in table.get("image", {}).items()
    }
