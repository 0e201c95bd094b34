"""Messaging numbers: adding them, registering their webhook URL, rotating its secret.

Called by the numbers page, the admin, `add_number` and (for numbers found by sync) the
sync job, so registration works the same everywhere.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import axion
from accounts.models import Connection, Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.wording import describe_provider_error
from common.phone import parse_us_number
from messaging.models import MessagingNumber, secret_digest

log = logging.getLogger(__name__)

# Said when the provider took the webhook but the number is another organization's active
# number in the portal: neutral, so that it reveals nothing about that organization.
NOT_ACTIVATED = ("This number could not be activated for this organization. If it is a "
                 "number of your Axion account, contact support.")


def sms_connection(organization: Organization) -> Connection | None:
    with organization_scope(organization):
        return Connection.objects.filter(kind=Connection.Kind.SMS).first()


def add_number(*, organization: Organization, number: str, label: str = "",
               actor: User | None = None, ip: str | None = None,
               interactive: bool = False) -> MessagingNumber:
    """Add a number to the organization and register its webhook URL with the provider,
    which activates it (register_webhook).

    Raises ValidationError for a number that is not a US number or that this organization
    has already; whether another organization has it is never said. The number is kept,
    inactive, when registration fails; `registration_error` says why.
    """
    try:
        e164 = parse_us_number(number)
    except ValueError as error:
        raise ValidationError({"number": str(error)}) from error
    taken = ValidationError({"number": f"{e164} is already one of this organization's numbers."})
    with organization_scope(organization):
        if MessagingNumber.objects.filter(number=e164).exists():
            raise taken
    messaging_number = MessagingNumber(organization=organization, number=e164, label=label)
    messaging_number.set_new_secret()
    try:
        with transaction.atomic():
            messaging_number.save()
    except IntegrityError as error:
        raise taken from error
    audit(organization=organization, action="number.added", actor=actor, target=e164, ip=ip)
    register_webhook(number=messaging_number, interactive=interactive)
    return messaging_number


def register_webhook(*, number: MessagingNumber, interactive: bool = False) -> bool:
    """Tell the provider the number's webhook URL (updateNumber) with the organization's own
    credentials; True when it accepted. Its acceptance is what makes the number the
    organization's: an inactive number becomes active then, unless another organization
    has it active (the provider decides, first come in the portal: NOT_ACTIVATED).
    `interactive`: a person waits on a page (see axion.client_for)."""
    connection = sms_connection(number.organization)
    error = ""
    if connection is None:
        error = "No SMS connection yet: add one under Connections, then register again."
    else:
        try:
            with axion.client_for(connection, interactive=interactive) as client:
                client.update_number(number.number, number.webhook_url)
        except AxionError as failure:
            log.warning("updateNumber failed for organization %s: %s",
                        number.organization_id, type(failure).__name__)
            error = describe_provider_error(failure)
    if not error and number.activated_at is None and not _activate(number):
        log.warning("number %s of organization %s is active in another organization",
                    number.pk, number.organization_id)
        error = NOT_ACTIVATED
    number.registered_at = None if error else timezone.now()
    number.registration_error = error[:500]
    values = {"registered_at": number.registered_at,
              "registration_error": number.registration_error}
    if not error:
        # What the provider holds now (operations compares it with the expected URL).
        number.registered_url_digest = values["registered_url_digest"] = secret_digest(
            number.webhook_url)
    with organization_scope(number.organization):
        MessagingNumber.objects.filter(pk=number.pk).update(**values)
    return not error


def _activate(number: MessagingNumber) -> bool:
    """Make the number active, unless another organization has it active already (the
    one_active_number constraint decides, so two activations at once cannot both win)."""
    now = timezone.now()
    try:
        with organization_scope(number.organization), transaction.atomic():
            MessagingNumber.objects.filter(pk=number.pk, activated_at=None).update(
                activated_at=now)
    except IntegrityError:
        return False
    number.activated_at = now
    return True


def rotate_webhook_secret(*, number: MessagingNumber, actor: User | None = None,
                          ip: str | None = None, interactive: bool = False) -> bool:
    """Give the number a new webhook secret (the old URL stops working at once) and
    register the new URL."""
    number.set_new_secret()
    with organization_scope(number.organization):
        MessagingNumber.objects.filter(pk=number.pk).update(
            webhook_secret=number.webhook_secret,
            webhook_secret_digest=number.webhook_secret_digest)
    audit(organization=number.organization, action="number.secret_rotated", actor=actor,
          target=number.number, ip=ip)
    return register_webhook(number=number, interactive=interactive)
