"""`contact` of the fax API's payloads: the destination's contact, {id, name} or null."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.axion import bodies
from tests.faxes.factories import FaxFactory
from tests.faxes.recorded import answer
from tests.messaging.contact_factories import ContactFactory

URL = "/api/v1/faxes/"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
LAB = "+18058522606"


def test_a_fax_names_its_destinations_contact(org, api):
    lab = ContactFactory(organization=org, name="Harbor Lab", numbers=[LAB])
    fax = FaxFactory(organization=org, destination_number=LAB)
    assert api.get(f"{URL}{fax.pk}/").json()["contact"] == {"id": lab.pk,
                                                            "name": "Harbor Lab"}


def test_a_destination_without_contact_is_null(org, api):
    fax = FaxFactory(organization=org, destination_number="1234")
    assert api.get(f"{URL}{fax.pk}/").json()["contact"] is None


def test_the_source_number_does_not_name_the_fax(org, api):
    ContactFactory(organization=org, name="Our own fax line", numbers=["+18059731214"])
    fax = FaxFactory(organization=org, source_number="+18059731214",
                     destination_number="+18002255288")
    assert api.get(f"{URL}{fax.pk}/").json()["contact"] is None


def test_a_contact_of_another_organization_is_not_named(org, other_org, api):
    ContactFactory(organization=other_org, name="Summit Lab", numbers=[LAB])
    fax = FaxFactory(organization=org, destination_number=LAB)
    assert api.get(f"{URL}{fax.pk}/").json()["contact"] is None


def test_the_list_names_each_faxs_contact(org, api):
    lab = ContactFactory(organization=org, name="Harbor Lab", numbers=[LAB])
    FaxFactory(organization=org, destination_number=LAB, sent_at=T0)
    FaxFactory(organization=org, destination_number="+18002255288",
               sent_at=T0 + timedelta(minutes=1))
    contacts = [fax["contact"] for fax in api.get(URL).json()["results"]]
    assert contacts == [None, {"id": lab.pk, "name": "Harbor Lab"}]


def test_the_list_looks_contacts_up_once_whatever_its_size(org, api):
    for n in range(30):
        number = f"+1805852{n:04d}"
        ContactFactory(organization=org, numbers=[number])
        FaxFactory(organization=org, destination_number=number,
                   sent_at=T0 + timedelta(minutes=n))
    api.get(URL)  # first use of the key writes last_used_at
    counts = []
    for size in (1, 30):
        with CaptureQueriesContext(connection) as queries:
            body = api.get(URL, {"page_size": size}).json()
        assert len(body["results"]) == size
        assert all(fax["contact"] for fax in body["results"])
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_lookup_names_the_contacts(org, fax_connection, provider, api):
    lab = ContactFactory(organization=org, name="Toll-free lab", numbers=["+18002255288"])
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    faxes = api.get(f"{URL}lookup/", {"customer_field": "test 1"}).json()["faxes"]
    assert {fax["destination_number"]: fax["contact"] for fax in faxes} == {
        "+18002255288": {"id": lab.pk, "name": "Toll-free lab"}, "+18002255211": None}
