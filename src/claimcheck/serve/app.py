"""The ASGI application of ``claimcheck serve`` (Starlette): routes, the one Checker, answers.

Routes: ``GET /`` the form; ``POST /check`` the form's answer page (HTML); ``POST /api/check``
the same check as the documented JSON schema; ``GET /healthz``. A check runs in a worker
thread: fetching an address needs no lock, the Checker's stages run one document at a time.
Status codes: 200 checked; 422 the input could not be read (the body still carries the error
record); 400/415 an unusable request; 413 too large; 503 busy (with ``Retry-After``).
Every failure is one plain line; no page text is logged or kept anywhere.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..checker import Checker
from ..render.json import report_dict, tool_dict
from ..types import Report
from ..version import __version__
from .inputs import InputError, Submission, documents, read_api, read_form
from .limits import RETRY_AFTER, BodyLimit, Gate, Limits, SafetyHeaders, busy_message
from .pages import SERVE_CSP, FormValues, answer_page, form_page


class Service:
    """The one Checker and the limits, shared by every request."""

    def __init__(self, checker: Checker, limits: Limits) -> None:
        self.checker = checker
        self.limits = limits
        self.gate = Gate(limits.max_inflight)
        self._lock = threading.Lock()  # the Checker's stages are not shared between threads

    def check(self, submission: Submission) -> Report:
        """Read (maybe fetch) and check one submission; blocking, run in a worker thread."""
        docs = documents(submission, self.limits)
        with self._lock:
            return self.checker.report(list(self.checker.check_documents(docs)))


@dataclass(frozen=True)
class Outcome:
    """A finished check, or why there is none (status, error type and one line)."""

    status: int
    report: Report | None = None
    submission: Submission | None = None
    error: str = ""
    error_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)


Reader = Callable[[Request, Limits], Awaitable[Submission]]


async def _run(request: Request, reader: Reader) -> Outcome:
    service: Service = request.app.state.service
    if not service.gate.enter():
        return Outcome(503, error=busy_message(service.gate.limit), error_type="busy",
                       headers={"Retry-After": str(RETRY_AFTER)})
    try:
        try:
            submission = await reader(request, service.limits)
        except InputError as exc:
            return Outcome(exc.status, error=exc.message, error_type="usage")
        report = await run_in_threadpool(service.check, submission)
    finally:
        service.gate.leave()
    failed = any(d.error is not None for d in report.documents)
    return Outcome(422 if failed else 200, report, submission)


async def home(request: Request) -> Response:
    return HTMLResponse(form_page(request.app.state.service.limits.max_bytes))


async def check_page(request: Request) -> Response:
    """The form's answer: the report page, or the form again with one plain line."""
    out = await _run(request, read_form)
    max_bytes = request.app.state.service.limits.max_bytes
    if out.report is None:
        return HTMLResponse(form_page(max_bytes, error=out.error), out.status, out.headers)
    docs = out.report.documents
    if len(docs) == 1 and docs[0].error is not None:
        sub = out.submission or Submission()
        return HTMLResponse(form_page(max_bytes, FormValues(sub.text, sub.url),
                                      error=docs[0].verdict), out.status)
    return HTMLResponse(answer_page(out.report), out.status)


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(data, ensure_ascii=False) + "\n", status, headers,
                    media_type="application/json")


def _error_json(status: int, kind: str, message: str,
                headers: dict[str, str] | None = None) -> Response:
    return _json({"error": {"type": kind, "message": message}}, status, headers)


async def check_api(request: Request) -> Response:
    """``POST /api/check``: the JSON report (schema_version 1), or ``{"error": ...}``."""
    out = await _run(request, read_api)
    if out.report is None:
        return _error_json(out.status, out.error_type, out.error, out.headers)
    return _json(report_dict(out.report), out.status)


async def healthz(request: Request) -> Response:
    service: Service = request.app.state.service
    return _json({"status": "ok",
                  "tool": tool_dict(__version__, service.checker.rules.version,
                                    service.checker.model_version),
                  "in_flight": service.gate.in_flight, "max_inflight": service.gate.limit})


def _is_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith("/api/")


async def _http_error(request: Request, exc: Exception) -> Response:
    """404, 405 and the like: one line, as JSON under /api/."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    if _is_api(request.scope):
        return _error_json(status, "http", f"HTTP {status} {detail}")
    return PlainTextResponse(f"HTTP {status} {detail}\n", status)


class OneLineErrors:
    """Outermost guard: a bug answers 500 with one line and logs only its type, never a
    traceback or the text that caused it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            name = type(exc).__name__
            print(f"claimcheck: internal error: {name}", file=sys.stderr, flush=True)
            if started or scope["type"] != "http":
                return
            message = f"internal error: {name}; nothing you sent was kept, please try again"
            response = (_error_json(500, "internal", message) if _is_api(scope)
                        else PlainTextResponse(message + "\n", 500))
            await response(scope, receive, send)


def create_app(checker: Checker, limits: Limits) -> Starlette:
    """The application around one built Checker."""

    def reject(scope: Scope, status: int, message: str) -> Response:
        if _is_api(scope):
            return _error_json(status, "too_large", message)
        return HTMLResponse(form_page(limits.max_bytes, error=message), status)

    app = Starlette(
        routes=[Route("/", home, methods=["GET"]),
                Route("/check", check_page, methods=["POST"]),
                Route("/api/check", check_api, methods=["POST"]),
                Route("/healthz", healthz, methods=["GET"])],
        middleware=[Middleware(OneLineErrors), Middleware(SafetyHeaders, csp=SERVE_CSP),
                    Middleware(BodyLimit, limit=limits.max_body, reject=reject)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.service = Service(checker, limits)
    return app
