"""Jobs of the faxes app."""

from datetime import date as date_type

from accounts.jobs import for_each_organization
from accounts.models import Connection
from faxes.services import sync_organization


def sync_faxes(organization_id: int | None = None, date: str | None = None) -> str:
    """Sync the faxes of every organization with a fax connection (or of one, or one day)."""
    day = date_type.fromisoformat(date) if date else None
    return for_each_organization(
        "sync_faxes", Connection.Kind.FAX,
        lambda organization: sync_organization(organization=organization, day=day),
        organization_id=organization_id)
