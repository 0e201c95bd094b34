"""Webhook URLs carry a secret: cut it out of everything that is logged."""

import re

from gunicorn.glogging import Logger

_WEBHOOK_SECRET = re.compile(r"(/hooks/sms/)[^/\s?\"]+")


def redact(text: str) -> str:
    """The text with every webhook secret replaced by `***`."""
    return _WEBHOOK_SECRET.sub(r"\1***", text)


class RedactingGunicornLogger(Logger):
    """gunicorn's logger, with webhook secrets removed from the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
