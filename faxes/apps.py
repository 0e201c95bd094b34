from django.apps import AppConfig


class FaxesConfig(AppConfig):
    name = "faxes"

    def ready(self):
        from faxes import receivers  # noqa: F401 - connects the signal receivers
