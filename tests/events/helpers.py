"""Reading the events that the code under test emitted."""

from django_scopes import scopes_disabled

from events.models import Event


def emitted(type: str | None = None) -> list[Event]:
    """The events written so far (of one type), oldest first."""
    with scopes_disabled():
        events = Event.objects.order_by("id")
        if type is not None:
            events = events.filter(type=type)
        return list(events)


def payloads(type: str) -> list[dict]:
    return [event.payload for event in emitted(type)]
