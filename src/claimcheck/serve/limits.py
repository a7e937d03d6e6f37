"""Limits and safety of ``claimcheck serve``: body size cap (413), checks in flight (503) and
the headers every response carries (CSP, no caching, no sniffing, no referrer).

The size cap is enforced twice: a ``Content-Length`` over it is refused before anything is
read, and a body without one is counted as it streams in and cut off at the cap. The in-flight
gate never queues: past ``max_inflight`` a request is answered at once with 503 and
``Retry-After``, so a burst costs memory and time bounded by ``max_inflight × max_bytes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_INFLIGHT = 8
DEFAULT_TIMEOUT = 15.0
#: seconds a client told "busy" (503) is asked to wait
RETRY_AFTER = 5
#: room for the form's field names, boundaries and the other fields around the largest one
FORM_OVERHEAD = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """What one server allows; filled from ``claimcheck serve``'s options."""

    max_bytes: int = DEFAULT_MAX_BYTES  # a text, an upload or a fetched page
    timeout: float = DEFAULT_TIMEOUT  # fetching an address, seconds
    max_inflight: int = DEFAULT_MAX_INFLIGHT  # checks in progress at once
    allow_private: bool = False  # fetch loopback, private and link-local addresses too

    @property
    def max_body(self) -> int:
        """The largest request body accepted: one input plus the form around it."""
        return self.max_bytes + FORM_OVERHEAD


def too_large_message(size: int | None, limit: int) -> str:
    """The 413 line, worded like the CLI's ``too_large`` errors."""
    what = f"the request is {size:,} bytes" if size is not None else "the request is"
    return f"{what}, over the --max-bytes limit of {limit:,} bytes; stopped reading"


def busy_message(limit: int) -> str:
    return (f"busy: {limit} checks are already running; try again in {RETRY_AFTER} seconds")


class TooLarge(Exception):
    """The request body went past the cap while it was being read."""


class Gate:
    """Counts the checks in flight; ``enter`` says no (instead of waiting) when all are taken."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0

    def enter(self) -> bool:
        # runs on the event loop only, so the check and the increment cannot interleave
        if self.in_flight >= self.limit:
            return False
        self.in_flight += 1
        return True

    def leave(self) -> None:
        self.in_flight -= 1


#: (scope, status, one plain line) -> the response to send: HTML for the page, JSON for the API
Reject = Callable[[Scope, int, str], Response]


class BodyLimit:
    """ASGI middleware: refuse a request body over ``limit`` bytes with 413 and one plain line."""

    def __init__(self, app: ASGIApp, limit: int, reject: Reject) -> None:
        self.app = app
        self.limit = limit
        self.reject = reject

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            response = self.reject(scope, 413, too_large_message(int(length), self.limit))
            await response(scope, receive, send)
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except TooLarge:
            if started:
                raise
            await self.reject(scope, 413, too_large_message(None, self.limit))(
                scope, receive, send)


#: sent with every response: nothing is loaded from elsewhere, cached, framed or sniffed
SAFETY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


class SafetyHeaders:
    """ASGI middleware: add ``SAFETY_HEADERS`` and the Content-Security-Policy to each response."""

    def __init__(self, app: ASGIApp, csp: str) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in
                        {**SAFETY_HEADERS, "Content-Security-Policy": csp}.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in names]
            await send(message)

        await self.app(scope, receive, with_headers)
