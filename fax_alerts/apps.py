from django.apps import AppConfig


class FaxAlertsConfig(AppConfig):
    name = "fax_alerts"
    verbose_name = "Fax alerts"

    def ready(self):
        from django.db.models.signals import post_save

        from accounts.models import Organization
        from events.signals import events_emitted
        from fax_alerts import receivers

        # A batch at a time: the fax rows of a sync's events are read once.
        events_emitted.connect(receivers.alert_on_events, dispatch_uid="fax_alerts.events")
        post_save.connect(receivers.give_default_rules, sender=Organization,
                          dispatch_uid="fax_alerts.default_rules")
