"""Line-free fingerprints: rule + path + normalised code + enclosing definition."""

from __future__ import annotations

import hashlib
import re

_WS = re.compile(r"\s+")


def normalise(code: str) -> str:
    return _WS.sub(" ", code).strip()


def fingerprint(rule: str, path: str | None, code: str, anchor: str, occurrence: int = 0) -> str:
    """Stable identity of a finding; survives line shifts and unrelated edits."""
    material = "\x1f".join([rule, path or "", anchor, normalise(code), str(occurrence)])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
