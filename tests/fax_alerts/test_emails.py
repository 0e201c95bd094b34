"""An alert's e-mail: fax alerts go out at the job's next run by default (failures in the
digest, as before), with a link to the fax's page."""

import pytest
from django.core import mail

from accounts.models import Role
from fax_alerts.models import RuleKind
from notifications.tasks import send_notification_emails
from tests.fax_alerts.factories import RuleFactory, record, store

pytestmark = pytest.mark.usefixtures("clock")


def test_a_last_try_alert_is_emailed_at_once_with_the_faxs_link(org, agent, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.com"
    RuleFactory(organization=org, kind=RuleKind.THIRD_TRY, least_role=Role.AGENT)
    [fax] = store(org, record(status="PROGRESS", try_count=3))
    send_notification_emails()
    [email] = mail.outbox
    assert email.to == [agent.user.email]
    assert email.subject.startswith("Fax CLAIM-2026-001 to (805) 852-2606 is on its last try")
    assert f"https://portal.example.com/faxes/{fax.pk}/" in email.body


def test_a_failure_waits_for_the_digest(org, agent):
    RuleFactory(organization=org, kind=RuleKind.FAILED, least_role=Role.AGENT)
    store(org, record(status="FAILED", try_count=3))
    send_notification_emails()
    assert mail.outbox == []
