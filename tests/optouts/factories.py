"""Factories of the opt-out tests."""

import factory

from optouts.models import OptOut, OptOutSource
from tests.factories import OrganizationFactory, ScopeFreeFactory


class OptOutFactory(ScopeFreeFactory):
    class Meta:
        model = OptOut

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"+1310555{n:04d}")
    source = OptOutSource.KEYWORD
    keyword = "STOP"
