"""A webhook receiver on 127.0.0.1 for the tests: a real HTTP server in a thread that
records each request's headers and body, and answers what the test tells it (by default
200 with a small JSON body)."""

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# (status, headers, body) for a request number (0, 1, ...).
Answer = Callable[[int], tuple[int, dict, bytes]]


def ok(_: int) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json"}, b'{"received": true}'


class Receiver:
    """`with Receiver() as receiver:` listens at `receiver.url` until the block ends;
    `receiver.requests` holds (headers as a dict, body bytes) in order."""

    def __init__(self, answer: Answer = ok, path: str = "/hooks/portal"):
        self.answer = answer
        self.requests: list[tuple[dict, bytes]] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with owner.lock:
                    number = len(owner.requests)
                    owner.requests.append(({k.lower(): v for k, v in self.headers.items()},
                                           body))
                status, headers, content = owner.answer(number)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
