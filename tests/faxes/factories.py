"""Faxes as the portal stores them, for the tests of the pages, services and jobs."""

from datetime import UTC, datetime

import factory

from faxes.models import Fax, FaxStatus, fax_identity
from tests.axion import bodies
from tests.factories import ConnectionFactory, OrganizationFactory, ScopeFreeFactory
from tests.faxes.recorded import FAX_URL

FAR_FUTURE = datetime(2099, 1, 1, tzinfo=UTC)


def connection_for(organization, **fields):
    """A fax connection whose stored token is valid, so its calls need no login."""
    values = {"api_url": FAX_URL, "session_token": bodies.TOKEN,
              "token_expires_at": FAR_FUTURE, **fields}
    return ConnectionFactory(organization=organization, **values)


class FaxFactory(ScopeFreeFactory):
    class Meta:
        model = Fax

    organization = factory.SubFactory(OrganizationFactory)
    customer_field = factory.Sequence(lambda n: f"REF-{n:04d}")
    source_number = "+18059731214"
    destination_number = "+18058522606"
    sent_at = datetime(2017, 11, 29, 12, 0, tzinfo=UTC)
    pages = 2
    status = FaxStatus.SENT
    try_count = 1
    identity = factory.LazyAttribute(
        lambda fax: fax_identity(fax.customer_field, fax.source_number,
                                 fax.destination_number, fax.sent_at))
