"""Reading what alerts made: alerts, notifications, fax.alert events."""

from django_scopes import scopes_disabled

from fax_alerts.models import Alert
from notifications.models import Notification


def alerts() -> list[Alert]:
    with scopes_disabled():
        return list(Alert.objects.select_related("rule").order_by("id"))


def told() -> dict[str, list[tuple[str, str]]]:
    """{username: [(kind, title)]} of every notification, oldest first."""
    with scopes_disabled():
        result = {}
        for row in Notification.objects.select_related("user").order_by("id"):
            result.setdefault(row.user.username, []).append((row.kind, row.title))
        return result


def notifications() -> list[Notification]:
    with scopes_disabled():
        return list(Notification.objects.select_related("user").order_by("id"))
