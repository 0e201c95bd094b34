"""The sandbox of Axion's two APIs: installed only when AXION_SANDBOX is on."""

from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "sandbox"
    verbose_name = "Axion sandbox"
    default_auto_field = "django.db.models.BigAutoField"
