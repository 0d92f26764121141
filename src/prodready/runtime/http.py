"""Probe transport: aiohttp for ordinary requests (429 honoured), raw sockets where the protocol
itself is the test (oversized bodies streamed against a limit, headers trickled against a timeout)."""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from prodready.runtime.model import EVIDENCE_HEADERS, USER_AGENT, Exchange, excerpt

MAX_READ = 64 * 1024
MAX_RETRY_AFTER_S = 10.0


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(str(info[4][0]).split("%")[0]).is_loopback for info in infos)


def relevant_headers(headers: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in EVIDENCE_HEADERS:
        value = headers.get(name)
        if value is not None:
            found[name] = str(value)
    return found


@dataclass
class Prober:
    """Sends probe requests to one base URL and remembers rate-limit back-offs."""

    base_url: str
    session: aiohttp.ClientSession
    timeout_s: float = 5.0
    waited_s: float = 0.0  # time spent honouring Retry-After
    throttled: int = 0  # answers that stayed 429 after waiting
    log: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    async def send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: bytes | str | None = None,
        timeout_s: float | None = None,
        honour_429: bool = True,
        shown_body: str | None = None,
    ) -> Exchange:
        """One request; a 429 (not asked for) is waited out per Retry-After, at most twice."""
        attempt = 0
        while True:
            exchange = await self._once(method, path, headers or {}, body, timeout_s or self.timeout_s, shown_body)
            if exchange.status != 429 or not honour_429 or attempt >= 2:
                if exchange.status == 429 and honour_429:
                    self.throttled += 1
                return exchange
            wait = min(retry_after_seconds(exchange.header("retry-after")) or 1.0, MAX_RETRY_AFTER_S)
            self.log.append(f"429 on {method} {path}: waited {wait:.1f} s (Retry-After)")
            self.waited_s += wait
            await asyncio.sleep(wait)
            attempt += 1

    async def _once(
        self, method: str, path: str, headers: dict[str, str], body: bytes | str | None, timeout_s: float,
        shown_body: str | None,
    ) -> Exchange:
        sent = {"User-Agent": USER_AGENT, **headers}
        exchange = Exchange(
            method=method, path=path, request_headers={k: v for k, v in headers.items()},
            request_body=shown_body if shown_body is not None else _shown(body),
        )
        started = time.monotonic()
        try:
            async with self.session.request(
                method, self.url(path), headers=sent, data=body, allow_redirects=False,
                timeout=aiohttp.ClientTimeout(total=timeout_s),
            ) as response:
                raw = await response.content.read(MAX_READ)
                exchange.status = response.status
                exchange.headers = relevant_headers(response.headers)
                text = raw.decode("utf-8", "replace")
                exchange.full_body = text
                exchange.body = excerpt(text)
        except TimeoutError:
            exchange.error = f"timed out after {timeout_s:.1f} s"
        except (aiohttp.ClientError, OSError) as exc:
            exchange.error = f"{type(exc).__name__}: {exc}"[:200]
        exchange.elapsed_ms = (time.monotonic() - started) * 1000
        return exchange


def _shown(body: bytes | str | None) -> str:
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return excerpt(text, size=120)


async def _connect(base_url: str, timeout_s: float) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, str]:
    parts = urlsplit(base_url)
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    host = parts.hostname or "127.0.0.1"
    context = ssl.create_default_context() if secure else None
    reader, writer = await asyncio.wait_for(
        asyncio.open_connection(host, port, ssl=context, server_hostname=host if secure else None), timeout_s
    )
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return reader, writer, host_header


def _parse_head(raw: bytes) -> tuple[int | None, dict[str, str], str]:
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = None
    if lines and lines[0].startswith("HTTP/"):
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            status = None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, rest.decode("utf-8", "replace")


async def _read_reply(reader: asyncio.StreamReader) -> bytes:
    data = b""
    while len(data) < MAX_READ:
        chunk = await reader.read(4096)
        if not chunk:
            break
        data += chunk
        if b"\r\n\r\n" in data:
            status, headers, rest = _parse_head(data)
            length = int(headers.get("content-length", "-1") or -1) if headers.get("content-length", "").isdigit() else -1
            if length >= 0 and len(rest.encode()) >= length:
                break
            if length < 0 and "chunked" not in headers.get("transfer-encoding", ""):
                continue
            if data.endswith(b"0\r\n\r\n"):
                break
    return data


