"""Jobs of the faxes app."""

from datetime import date as date_type

from accounts.jobs import for_each_organization
from accounts.models import Connection
from faxes import backfill
from faxes.services import sync_organization


def sync_faxes(organization_id: int | None = None, date: str | None = None) -> str:
    """Sync the faxes of every organization with a fax connection (or of one, or one day)."""
    day = date_type.fromisoformat(date) if date else None
    return for_each_organization(
        "sync_faxes", Connection.Kind.FAX,
        lambda organization: sync_organization(organization=organization, day=day),
        organization_id=organization_id)


def backfill_faxes(organization_id: int | None = None, days: int | None = None) -> str:
    """Fetch the past days of faxes: with `days`, the `days` days ending today (but for
    those fetched before) of every organization with a fax connection, or of one; without,
    where the backfill stopped, for one organization or for every one whose backfill never
    finished (the schedule). "items" are the days fetched."""
    resume_only = organization_id is None and days is None
    return for_each_organization(
        "backfill_faxes", Connection.Kind.FAX,
        lambda organization: backfill.backfill_organization(organization=organization,
                                                            days=days),
        organization_id=organization_id,
        among=backfill.pending_organizations() if resume_only else None)
