"""Making audited text (file names, code, messages quoting code) inert in each output format.

Terminal: control characters (escape sequences, OSC 8 hyperlinks, window titles, bidi overrides)
are shown as visible ``\\x1b`` escapes, and Rich markup is escaped. Markdown: HTML is escaped,
link syntax and ``javascript:`` neutralised, code spans fenced with more backticks than they hold.
"""

from __future__ import annotations

import re

from prodready.lazyre import lazy_compile

_CONTROL = lazy_compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def strip_controls(text: object, *, keep_newlines: bool = False) -> str:
    """Control characters shown as visible escapes; newlines become spaces unless kept."""
    value = str(text)
    if not keep_newlines:
        value = value.replace("\r\n", " ").replace("\n", " ")
    return _CONTROL.sub(_visible, value)


def term(text: object) -> str:
    """Safe to hand to Rich as markup: no control characters, no markup tags."""
    from rich.markup import escape

    return escape(strip_controls(text))


_MD_SPECIAL = lazy_compile(r"[\\<>&\[\]]")
_JS_SCHEME = lazy_compile(r"(?i)\b(java|vb)script\s*:|\bdata\s*:")


def md_text(text: object) -> str:
    """Inline Markdown text: HTML escaped, emphasis/link/image syntax escaped, no script links."""
    value = strip_controls(text)
    value = _MD_SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;", "&": "&amp;"}.get(m.group(), "\\" + m.group()), value)
    return _JS_SCHEME.sub(lambda m: m.group().replace(":", "&#58;"), value)


def md_code(text: object) -> str:
    """An inline code span that no backtick in ``text`` can close early."""
    value = strip_controls(text)
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def md_cell(text: object) -> str:
    """Table cell text: md_text with `|` escaped."""
    return md_text(text).replace("|", "\\|")
