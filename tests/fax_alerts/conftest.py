"""Fax alerts' tests start from an organization without rules (each test adds the rules it
is about), except where they check the defaults."""

import pytest
from django_scopes import scopes_disabled

from fax_alerts.models import AlertRule


@pytest.fixture
def org(org):
    with scopes_disabled():
        AlertRule.objects.filter(organization=org).delete()
    return org
