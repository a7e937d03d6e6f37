"""``claimcheck serve``: the checker behind a local web page for patients, and a JSON API.

``run`` builds the Checker once, listens (127.0.0.1:8000 by default; port 0 picks a free one),
prints the address to open and serves until Ctrl-C. The pieces: ``app`` (routes, the one
Checker), ``inputs`` (form, JSON and uploads -> documents, through ``ingest``), ``pages`` (the
form and the answer page, built by the HTML report's renderer) and ``limits`` (size cap,
checks in flight, safety headers).
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import TYPE_CHECKING

from ..errors import UsageError
from .limits import Limits

if TYPE_CHECKING:
    from ..ruleset import RuleSet

__all__ = ["Limits", "run"]


def run(host: str, port: int, limits: Limits, *, rules: RuleSet | None = None,
        detector: str = "both", model: str | None = None) -> None:
    """Serve until interrupted; a port that cannot be had is a ``UsageError``."""
    import uvicorn

    from ..checker import Checker
    from .app import create_app

    sock = _listen(host, port)  # first: a port in use fails at once, before spaCy loads
    try:
        checker = Checker(rules, model=model, detector=detector)
        if checker.note:
            print(f"claimcheck: note: {checker.note}", file=sys.stderr, flush=True)
        config = uvicorn.Config(create_app(checker, limits), log_level="warning",
                                lifespan="off", server_header=False, timeout_graceful_shutdown=3)
        logging.getLogger("uvicorn.access").setLevel(logging.INFO)  # method, path, status only
        bound = sock.getsockname()
        address = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        print(f"claimcheck: serving on http://{address}:{bound[1]}/ - open it in a web browser "
              "(Ctrl-C stops)", flush=True)
        if not _loopback(bound[0]):
            print(f"claimcheck: note: listening on {bound[0]}: other computers that can reach "
                  "this one can use it too", file=sys.stderr, flush=True)
        uvicorn.Server(config).run(sockets=[sock])  # Ctrl-C: shuts down, then exits with 130
    finally:
        sock.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the server starts so the address printed is real."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise UsageError(f"cannot listen on {host}: {getattr(exc, 'strerror', exc)}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = (exc.strerror or str(exc)).lower()
        raise UsageError(f"cannot listen on {host}:{port}: {reason} (is another server "
                         "using it? try --port)") from None
    return sock


def _loopback(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
