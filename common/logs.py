"""Structured logs: request id, organization id and job name on every record, one JSON
object per line when LOG_FORMAT=json, and webhook secrets cut out of every message.

Never log a secret or a message text: log ids and error classes instead.
"""

import json
import logging
from contextvars import ContextVar

from common.redaction import redact

request_id: ContextVar[str] = ContextVar("request_id", default="")
organization_id: ContextVar[int | None] = ContextVar("organization_id", default=None)
job_name: ContextVar[str] = ContextVar("job_name", default="")


class ContextFilter(logging.Filter):
    """Adds the context variables to each record and redacts webhook secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        record.organization_id = organization_id.get()
        record.job = job_name.get()
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "organization_id": getattr(record, "organization_id", None),
            "job": getattr(record, "job", ""),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
