from django.apps import AppConfig


class CommonConfig(AppConfig):
    """The helpers below every app; its one table is the job locks'."""

    name = "common"
