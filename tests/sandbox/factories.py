"""Factories for the sandbox's tables (the simulated provider's side: no tenant scopes)."""

from datetime import timedelta

import factory
from django.utils import timezone

from sandbox import media
from sandbox.models import (
    MessageStatus,
    SandboxAccount,
    SandboxFax,
    SandboxMedia,
    SandboxMessage,
    SandboxNumber,
)


class SandboxAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SandboxAccount

    name = factory.Sequence(lambda n: f"Sandbox customer {n}")
    username = factory.Sequence(lambda n: f"customer{n}")
    password = "sandbox-password-1"
    time_zone = "America/New_York"


class SandboxNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SandboxNumber

    account = factory.SubFactory(SandboxAccountFactory)
    # 1000 upwards: never ends in 0000, the sandbox's unreachable numbers.
    number = factory.Sequence(lambda n: f"+1310555{1000 + n:04d}")


class SandboxFaxFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SandboxFax

    account = factory.SubFactory(SandboxAccountFactory)
    customer_field = factory.Sequence(lambda n: f"test {n}")
    source = "18056421414"
    destination = "18002255288"
    time = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    pages = 2
    outcome = "SENT"
    try_count = 1


class SandboxMessageFactory(factory.django.DjangoModelFactory):
    """An outbound SENT message by default; pass direction="in", status=RECEIVED for inbound."""

    class Meta:
        model = SandboxMessage

    number = factory.SubFactory(SandboxNumberFactory)
    account = factory.SelfAttribute("number.account")
    direction = SandboxMessage.Direction.OUTBOUND
    src = factory.SelfAttribute("number.number")
    dst = factory.LazyFunction(lambda: ["+12135550143"])
    text = "Hello from the sandbox"
    time = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))
    status = MessageStatus.SENT
    user_uuid = factory.LazyAttribute(lambda m: str(m.account.user_uuid))


class SandboxMediaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SandboxMedia

    message = factory.SubFactory(SandboxMessageFactory)
    content_type = "image/png"
    extension = "png"
    data = factory.LazyFunction(media.png_bytes)
