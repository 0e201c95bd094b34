"""Endpoints point at https URLs of public addresses, unless the operator lists the host in
WEBHOOK_ALLOWED_HOSTS; the address is checked again at delivery time, and a redirect is
never followed."""

import pytest
from django.core.exceptions import ValidationError

from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, attempts, the_delivery
from tests.webhooks_out.receiver import Receiver
from webhooks_out import services
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState


def create(org, url):
    return services.create_endpoint(organization=org, url=url)


def url_error(org, url) -> str:
    with pytest.raises(ValidationError) as caught:
        create(org, url)
    return " ".join(caught.value.message_dict["url"])


def test_an_https_url_of_a_public_host_is_accepted(org):
    endpoint, secret = create(org, "https://crm.example/hooks/axion")
    assert endpoint.url == "https://crm.example/hooks/axion"
    assert secret.startswith("whsec_")


@pytest.mark.parametrize("url", ["https://10.0.0.5/hook", "https://127.0.0.1/hook",
                                 "https://[::1]/hook", "https://169.254.169.254/latest"])
def test_a_private_address_is_refused_with_a_clear_message(org, url):
    assert "is not a public address" in url_error(org, url)


def test_a_name_that_resolves_to_a_private_address_is_refused(org, dns):
    dns["intranet.example"] = ["192.168.1.20"]
    message = url_error(org, "https://intranet.example/hook")
    assert "does not resolve to a public address" in message
    assert "192.168.1.20" not in message


def test_plain_http_is_refused(org):
    assert "must start with https://" in url_error(org, "http://crm.example/hook")


@pytest.mark.parametrize("url", ["", "crm.example/hook", "ftp://crm.example/x",
                                 "https://user:pw@crm.example/x"])
def test_what_is_not_a_usable_url_is_refused(org, url):
    assert url_error(org, url)


def test_a_host_the_operator_allows_may_be_private_and_plain_http(org, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1", "erp.internal"]
    endpoint, _ = create(org, "http://127.0.0.1:8080/hook")
    assert endpoint.url == "http://127.0.0.1:8080/hook"
    create(org, "http://erp.internal/hook")


def test_allowing_a_host_does_not_narrow_the_public_ones(org, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    create(org, "https://crm.example/hooks")
    assert "is not a public address" in url_error(org, "https://10.0.0.5/hook")
    assert "must start with https://" in url_error(org, "http://crm.example/hook")


def test_a_name_that_resolves_to_a_private_address_at_delivery_time_is_not_sent(org, dns):
    EndpointFactory(organization=org, url="https://crm.example/hook")
    dns["crm.example"] = ["10.0.0.7"]  # DNS changed since the endpoint was saved
    fax_event(org)
    deliver_organization(organization=org)
    row = the_delivery()
    assert row.state == DeliveryState.FAILED
    assert "does not resolve to a public address" in row.last_error


def test_a_redirect_is_not_followed(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 302, "", headers={"Location": "https://elsewhere.example/x"})
    provider.post("https://elsewhere.example/x", body="should not be asked")
    fax_event(org)
    deliver_organization(organization=org)
    assert [call.request.url for call in provider.calls] == [URL]
    row = the_delivery()
    assert (row.state, row.last_status_code) == (DeliveryState.FAILED, 302)
    assert "Redirects are not followed" in attempts()[0].error


def test_a_redirect_from_a_real_server_is_not_followed(org, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver(lambda n: (307, {"Location": "/elsewhere"}, b"")) as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        fax_event(org)
        deliver_organization(organization=org)
    assert len(receiver.requests) == 1
    assert the_delivery().last_status_code == 307
