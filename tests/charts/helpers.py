"""Reading the charts' rows in tests, outside any scope."""

from django_scopes import scopes_disabled

from charts.models import FailingDestination, FaxDay, FaxDestinationDay, MessageDay


def fax_days(organization) -> dict:
    """{day: (sent, failed, pending)}"""
    with scopes_disabled():
        return {row.day: (row.sent, row.failed, row.pending)
                for row in FaxDay.objects.filter(organization=organization)}


def destination_days(organization) -> dict:
    """{(day, destination): (sent, failed)}"""
    with scopes_disabled():
        return {(row.day, row.destination): (row.sent, row.failed)
                for row in FaxDestinationDay.objects.filter(organization=organization)}


def ranking(organization) -> list[tuple]:
    """[(rank, destination, sent, failed)]"""
    with scopes_disabled():
        return list(FailingDestination.objects.filter(organization=organization)
                    .order_by("rank").values_list("rank", "destination", "sent", "failed"))


def message_days(organization) -> dict:
    """{(day, number): (inbound, outbound)}"""
    with scopes_disabled():
        return {(row.day, row.number.number): (row.inbound, row.outbound)
                for row in MessageDay.objects.filter(organization=organization)
                .select_related("number")}
