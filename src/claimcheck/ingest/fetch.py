"""URLs -> bytes and a content type, with the standard library only (urllib).

Limits, so a bad server cannot hang or flood a batch: ``timeout`` seconds for the whole fetch
(and for each socket wait), at most ``max_bytes`` read, at most ``MAX_REDIRECTS`` redirects,
http and https only. Every failure is a ``FetchError`` with an error type and one plain line;
``ingest`` turns it into that URL's error record. A ``guard`` (such as ``refuse_private``, which
``claimcheck serve`` uses) sees every URL before it is requested, the first and each redirect;
a guard with a ``peer`` method also sees the address each connection reaches.
"""

from __future__ import annotations

import functools
import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from http.client import HTTPException, responses

MAX_REDIRECTS = 5
SCHEMES = ("http", "https")
_CHUNK = 64 * 1024
_REDIRECT_CODES = {301, 302, 303, 307, 308}
#: content types that are text even though they are not text/*
_TEXTUAL = {
    "application/xhtml+xml", "application/xml", "application/json", "application/jsonl",
    "application/x-ndjson", "application/ndjson", "application/x-jsonlines", "application/csv",
    "application/pdf", "application/x-pdf",
}


class FetchError(Exception):
    """A URL could not be fetched; ``type`` is the error record's type."""

    def __init__(self, type: str, message: str) -> None:
        super().__init__(message)
        self.type = type
        self.message = message


@dataclass(frozen=True)
class Response:
    """What a successful fetch gives: the final URL, the body and its media type and charset."""

    url: str
    body: bytes
    media_type: str  # lower case, no parameters; '' when the server sent none
    charset: str | None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as HTTPError so ``fetch`` follows them itself, counting and checking."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirects)


def fetch(url: str, *, timeout: float, max_bytes: int, user_agent: str = "claimcheck",
          guard: Callable[[str], None] | None = None) -> Response:
    """GET a URL, following up to ``MAX_REDIRECTS`` redirects; raise ``FetchError`` on failure.

    ``guard(url)`` is called before each request (every redirect hop) and may raise
    ``FetchError`` to refuse it."""
    deadline = time.monotonic() + timeout
    peer = getattr(guard, "peer", None)  # a guard that also checks where connections go
    opener = _checked_opener(peer) if peer is not None else _opener()
    seen = [url]
    current = url
    while True:
        _check_scheme(current)
        if guard is not None:
            guard(current)
        request = urllib.request.Request(current, headers={
            "User-Agent": user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,text/*;q=0.8,*/*;q=0.5",
        })
        try:
            response = opener.open(request, timeout=_left(deadline, timeout))
        except urllib.error.HTTPError as exc:
            with exc:
                location = exc.headers.get("Location") if exc.headers else None
                if exc.code in _REDIRECT_CODES and location:
                    try:
                        current = urllib.parse.urljoin(current, location)
                    except ValueError:
                        raise FetchError("redirect", "the server redirected to an invalid "
                                         f"URL: {location[:200]}") from None
                    if current in seen:
                        raise FetchError("redirect", "redirect loop: " + " -> ".join(
                            seen[seen.index(current):] + [current])) from None
                    seen.append(current)
                    if len(seen) > MAX_REDIRECTS + 1:
                        raise FetchError("redirect", f"too many redirects (more than "
                                         f"{MAX_REDIRECTS}); last one to {current}") from None
                    continue
                reason = exc.reason or responses.get(exc.code, "")
                raise FetchError("http", f"HTTP {exc.code} {reason}".strip()) from None
        except (urllib.error.URLError, OSError, HTTPException, ValueError) as exc:
            raise _fetch_error(exc, current, timeout) from None
        with response:
            return _read(response, current, deadline, timeout, max_bytes)


