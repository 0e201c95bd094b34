from django.apps import AppConfig


class WebhooksOutConfig(AppConfig):
    name = "webhooks_out"
    verbose_name = "Outgoing webhooks"

    def ready(self):
        from webhooks_out import receivers  # noqa: F401 - connects the signal receivers
