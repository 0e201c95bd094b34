"""Message templates (scopes disabled, as in tests.factories)."""

import factory

from message_templates.models import MessageTemplate
from tests.factories import OrganizationFactory, ScopeFreeFactory


class MessageTemplateFactory(ScopeFreeFactory):
    class Meta:
        model = MessageTemplate

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"template-{n}")
    text = "Hi {first_name}, see you soon."
