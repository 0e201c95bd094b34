"""A fax's own page, reached from the history."""

import pytest

from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db


def test_a_fax_page_shows_its_reference_and_destination(viewer_client, org):
    fax = FaxFactory(organization=org, customer_field="CLAIM-7", destination_number="+13235550187")
    response = viewer_client.get(f"/faxes/{fax.pk}/")
    assert response.status_code == 200
    assert "CLAIM-7" in response.content.decode()
    assert "(323) 555-0187" in response.content.decode()


def test_history_rows_link_to_the_fax_page(viewer_client, org):
    fax = FaxFactory(organization=org)
    assert f'href="/faxes/{fax.pk}/"' in viewer_client.get("/faxes/").content.decode()


def test_a_fax_of_another_organization_is_404(viewer_client, other_org):
    fax = FaxFactory(organization=other_org)
    assert viewer_client.get(f"/faxes/{fax.pk}/").status_code == 404
