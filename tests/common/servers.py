"""Tiny HTTP servers on 127.0.0.1 for tests of outbound calls: each answers every connection
with one behaviour (an answer, a drip, silence) in a thread of its own, counts the requests
it read, and stops when the `with` block ends.

Servers wait on their stop event, never in the test: the test only waits for the client
under test.
"""

import socket
import threading
from collections.abc import Callable

Handler = Callable[[socket.socket, threading.Event], None]

# A server thread ends on its own after this long, whatever the test does.
LIFETIME_SECONDS = 30


class LoopbackServer:
    """Listens on 127.0.0.1 (a free port); `handler(connection, stop)` serves each
    connection after its request head has been read."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.stop = threading.Event()
        self.requests: list[bytes] = []
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def __enter__(self) -> "LoopbackServer":
        self._spawn(self._accept)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=5)
        self._listener.close()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._spawn(self._serve, connection)

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(LIFETIME_SECONDS)
            try:
                self.requests.append(_read_request(connection))
                self.handler(connection, self.stop)
            except OSError:
                pass  # the client went away: what these servers are for


def _read_request(connection: socket.socket) -> bytes:
    """The request's head and its body (by Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def answer(body: bytes, *, status: str = "200 OK", content_type: str = "application/json",
           headers: dict[str, str] | None = None) -> Handler:
    """Answer with `body` at once."""
    def handle(connection: socket.socket, stop: threading.Event) -> None:
        extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
        connection.sendall(
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: "
            f"{len(body)}\r\n{extra}Connection: close\r\n\r\n".encode() + body)
    return handle


def drip(interval: float, *, declared: int = 1_000) -> Handler:
    """Send the head at once, then one byte of the body every `interval` seconds."""
    def handle(connection: socket.socket, stop: threading.Event) -> None:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                           + f"Content-Length: {declared}\r\n\r\n".encode())
        for _ in range(min(declared, int(LIFETIME_SECONDS / interval))):
            if stop.wait(interval):
                return
            connection.sendall(b" ")
    return handle


def silent(connection: socket.socket, stop: threading.Event) -> None:
    """Read the request and never answer."""
    stop.wait(LIFETIME_SECONDS)


class Endless:
    """An answer without a length whose body never ends (until the client leaves, or 64 MiB);
    `sent` counts the body bytes handed to the socket."""

    def __init__(self, *, status: str = "200 OK", headers: dict[str, str] | None = None,
                 chunk: int = 65536):
        self.status, self.headers, self.chunk = status, headers or {}, chunk
        self.sent = 0

    def __call__(self, connection: socket.socket, stop: threading.Event) -> None:
        extra = "".join(f"{name}: {value}\r\n" for name, value in self.headers.items())
        connection.sendall(f"HTTP/1.1 {self.status}\r\nContent-Type: application/json\r\n"
                           f"{extra}Connection: close\r\n\r\n".encode())
        block = b"x" * self.chunk
        for _ in range(1024):
            if stop.is_set():
                return
            connection.sendall(block)
            self.sent += len(block)