def _check_scheme(url: str) -> None:
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise FetchError("url", f"not a valid URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise FetchError("url", f"unsupported URL scheme '{parts.scheme}:' (only http and "
                         "https URLs are fetched)")
    if not parts.hostname:
        raise FetchError("url", "the URL has no host name")


def _left(deadline: float, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("timeout", f"no complete response within {timeout:g} s (--timeout)")
    return left


def _read(response, url: str, deadline: float, timeout: float,  # type: ignore[no-untyped-def]
          max_bytes: int) -> Response:
    headers: Message = response.headers
    media_type = (headers.get_content_type() if headers.get("Content-Type") else "").lower()
    if media_type and not (media_type.startswith("text/") or media_type in _TEXTUAL
                           or media_type.endswith(("+xml", "+json"))):
        raise FetchError("not_text", f"the server sent {media_type}, not text or HTML")
    length = headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError("too_large", f"the response is {int(length):,} bytes, over the "
                         f"--max-bytes limit of {max_bytes:,}")
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            sock_timeout = _left(deadline, timeout)
            _set_timeout(response, sock_timeout)
            chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise FetchError("too_large", f"the response is over the --max-bytes limit of "
                                 f"{max_bytes:,} bytes; stopped reading")
            chunks.append(chunk)
    except FetchError:
        raise
    except (OSError, HTTPException, ValueError) as exc:
        raise _fetch_error(exc, url, timeout) from None
    charset = headers.get_content_charset() if headers.get("Content-Type") else None
    return Response(url, b"".join(chunks), media_type, charset)


def _set_timeout(response, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Shrink the socket timeout to what is left of the whole fetch's time."""
    sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)
    if isinstance(sock, socket.socket):
        try:
            sock.settimeout(seconds)
        except OSError:
            pass


def _fetch_error(exc: BaseException, url: str, timeout: float) -> FetchError:
    """One plain line for a network failure: DNS, refused, timeout, TLS, protocol."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    host = urllib.parse.urlsplit(url).netloc
    if isinstance(reason, (TimeoutError, socket.timeout)) or "timed out" in str(reason):
        return FetchError("timeout", f"no response from {host} within {timeout:g} s "
                          "(--timeout)")
    if isinstance(reason, socket.gaierror):
        return FetchError("fetch", f"cannot find the host {urllib.parse.urlsplit(url).hostname}"
                          " (DNS lookup failed)")
    if isinstance(reason, ConnectionRefusedError):
        return FetchError("fetch", f"connection refused by {host}")
    if isinstance(reason, ConnectionResetError):
        return FetchError("fetch", f"the connection to {host} was reset")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return FetchError("fetch", f"the TLS certificate of {host} could not be verified "
                          f"({reason.verify_message or reason})")
    if isinstance(reason, ssl.SSLError):
        return FetchError("fetch", f"TLS error talking to {host}: {reason.reason or reason}")
    if isinstance(reason, OSError) and reason.strerror:
        return FetchError("fetch", f"cannot connect to {host}: {reason.strerror}")
    text = " ".join(str(reason).split()) or type(reason).__name__
    return FetchError("fetch", f"fetching failed: {text}")


class RefusePrivate:
    """A ``fetch`` guard: refuse a host that is, or resolves to, a loopback, private, link-local
    or other non-public address (this machine, the local network, cloud metadata services).

    Called with each URL before it is requested (every redirect hop), it checks what the host
    name resolves to; ``peer`` then checks the address each connection really reached, so a
    name that resolves to a public address for the check and to a private one for the fetch
    (DNS rebinding) is refused too. Through a proxy only the name is checked."""

    def __call__(self, url: str) -> None:
        host = urllib.parse.urlsplit(url).hostname or ""
        try:
            infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            return  # the fetch itself then reports the failed lookup in its own words
        for info in infos:
            self.peer(host, str(info[4][0]))

    def peer(self, host: str, ip: str) -> None:
        """Refuse ``ip`` (what ``host`` resolved to, or the address a connection reached)."""
        address = ipaddress.ip_address(ip.split("%")[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address.is_global and not address.is_multicast:
            return
        what = ("a loopback address (this machine)" if address.is_loopback
                else "a link-local address" if address.is_link_local
                else "a private network address" if address.is_private
                else "not a public address")
        shown = host if host == str(address) else f"{host} ({address})"
        raise FetchError("url", f"refused to fetch {shown}: it is {what}; only public "
                         "addresses are fetched here")


#: the guard ``claimcheck serve`` uses unless --allow-private is given
refuse_private = RefusePrivate()


class _PeerChecked:
    """A connection that calls ``peer(host, ip)`` with the address it reached, right after
    connecting and before anything is sent (not through a proxy: the proxy is what it
    reaches)."""

    def __init__(self, *args, peer: Callable[[str, str], None], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        connect = self._create_connection  # type: ignore[has-type]

        def create(address, *more, **options):  # type: ignore[no-untyped-def]
            sock = connect(address, *more, **options)
            if not self._tunnel_host:  # type: ignore[attr-defined]
                try:
                    peer(self.host, sock.getpeername()[0])  # type: ignore[attr-defined]
                except BaseException:
                    sock.close()
                    raise
            return sock

        self._create_connection = create


class _PeerCheckedHTTP(_PeerChecked, http.client.HTTPConnection):
    pass


class _PeerCheckedHTTPS(_PeerChecked, http.client.HTTPSConnection):
    pass


def _checked_opener(peer: Callable[[str, str], None]) -> urllib.request.OpenerDirector:
    """An opener whose direct connections are checked by ``peer`` (see ``_PeerChecked``)."""

    class Http(urllib.request.HTTPHandler):
        def http_open(self, req):  # type: ignore[no-untyped-def]
            if req.has_proxy():
                return super().http_open(req)
            return self.do_open(functools.partial(_PeerCheckedHTTP, peer=peer), req)

    class Https(urllib.request.HTTPSHandler):
        def https_open(self, req):  # type: ignore[no-untyped-def]
            if req.has_proxy():
                return super().https_open(req)
            return self.do_open(functools.partial(_PeerCheckedHTTPS, peer=peer), req,
                                context=self._context)

    return urllib.request.build_opener(_NoRedirects, Http, Https)
