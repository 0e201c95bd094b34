from django.apps import AppConfig


class MessageTemplatesConfig(AppConfig):
    name = "message_templates"
    verbose_name = "Message templates"
