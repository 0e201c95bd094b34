"""Jobs of the sandbox (django-q2): moving outbound messages on from QUEUED.

`advance_message` is enqueued by sendSMS for one message; `advance_due_messages` is the
periodic `sandbox_advance` job (portal/jobs.py). Why both, and why the short wait, is in
services.py's docstring. The sandbox's models are imported inside the functions: the job is
scheduled in every deployment, and when AXION_SANDBOX is off the app is not installed.
"""

import time

from django.apps import apps
from django.utils import timezone
from django_q.conf import Conf


def advance_message(message_id: int) -> str:
    """Advance one outbound message once it is due, waiting out at most SEND_DELAY."""
    from sandbox import services
    from sandbox.models import SandboxMessage

    due_at = SandboxMessage.objects.filter(pk=message_id).values_list("due_at", flat=True).first()
    if due_at is None:
        return "nothing to advance"
    wait = (due_at - timezone.now()).total_seconds()
    # A worker sleeps the few seconds a carrier takes; inline (sync mode, the tests) it never
    # sleeps, and a message that is not due yet is left to the periodic job.
    if wait > 0 and not Conf.SYNC:
        time.sleep(min(wait, services.SEND_DELAY.total_seconds()))
    moved = services.advance_due_messages(message_ids=[message_id])
    return f"advanced {moved} message(s)"


def advance_due_messages() -> str:
    """Advance every due QUEUED message and notify its callback URL (the periodic job)."""
    if not apps.is_installed("sandbox"):
        return "sandbox is off"
    from sandbox import services

    moved = services.advance_due_messages()
    return f"advanced {moved} message(s)"
