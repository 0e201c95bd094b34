from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts import signals  # noqa: F401  (connects the audit receivers)
        from portal.jobs import sync_schedules

        # Schedules are created by name once the tables exist, never at import time.
        post_migrate.connect(sync_schedules, sender=self, dispatch_uid="portal.sync_schedules")
