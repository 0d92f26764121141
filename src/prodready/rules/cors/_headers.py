"""Request headers a bearer-token API authenticates with (Authorization, X-Auth-Token, X-Api-Key).

The browser never attaches them on its own: a CORS policy that allows a wildcard origin without
credentials and lists one of them lets other sites send only requests that carry no user's token.
"""

from __future__ import annotations

import re

TOKEN_HEADER = re.compile(r"(?i)authorization|x-[\w-]*(?:token|auth\w*|api-?key)")


def is_token_header(name: str) -> bool:
    return TOKEN_HEADER.fullmatch(name.strip()) is not None


def lists_token_header(header_list: str) -> bool:
    """A header list as written in code (`"X-Auth-Token, Authorization"`, `[]string{"Authorization"}`)."""
    return any(is_token_header(name) for name in re.findall(r"[\w-]+", header_list))
