"""Jobs give each organization its own time budget for provider calls
(AXION_ORGANIZATION_BUDGET_SECONDS): one slow tenant cannot use up a run's whole time.

The slow tenant is a loopback server that never answers (allowed by AXION_ALLOWED_HOSTS);
each test bounds how long the run took, and never waits itself.
"""

import time

import pytest

from accounts.jobs import for_each_organization
from accounts.tasks import renew_tokens
from common import outbound
from tests.axion.bodies import SMS_LOGIN_OK
from tests.common import servers
from tests.factories import ConnectionFactory
from tests.messaging.factories import SmsConnectionFactory


@pytest.fixture
def slow_tenant_settings(settings):
    settings.AXION_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.AXION_ORGANIZATION_BUDGET_SECONDS = 0.5
    settings.AXION_CALL_DEADLINE_SECONDS = 3.0
    return settings


def test_each_organization_gets_a_budget_of_its_own(org, other_org, slow_tenant_settings):
    ConnectionFactory(organization=org)
    ConnectionFactory(organization=other_org)
    left = {}

    def work(organization):
        if organization == org:  # the slow tenant comes first and spends its budget
            with servers.LoopbackServer(servers.silent) as server, \
                    outbound.guarded_session(outbound.OutboundPolicy(("127.0.0.1",))) as s:
                outbound.post(s, server.url, json={}, timeout=(3, 3), deadline=3,
                              max_bytes=100)
        left[organization] = outbound.budget_remaining()

    started = time.monotonic()
    result = for_each_organization("budget_test", "fax", work)
    assert time.monotonic() - started < 2.0
    assert result.startswith("1 organizations done, 1 failed")
    assert 0.3 < left[other_org] <= 0.5


def test_work_outside_a_job_has_no_budget(org):
    ConnectionFactory(organization=org)
    left = []
    for_each_organization("budget_test", "fax", lambda o: left.append(outbound.budget_remaining()))
    assert outbound.budget_remaining() is None
    assert left[0] is not None


def test_renewal_of_a_slow_tenant_does_not_starve_the_next(org, other_org, slow_tenant_settings):
    with servers.LoopbackServer(servers.silent) as slow, \
            servers.LoopbackServer(servers.answer(SMS_LOGIN_OK.encode())) as fine:
        SmsConnectionFactory(organization=org, api_url=slow.url, token_expires_at=None)
        SmsConnectionFactory(organization=other_org, api_url=fine.url, token_expires_at=None)
        started = time.monotonic()
        result = renew_tokens()
        elapsed = time.monotonic() - started
    assert result == "1 tokens renewed, 1 failed"
    # Without the budget, the slow tenant alone takes 3 attempts of 3 s.
    assert elapsed < 2.0
