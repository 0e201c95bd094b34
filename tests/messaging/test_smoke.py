import json

from django_scopes import scopes_disabled

from messaging.models import Conversation, Message, MessagingNumber, WebhookEvent
from tests.factories import OrganizationFactory


def test_new_sms_webhook_makes_a_message(client, db, settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False
    org = OrganizationFactory()
    with scopes_disabled():
        number = MessagingNumber(organization=org, number="+18056421414")
        number.set_new_secret()
        number.save()
    body = {"event": "newSMS", "uuid": "u-1", "time": "2021-05-02T15:22:18Z",
            "number": "+18056421414", "sourceNumber": "+18056421415",
            "destinationNumbers": ["+18056421414"], "text": "hello", "media": ""}
    response = client.post(number.webhook_path, json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    response = client.post(number.webhook_path, json.dumps(body),
                           content_type="application/json")
    with scopes_disabled():
        assert WebhookEvent.objects.count() == 2
        assert Message.objects.count() == 1
        conversation = Conversation.objects.get()
        assert conversation.unread_count == 1
        assert conversation.participants == "+18056421415"
        assert conversation.last_preview == "hello"
