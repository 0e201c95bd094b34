"""Jobs of the charts app: keeping the daily counts of every organization recounted."""

from accounts.jobs import for_each_organization
from charts.services import CHART_DAYS, prune_destination_days, recount_activity

# Today and yesterday: the days new messages and faxes arrive on, yesterday's until the
# late ones of its last minutes are in.
RECENT_DAYS = 2


def count_activity(organization_id: int | None = None) -> str:
    """Recount today's and yesterday's faxes and messages of every organization.

    The message sync and the webhook processing do not recount: this job does, every few
    minutes, whatever brought the messages in."""
    return for_each_organization(
        "count_activity", None,
        lambda organization: recount_activity(organization=organization, days=RECENT_DAYS),
        organization_id=organization_id)


def recount_activity_window(organization_id: int | None = None) -> str:
    """Recount the whole window of the charts (the last CHART_DAYS days) of every
    organization: once a day, and by hand after a deploy (`run_job recount_activity`).
    It puts right what the frequent job does not see: a first sync's backfill of older
    days, a fax looked up from weeks ago, a change of the organization's time zone; and it
    deletes the per-destination counts of the days before the window."""
    return for_each_organization("recount_activity", None, _recount_window,
                                 organization_id=organization_id)


def _recount_window(organization) -> int:
    days = recount_activity(organization=organization, days=CHART_DAYS)
    prune_destination_days(organization=organization)
    return days
