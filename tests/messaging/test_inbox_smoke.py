import json

import responses
from django_scopes import scopes_disabled

from messaging.models import Message, MessagingNumber
from tests.factories import ConnectionFactory

SMS_URL = "https://sms.axion.example/api"


@responses.activate
def test_agent_sees_inbound_and_replies(agent_client, agent, org, client, settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False
    ConnectionFactory(organization=org, kind="sms", api_url=SMS_URL)
    responses.post(SMS_URL, json={"RESULT": "OK", "sessionToken": "tok"})
    with scopes_disabled():
        number = MessagingNumber(organization=org, number="+18056421414", label="Front desk")
        number.set_new_secret()
        number.save()
    body = {"event": "newSMS", "uuid": "u-1", "time": "2021-05-02T15:22:18Z",
            "number": "+18056421414", "sourceNumber": "+18056421415",
            "destinationNumbers": ["+18056421414"], "text": "hello there", "media": ""}
    assert client.post(number.webhook_path, json.dumps(body),
                       content_type="application/json").status_code == 200
    inbox = agent_client.get("/messaging/")
    assert b"hello there" in inbox.content
    assert b"1 unread" in inbox.content
    with scopes_disabled():
        conversation_id = Message.objects.get().conversation_id
    page = agent_client.get(f"/messaging/conversations/{conversation_id}/")
    assert b"hello there" in page.content
    assert b"1 unread" not in agent_client.get("/messaging/").content
    responses.post(SMS_URL, json={"RESULT": "OK", "uuid": "out-1",
                                  "time": "2021-05-02T15:23:00Z"})
    token = page.context["form"]["send_token"].value()
    response = agent_client.post(f"/messaging/conversations/{conversation_id}/reply/",
                                 {"text": "hi back", "send_token": token})
    assert response.status_code == 302, response.content
    again = agent_client.post(f"/messaging/conversations/{conversation_id}/reply/",
                              {"text": "hi back", "send_token": token})
    assert again.status_code == 302
    with scopes_disabled():
        assert Message.objects.filter(uuid="out-1", status="QUEUED").count() == 1
        assert Message.objects.count() == 2
    fragment = agent_client.get(f"/messaging/conversations/{conversation_id}/fragment/")
    assert b"hi back" in fragment.content
