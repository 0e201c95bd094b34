from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The top of the portal: settings, root URLs, dashboard, health, the job registry."""

    name = "portal"

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal import checks  # noqa: F401 - registers the deploy checks
        from portal.jobs import sync_schedules

        # Schedules are created by name once the tables exist, never at import time.
        post_migrate.connect(sync_schedules, sender=self, dispatch_uid="portal.sync_schedules")
