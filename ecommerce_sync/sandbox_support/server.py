"""The HTTP server of a sandbox: threads, start and stop, requests read and answers written.

A platform sandbox subclasses :class:`SandboxHttpServer` and implements
:meth:`~SandboxHttpServer.answer`, which turns an :class:`HttpRequest` into
an :class:`HttpAnswer`; routing, authentication and the platform's JSON are
its own. Start it in a thread for tests (``with Server(...) as server:``) or
run it as a process with :meth:`~SandboxHttpServer.serve_until_stopped`.
"""

import json
import logging
import signal
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

_logger = logging.getLogger(__name__)


@dataclass
class HttpRequest:
    """One request as the sandbox receives it.

    ``path`` has no query; ``query`` keeps the last value of each parameter;
    ``headers`` is the case-insensitive header mapping; ``body`` the raw bytes.
    """

    method: str
    path: str
    query: dict
    headers: object
    body: bytes


@dataclass
class HttpAnswer:
    status: int
    body: bytes
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"

    @classmethod
    def json(cls, status, payload, headers=None, content_type="application/json; charset=utf-8"):
        """An answer whose body is ``payload`` as compact JSON."""
        return cls(status, json.dumps(payload).encode(), dict(headers or {}), content_type)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body leave in two writes: without this, each keep-alive answer waits ~40 ms for a delayed ACK
    disable_nagle_algorithm = True
    #: the SandboxHttpServer answering (set on the class made for each server)
    sandbox = None

    def do_GET(self):
        self._serve("GET")

    def do_POST(self):
        self._serve("POST")

    def do_PUT(self):
        self._serve("PUT")

    def do_DELETE(self):
        self._serve("DELETE")

    def _serve(self, method):
        if method not in self.sandbox.methods:
            self.send_error(501, f"Unsupported method ({method!r})")
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        answer = self.sandbox.answer(HttpRequest(method, parts.path, query, self.headers, body))
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format, *args):
        _logger.debug("sandbox: " + format, *args)


class SandboxHttpServer:
    """A threaded HTTP server on ``host:port`` (port 0: any free port).

    :cvar str name: the name of the serving thread
    :cvar str server_version: the ``Server`` header of the answers
    :cvar tuple methods: the HTTP methods answered; others get 501, as from any Python server
    """

    name = "sandbox"
    server_version = BaseHTTPRequestHandler.server_version
    methods = ("GET", "POST", "PUT", "DELETE")

    def __init__(self, host="127.0.0.1", port=0):
        handler = type("Handler", (_Handler,), {"sandbox": self, "server_version": self.server_version})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self._thread = None

    @property
    def url(self):
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, request):
        """The :class:`HttpAnswer` to ``request`` (the platform's routes)."""
        raise NotImplementedError(f"{type(self).__name__} must answer requests")

    # ------------------------------------------------------------------
    def start(self):
        """Serve in a background thread; return the server."""
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, name=self.name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def serve_until_stopped(self, announce=None):
        """Serve until SIGTERM or SIGINT (Ctrl-C), then stop.

        :param announce: called once the server listens (e.g. to print its address)
        """
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_args: stop.set())
        self.start()
        if announce is not None:
            announce()
        try:
            stop.wait()
        finally:
            self.stop()
