"""Line-free fingerprints: rule + path + normalised code + enclosing definition."""

from __future__ import annotations

import hashlib

from prodready.lazyre import lazy_compile

_WS = lazy_compile(r"\s+")


def normalise(code: str) -> str:
    return _WS.sub(" ", code).strip()


def fingerprint(rule: str, path: str | None, code: str, anchor: str, occurrence: int = 0) -> str:
    """Stable identity of a finding; survives line shifts and unrelated edits."""
    material = "\x1f".join([rule, path or "", anchor, normalise(code), str(occurrence)])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
