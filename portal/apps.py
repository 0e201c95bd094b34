from django.apps import AppConfig


class PortalConfig(AppConfig):
    """What the whole portal shares: job locks, the job registry, health."""

    name = "portal"
