"""Reading deliveries and attempts, and answering them with `responses`."""

import responses
from django_scopes import scopes_disabled

from webhooks_out.models import Attempt, Delivery, Endpoint

URL = "https://hooks.example/receive"


def deliveries() -> list[Delivery]:
    with scopes_disabled():
        return list(Delivery.objects.select_related("event").order_by("id"))


def the_delivery() -> Delivery:
    [delivery] = deliveries()
    return delivery


def attempts() -> list[Attempt]:
    with scopes_disabled():
        return list(Attempt.objects.order_by("at", "id"))


def fresh(endpoint: Endpoint) -> Endpoint:
    with scopes_disabled():
        return Endpoint.objects.get(pk=endpoint.pk)


def answer(mock: responses.RequestsMock, status: int = 200, body: str = "ok", *,
           url: str = URL, headers: dict | None = None) -> None:
    mock.post(url, status=status, body=body, headers=headers or {})
