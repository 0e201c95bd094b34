"""The fax alerts' job."""

from accounts.jobs import for_each_organization
from accounts.models import Connection
from accounts.tenancy import organization_scope
from fax_alerts.alerting import check_organization


def check_fax_alerts(organization_id: int | None = None) -> str:
    """Raise the alerts that time brings (stuck faxes, no fax by an hour) and those no
    event told of (a last try without a status change), for every organization with a fax
    connection (or one). Idempotent: each alert is raised once, whatever runs overlap."""

    def work(organization):
        with organization_scope(organization):
            return check_organization(organization=organization)

    return for_each_organization("check_fax_alerts", Connection.Kind.FAX, work,
                                 organization_id=organization_id)
