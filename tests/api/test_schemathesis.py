"""Property-based run of schemathesis against the API's own schema, through WSGI (no
network): no answer is a 5xx, and every answer matches what the schema documents.

The provider is recorded (`responses`), so lookups, sends, deletes and media fetches get a
provider's answer; the rate limit is off. Bounded: a few examples per operation, no
deadline, no example database, so it runs in well under a minute.
"""

import json
from datetime import UTC, datetime

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.axion import bodies
from tests.faxes.factories import FaxFactory
from tests.faxes.recorded import FAX_URL
from tests.messaging.factories import (
    ConversationFactory,
    MediaFactory,
    MessageFactory,
)
from tests.messaging.provider import OTHER
from tests.messaging.provider import answer as sms_answer

EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db, org, settings, fax_connection, sms, number, provider, api_key):
    settings.API_RATE = ""
    # The provider answers every call of the API's endpoints.
    for method, body in (("Fax_Status", bodies.FAX_STATUS_OK),
                         ("Fax_Group_Status", bodies.FAX_GROUP_OK),
                         ("All_Faxes_Status", bodies.ALL_FAXES_OK)):
        provider.post(FAX_URL, body=body, content_type="application/json",
                      match=[_method_is("METHOD", method)])
    sms_answer(provider, "sendSMS", bodies.SEND_OK)
    sms_answer(provider, "deleteSMS", {"RESULT": "OK"})
    sms_answer(provider, "getMMSMedia", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16,
               content_type="image/png")
    # Something to find in every list.
    FaxFactory.create_batch(3, organization=org,
                            sent_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))
    conversation = ConversationFactory(own_number=number, participants=OTHER,
                                       last_message_at=datetime(2024, 3, 1, tzinfo=UTC))
    for n in range(3):
        MediaFactory(message=MessageFactory(conversation=conversation, uuid=f"msg-{n}"))
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def _method_is(key, method):
    def match(request):
        payload = json.loads(request.body or b"{}")
        ok = payload.get(key) == method
        return ok, "" if ok else f"{key} is not {method}"
    return match


@pytest.fixture
def bearer(api_key):
    return {"Authorization": f"Bearer {api_key[1]}"}


def test_the_api_keeps_to_its_schema(api_schema, bearer):
    # Driven by hand rather than with schemathesis' pytest plugin, which does not run
    # under pytest 9 (it reads a private attribute of pytest's test items).
    examples = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 11
    for operation in operations:
        strategy = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                             operation.as_strategy(GenerationMode.NEGATIVE))

        @given(case=strategy)
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        def keeps_to_the_schema(case):
            examples.append(case)
            case.call_and_validate(headers=bearer, checks=CHECKS)

        keeps_to_the_schema()
    assert len(examples) >= len(operations) * 5
