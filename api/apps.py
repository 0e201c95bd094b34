from django.apps import AppConfig


class ApiConfig(AppConfig):
    """The REST API's plumbing (no tables)."""

    name = "api"
