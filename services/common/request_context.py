"""Request id: taken from ``X-Request-ID`` or generated, kept in a context variable, echoed back
and propagated on outgoing service calls; one JSON access-log line per request.

The middleware runs on every request of every service, so it is kept cheap: the access line is
handed straight to the log handler (the same JSON shape as every other record, without a
``LogRecord`` and handler dispatch per request), which writes what it holds from the event loop
at most every ``FLUSH_SECONDS`` instead of once per line.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
import random
import re
import sys
import time
from typing import TextIO

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
FLUSH_SECONDS = 0.2

access_log = logging.getLogger("cloudbank.access")


def current_request_id() -> str | None:
    return _request_id.get()


def new_request_id() -> str:
    """32 random hex digits (a request id needs uniqueness, not secrecy: no syscall per id)."""
    return f"{random.getrandbits(128):032x}"


class _Timestamp:
    """``YYYY-MM-DDTHH:MM:SS`` in local time, formatted once per second."""

    def __init__(self) -> None:
        self.second, self.text = -1, ""

    def __call__(self, epoch: float) -> str:
        second = int(epoch)
        if second != self.second:
            self.second = second
            self.text = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(second))
        return self.text


_timestamp = _Timestamp()


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        request_id = current_request_id()
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class LoopFlushingStreamHandler(logging.StreamHandler):
    """A StreamHandler that, inside a running event loop, holds its lines and writes them in one
    write at most ``FLUSH_SECONDS`` later (or once ``MAX_PENDING`` are held) instead of writing
    and flushing every record; warnings and errors, and records logged outside a loop, are
    written at once. It does its own batching because the stream may do none: with
    ``PYTHONUNBUFFERED`` set, every write to stdout is a system call."""

    MAX_PENDING = 512

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self._pending: list[str] = []
        self._flush_pending = False

    def flush(self) -> None:
        with self.lock:
            self._flush_pending = False
            lines, self._pending = self._pending, []
            try:
                if lines:
                    self.stream.write("".join(lines))
                self.stream.flush()
            except Exception:  # logging must never break a request
                pass

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
        except Exception:
            self.handleError(record)
            return
        self._pending.append(line)  # Handler.handle holds the lock
        if record.levelno >= logging.WARNING:
            self.flush()
        else:
            self._flush_later()

    def write_line(self, line: str) -> None:
        """For the access log: one preformatted JSON line."""
        with self.lock:
            self._pending.append(line)
            self._flush_later()

    def _flush_later(self) -> None:
        if len(self._pending) >= self.MAX_PENDING:
            self.flush()
            return
        if self._flush_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return
        self._flush_pending = True
        loop.call_later(FLUSH_SECONDS, self.flush)


_handler: LoopFlushingStreamHandler | None = None


def configure_json_logging(level: int = logging.INFO) -> None:
    # The JSON lines carry no source file, thread or process fields: skip collecting them on
    # every record (the logging HOWTO's "Optimization" knobs; ~5 % of a request's CPU here).
    global _handler
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    _handler = LoopFlushingStreamHandler(sys.stdout)
    _handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [_handler]
    root.setLevel(level)
    for noisy in ("uvicorn.access",):
        logging.getLogger(noisy).disabled = True


def flush_logs() -> None:
    """Write what the kit's log handler holds (at shutdown: a worker process may end without
    running ``logging.shutdown``)."""
    if _handler is not None:
        _handler.flush()


def log_access(request_id: str, method: str, path: str, status: int, ms: float) -> None:
    """The request's access line: the record ``access_log.info("request", …)`` would give,
    written without building one (see the module docstring)."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    if _handler is None:  # the kit's logging not configured: an ordinary record
        fields = {"method": method, "path": path, "status": status, "ms": ms}
        access_log.info("request", extra={"fields": fields})
        return
    _handler.write_line(
        f'{{"ts": "{_timestamp(time.time())}", "level": "info", "logger": "cloudbank.access", '
        f'"msg": "request", "request_id": "{request_id}", "method": "{method}", '
        f'"path": {json.dumps(path)}, "status": {status}, "ms": {ms}}}\n'
    )


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            incoming = value.decode("latin-1")
            return incoming if _VALID_ID.match(incoming) else None
    return None


class RequestContextMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware overhead). With an ``instance`` name (the
    stack names each service process), every answer also says which process served it in
    ``X-Instance`` (e.g. cuentas-1 or cuentas-2 behind HAProxy)."""

    def __init__(self, app: ASGIApp, instance: str = ""):
        self.app = app
        self.instance = [(b"x-instance", instance.encode("latin-1"))] if instance else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or new_request_id()
        extra_headers = [(b"x-request-id", request_id.encode("latin-1")), *self.instance]
        token = _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra_headers]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            ms = round((time.perf_counter() - started) * 1000, 2)
            log_access(request_id, scope["method"], scope["path"], status, ms)
            _request_id.reset(token)