@dataclass
class StreamResult:
    exchange: Exchange
    sent_bytes: int
    declared_bytes: int
    closed_early: bool  # the server closed (or answered) before the whole body was sent


async def stream_oversized(
    base_url: str, method: str, path: str, size: int, deadline_s: float, chunk: int = 64 * 1024
) -> StreamResult:
    """Declare ``size`` bytes of JSON body and stream it; stop as soon as the server answers or closes."""
    exchange = Exchange(method=method, path=path,
                        request_headers={"Content-Type": "application/json", "Content-Length": str(size)},
                        request_body=f"<{size} bytes>")
    started = time.monotonic()
    sent = 0
    closed_early = False
    try:
        reader, writer, host = await _connect(base_url, deadline_s)
    except (OSError, TimeoutError) as exc:
        exchange.error = f"cannot connect: {exc}"
        return StreamResult(exchange, 0, size, False)
    head = (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {size}\r\nConnection: close\r\n\r\n")
    reply_task = asyncio.ensure_future(_read_reply(reader))
    try:
        writer.write(head.encode())
        await writer.drain()
        block = b"a" * chunk
        budget = max(deadline_s * 4, 10.0)
        while sent < size and not reply_task.done() and time.monotonic() - started < budget:
            piece = block[: min(chunk, size - sent)]
            writer.write(piece)
            await asyncio.wait_for(writer.drain(), budget)
            sent += len(piece)
        closed_early = sent < size
        raw = await asyncio.wait_for(reply_task, max(deadline_s * 2, 5.0))
    except TimeoutError:
        raw = b""
        exchange.error = f"no answer within {max(deadline_s * 2, 5.0):.0f} s after {sent} bytes"
    except (ConnectionError, OSError) as exc:
        closed_early = True
        try:
            raw = await asyncio.wait_for(reply_task, 2.0)
        except (TimeoutError, ConnectionError, OSError):
            raw = b""
            exchange.error = f"{type(exc).__name__} after {sent} bytes"
    finally:
        if not reply_task.done():
            reply_task.cancel()
        writer.close()
    exchange.elapsed_ms = (time.monotonic() - started) * 1000
    if raw:
        status, headers, rest = _parse_head(raw)
        exchange.status = status
        exchange.headers = relevant_headers(headers)
        exchange.full_body = rest
        exchange.body = excerpt(rest)
    elif not exchange.error:
        exchange.error = f"connection closed without an answer after {sent} bytes"
    return StreamResult(exchange, sent, size, closed_early)


async def trickle_headers(base_url: str, path: str, deadline_s: float, interval_s: float = 1.0) -> Exchange:
    """Send request headers one line per interval; report when (if) the server cuts us off."""
    exchange = Exchange(method="GET", path=path, request_headers={"X-Prodready-Slow": f"one header line per {interval_s:g} s"})
    started = time.monotonic()
    try:
        reader, writer, host = await _connect(base_url, min(deadline_s, 5.0))
    except (OSError, TimeoutError) as exc:
        exchange.error = f"cannot connect: {exc}"
        return exchange
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {USER_AGENT}\r\n".encode())
        await writer.drain()
        number = 0
        while time.monotonic() - started < deadline_s:
            try:
                data = await asyncio.wait_for(reader.read(4096), interval_s)
            except TimeoutError:
                number += 1
                writer.write(f"X-Prodready-Slow-{number}: 1\r\n".encode())
                await writer.drain()
                continue
            if not data:
                exchange.error = "connection closed by the server"
            else:
                status, headers, rest = _parse_head(data)
                exchange.status = status
                exchange.headers = relevant_headers(headers)
                exchange.body = excerpt(rest)
            break
        else:
            exchange.error = f"still open after {deadline_s:.0f} s"
    except (ConnectionError, OSError) as exc:
        exchange.error = f"connection closed by the server ({type(exc).__name__})"
    finally:
        writer.close()
    exchange.elapsed_ms = (time.monotonic() - started) * 1000
    return exchange
