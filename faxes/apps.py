from django.apps import AppConfig


class FaxesConfig(AppConfig):
    name = "faxes"
