"""A bare WSGI webhook receiver for bench/outgoing_webhooks.py, served by gunicorn (one
process, threads, so that its counts are one set): it answers each POST 200 at once and
counts the `webhook-id`s it accepted, once each, and how many it accepted again.

With RECEIVER_FAIL_EVERY=3, every third request whose id has not failed yet is answered
500 (once per id): the sender must try it again, and must not send it twice after a 200.

GET /stats answers {"requests", "accepted", "duplicates", "failed"}; POST /reset clears it.
"""

import json
import os
import threading

FAIL_EVERY = int(os.environ.get("RECEIVER_FAIL_EVERY", "0"))

_lock = threading.Lock()
_state = {"requests": 0, "accepted": set(), "duplicates": 0, "failed": set()}


def _answer(start_response, status: str, body: bytes):
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def app(environ, start_response):
    path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
    if path == "/stats":
        with _lock:
            stats = {"requests": _state["requests"], "accepted": len(_state["accepted"]),
                     "duplicates": _state["duplicates"], "failed": len(_state["failed"])}
        return _answer(start_response, "200 OK", json.dumps(stats).encode())
    if path == "/reset" and method == "POST":
        with _lock:
            _state.update(requests=0, accepted=set(), duplicates=0, failed=set())
        return _answer(start_response, "200 OK", b"{}")
    length = int(environ.get("CONTENT_LENGTH") or 0)
    environ["wsgi.input"].read(length)
    message_id = environ.get("HTTP_WEBHOOK_ID", "")
    with _lock:
        _state["requests"] += 1
        if FAIL_EVERY and _state["requests"] % FAIL_EVERY == 0 and \
                message_id not in _state["failed"] and message_id not in _state["accepted"]:
            _state["failed"].add(message_id)
            return _answer(start_response, "500 Internal Server Error", b'{"error":"busy"}')
        if message_id in _state["accepted"]:
            _state["duplicates"] += 1
        _state["accepted"].add(message_id)
    return _answer(start_response, "200 OK", b'{"ok":true}')
