"""Jobs of the contacts app: running a confirmed CSV import."""

from django.conf import settings
from django_scopes import scopes_disabled

from accounts.tenancy import organization_scope
from common import logs
from common.locks import job_lock
from contacts import imports
from contacts.models import ContactImport


def run_contact_import(import_id: int) -> str:
    """Import a confirmed file (queued by contacts.imports.confirm_import). One import of an
    organization runs at a time; a run that died (a worker killed at the job's timeout) is
    resumed by the broker's retry from the last chunk it committed."""
    with scopes_disabled():
        record = ContactImport.objects.select_related("organization").filter(pk=import_id).first()
    if record is None:
        return f"no contact import {import_id}"
    organization = record.organization
    # The lock outlives a killed run only until the broker hands the job out again.
    ttl = int(settings.Q_CLUSTER.get("timeout", 120)) + 30
    with job_lock(f"contact_import:{organization.pk}", ttl_seconds=ttl) as acquired:
        if not acquired:
            return f"an import of organization {organization.pk} is already running"
        token = logs.organization_id.set(organization.pk)
        try:
            with organization_scope(organization):
                return imports.run_import(record)
        finally:
            logs.organization_id.reset(token)
