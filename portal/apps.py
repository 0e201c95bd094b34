from django.apps import AppConfig


class PortalConfig(AppConfig):
    """What the whole portal shares: job locks, the job registry, health."""

    name = "portal"

    def ready(self):
        from portal import checks  # noqa: F401 - registers the deploy checks
