"""Two-factor devices for tests: an authenticator app (TOTP) with the code it shows now,
recovery codes, and a client whose session passed the second step."""

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

RECOVERY_CODES = ("alpha2345", "bravo2345", "charlie23")


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class RecoveryCodesFactory(factory.django.DjangoModelFactory):
    """Recovery codes (a static device) holding RECOVERY_CODES."""

    class Meta:
        model = StaticDevice
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    name = "Recovery codes"
    confirmed = True

    @factory.post_generation
    def codes(self, create, extracted, **kwargs):
        for code in RECOVERY_CODES if extracted is None else extracted:
            StaticToken.objects.create(device=self, token=code)


def code_now(device: TOTPDevice) -> str:
    """The code the authenticator app shows at this moment."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=device.drift)
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code_now(device)) + 1) % 10 ** device.digits:0{device.digits}d}"


def verified_client(user, device: TOTPDevice | None = None) -> Client:
    """A client logged in as `user` whose session passed the two-factor step."""
    device = device or TOTPDeviceFactory(user=user)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
