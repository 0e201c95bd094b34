"""/api/v1/campaigns/: create, preview, start, pause, resume, cancel, read, recipients and
the outcomes CSV; scopes, roles and other organizations."""

import csv
import io

import pytest
from django_scopes import scopes_disabled

from campaigns.models import Campaign, CampaignStatus
from optouts.services import opt_out
from tests.api.helpers import error_of
from tests.campaigns.conftest import NUMBERS, reloaded
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OWN
from tests.messaging.team_factories import LabelFactory

URL = "/api/v1/campaigns/"


@pytest.fixture(autouse=True)
def worker_down(queued):
    return queued


def create(client, **values):
    body = {"name": "Flu shots", "from": OWN, "recipients": NUMBERS[:3],
            "text": "Flu shots are in. Reply STOP to opt out.", **values}
    return client.post(URL, body, content_type="application/json")


def test_create_then_preview_then_start(org, api, number, sms):
    opt_out(organization=org, number=NUMBERS[0], source="api")
    response = create(api)
    assert response.status_code == 201
    campaign = response.json()
    assert (campaign["status"], campaign["total"]) == ("draft", 3)
    preview = api.get(f"{URL}{campaign['id']}/preview/").json()
    assert (preview["will_get"], preview["opted_out"], preview["total_segments"]) == (2, 1, 2)
    started = api.post(f"{URL}{campaign['id']}/start/")
    assert started.status_code == 200
    assert started.json()["status"] == "running"


def test_create_from_a_label(org, api, number, sms):
    label = LabelFactory(organization=org, name="VIP")
    conversation = ConversationFactory(own_number=number, participants=NUMBERS[5])
    with scopes_disabled():
        conversation.labels.set([label])
    response = create(api, recipients=None, label=label.pk)
    assert response.status_code == 400  # null is no list
    body = {"name": "VIP", "from": OWN, "label": label.pk, "text": "Hello"}
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["total"] == 1


def test_label_with_nobody_is_a_conflict(org, api, number, sms):
    label = LabelFactory(organization=org, name="Empty")
    body = {"name": "VIP", "from": OWN, "label": label.pk, "text": "Hello"}
    response = api.post(URL, body, content_type="application/json")
    assert response.status_code == 409


def test_recipients_and_label_together_are_refused(org, api, number, sms):
    response = create(api, label=1)
    assert response.status_code == 400
    assert "recipients" in error_of(response)["fields"]


def test_unknown_placeholder_is_refused(api, number, sms):
    response = create(api, text="Hi {nickname}")
    assert response.status_code == 400
    assert "placeholder" in error_of(response)["fields"]["text"][0]


def test_number_of_another_organization_is_404(api, number, sms):
    response = create(api, **{"from": "+13105559999"})
    assert response.status_code == 404


def test_pause_resume_cancel_and_a_conflict(api, make_campaign):
    campaign = make_campaign(started=True)
    assert api.post(f"{URL}{campaign.pk}/pause/").json()["status"] == "paused"
    assert api.post(f"{URL}{campaign.pk}/resume/").json()["status"] == "running"
    assert api.post(f"{URL}{campaign.pk}/cancel/").json()["status"] == "cancelled"
    response = api.post(f"{URL}{campaign.pk}/start/")
    assert response.status_code == 409
    assert reloaded(campaign).status == CampaignStatus.CANCELLED


def test_progress_recipients_and_outcomes(api, make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:3], started=True)
    run(campaign)
    body = api.get(f"{URL}{campaign.pk}/").json()
    assert (body["status"], body["sent"], body["remaining"]) == ("finished", 3, 0)
    page = api.get(f"{URL}{campaign.pk}/recipients/", {"page_size": 2}).json()
    assert [r["number"] for r in page["results"]] == NUMBERS[:2]
    assert page["results"][0]["message_status"] == "QUEUED"
    rest = api.get(page["next"]).json()
    assert [r["number"] for r in rest["results"]] == [NUMBERS[2]]
    response = api.get(f"{URL}{campaign.pk}/outcomes/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 4


def test_read_only_key_may_read_but_not_create(reader, make_campaign):
    campaign = make_campaign()
    assert reader.get(f"{URL}{campaign.pk}/").status_code == 200
    assert create(reader).status_code == 403
    assert reader.post(f"{URL}{campaign.pk}/start/").status_code == 403


def test_viewer_may_not_start(viewer_client, make_campaign):
    campaign = make_campaign()
    assert viewer_client.post(f"{URL}{campaign.pk}/start/").status_code == 403


def test_other_organization_gets_404(outsider_api, make_campaign):
    campaign = make_campaign()
    assert outsider_api.get(f"{URL}{campaign.pk}/").status_code == 404
    assert outsider_api.post(f"{URL}{campaign.pk}/cancel/").status_code == 404
    with scopes_disabled():
        assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.DRAFT
