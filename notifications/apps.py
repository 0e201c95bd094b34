from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from events.signals import events_emitted
        from notifications.receivers import receive_events

        # A batch at a time: an ingest of hundreds of messages costs a few queries.
        events_emitted.connect(receive_events, dispatch_uid="notifications.receive_events")
