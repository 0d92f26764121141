"""Shared words for the rules that judge a client IP taken from forwarding headers."""

from __future__ import annotations

from prodready.lazyre import lazy_compile

# A file that names a trusted-proxy list or hop count (or echo's IPExtractor, gin's
# SetTrustedProxies) decides which X-Forwarded-For entries to believe: its header reads are not judged.
TRUSTED_PROXY = lazy_compile(
    r"(?i)trusted.?prox|trust.?prox|TRUSTED_HOPS|proxy_count|num_proxies|IPExtractor|SetTrustedProxies"
)
