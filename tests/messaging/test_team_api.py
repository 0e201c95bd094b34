"""The team inbox in the API: a conversation's status, assignee and labels (shown, and
changed with PATCH), its internal notes, /api/v1/labels/, and the list's filters."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging.models import Conversation, ConversationStatus, Label, Note
from tests.api.helpers import error_of
from tests.factories import MembershipFactory
from tests.messaging.factories import ConversationFactory, MessagingNumberFactory
from tests.messaging.team_factories import LabelFactory, NoteFactory, member

URL = "/api/v1/conversations/"
LABELS = "/api/v1/labels/"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def detail(conversation) -> str:
    return f"{URL}{conversation.pk}/"


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def fresh(conversation) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.select_related("assignee").get(pk=conversation.pk)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


@pytest.fixture
def chat(number):
    return ConversationFactory(own_number=number, last_message_at=T0)


# What a conversation shows


def test_a_conversation_shows_its_status_assignee_and_labels(api, org, agent, chat):
    billing = LabelFactory(organization=org, name="billing", colour="red")
    with scopes_disabled():
        chat.labels.set([billing])
        Conversation.objects.filter(pk=chat.pk).update(assignee=agent.user,
                                                       status=ConversationStatus.CLOSED)
    body = api.get(detail(chat)).json()
    assert body["status"] == "closed"
    assert body["assignee"] == {"id": agent.user.pk, "username": agent.user.username}
    assert body["labels"] == [{"id": billing.pk, "name": "billing", "colour": "red"}]


# PATCH


def test_patch_closes_a_conversation(api, chat):
    response = patch(api, detail(chat), {"status": "closed"})
    assert response.status_code == 200
    assert response.json()["status"] == "closed"
    assert fresh(chat).status == ConversationStatus.CLOSED
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action="conversation.closed")
    assert entry.actor_label.startswith("API key Billing system")


def test_patch_assigns_and_unassigns(api, agent, chat):
    response = patch(api, detail(chat), {"assignee": agent.user.pk})
    assert response.json()["assignee"]["id"] == agent.user.pk
    assert fresh(chat).assignee == agent.user
    assert patch(api, detail(chat), {"assignee": None}).json()["assignee"] is None
    assert fresh(chat).assignee is None


def test_patch_sets_the_labels(api, org, chat):
    billing, urgent = LabelFactory(organization=org), LabelFactory(organization=org)
    response = patch(api, detail(chat), {"labels": [billing.pk, urgent.pk]})
    assert {label["id"] for label in response.json()["labels"]} == {billing.pk, urgent.pk}
    assert patch(api, detail(chat), {"labels": []}).json()["labels"] == []


def test_patch_changes_all_three_at_once(api, org, agent, chat):
    billing = LabelFactory(organization=org)
    body = patch(api, detail(chat), {"status": "closed", "assignee": agent.user.pk,
                                     "labels": [billing.pk]}).json()
    assert (body["status"], body["assignee"]["id"], [lb["id"] for lb in body["labels"]]) == (
        "closed", agent.user.pk, [billing.pk])


def test_patch_of_a_member_who_cannot_see_the_number_is_a_400(api, org, number, chat):
    member(org, "alice", numbers=[number])
    bob = member(org, "bob", numbers=[MessagingNumberFactory(organization=org)]).user
    response = patch(api, detail(chat), {"assignee": bob.pk, "status": "closed"})
    assert response.status_code == 400
    assert "bob cannot be assigned" in error_of(response)["fields"]["assignee"][0]
    assert fresh(chat).status == ConversationStatus.OPEN  # nothing changed


def test_patch_with_another_organizations_member_is_a_404(api, outsider, chat):
    response = patch(api, detail(chat), {"assignee": outsider.user.pk, "status": "closed"})
    assert response.status_code == 404
    assert set(error_of(response)["fields"]) == {"assignee"}
    assert fresh(chat).status == ConversationStatus.OPEN


def test_patch_with_another_organizations_label_is_a_404(api, org, other_org, chat):
    mine, theirs = LabelFactory(organization=org), LabelFactory(organization=other_org)
    response = patch(api, detail(chat), {"labels": [mine.pk, theirs.pk], "status": "closed"})
    assert response.status_code == 404
    assert set(error_of(response)["fields"]) == {"labels"}
    with scopes_disabled():
        assert not chat.labels.exists()
    assert fresh(chat).status == ConversationStatus.OPEN


@pytest.mark.parametrize(("body", "field"), [
    ({"status": "snoozed"}, "status"), ({"assignee": "me"}, "assignee"),
    ({"assignee": 1.5}, "assignee"), ({"labels": "1"}, "labels"), ({"labels": [0]}, "labels.0"),
    ({"priority": "high"}, "priority")])
def test_patch_with_bad_input_is_a_400_naming_the_field(api, chat, body, field):
    response = patch(api, detail(chat), body)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_patch_of_another_organizations_conversation_is_a_404(outsider_api, chat):
    assert patch(outsider_api, detail(chat), {"status": "closed"}).status_code == 404
    assert fresh(chat).status == ConversationStatus.OPEN


def test_a_read_only_key_may_not_patch(reader, chat):
    response = patch(reader, detail(chat), {"status": "closed"})
    assert response.status_code == 403
    assert fresh(chat).status == ConversationStatus.OPEN


def test_a_viewer_may_not_patch_but_an_agent_may(viewer_client, agent_client, chat):
    assert patch(viewer_client, detail(chat), {"status": "closed"}).status_code == 403
    assert fresh(chat).status == ConversationStatus.OPEN
    assert patch(agent_client, detail(chat), {"status": "closed"}).status_code == 200


def test_put_is_not_allowed(api, chat):
    assert api.put(detail(chat), json.dumps({"status": "closed"}),
                   content_type="application/json").status_code == 405


# Notes


def notes_url(conversation) -> str:
    return f"{detail(conversation)}notes/"


def test_a_note_is_written_with_its_mentions(agent_client, agent, org, chat):
    alice = member(org, "alice").user
    response = post(agent_client, notes_url(chat), {"text": "@alice please call them"})
    assert response.status_code == 201
    body = response.json()
    assert body["author"] == {"id": agent.user.pk, "username": agent.user.username}
    assert body["mentions"] == [{"id": alice.pk, "username": "alice"}]
    assert body["conversation"] == chat.pk


def test_a_note_by_a_key_has_no_author(api, chat, sms, provider):
    response = post(api, notes_url(chat), {"text": "Imported from the CRM"})
    assert response.status_code == 201 and response.json()["author"] is None
    assert len(provider.calls) == 0  # never sent


def test_notes_are_listed_newest_first(api, chat):
    older = NoteFactory(conversation=chat, created_at=T0 - timedelta(minutes=5))
    newer = NoteFactory(conversation=chat, created_at=T0)
    NoteFactory(conversation=ConversationFactory(own_number=chat.own_number))
    response = api.get(notes_url(chat), {"page_size": 1})
    first = response.json()
    assert [n["id"] for n in first["results"]] == [newer.pk]
    assert [n["id"] for n in api.get(first["next"]).json()["results"]] == [older.pk]


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "   "}, {"text": "x" * 2001}, {},
                                  {"text": "hi", "private": True}])
def test_a_bad_note_is_a_400(api, chat, body):
    response = post(api, notes_url(chat), body)
    assert response.status_code == 400
    error_of(response)
    with scopes_disabled():
        assert not Note.objects.exists()


def test_a_read_only_key_reads_notes_but_may_not_write_them(reader, chat):
    NoteFactory(conversation=chat)
    assert len(reader.get(notes_url(chat)).json()["results"]) == 1
    assert post(reader, notes_url(chat), {"text": "hi"}).status_code == 403


def test_another_organizations_notes_are_a_404(outsider_api, chat):
    NoteFactory(conversation=chat)
    assert outsider_api.get(notes_url(chat)).status_code == 404
    assert post(outsider_api, notes_url(chat), {"text": "hi"}).status_code == 404


def test_notes_refuse_unknown_parameters(api, chat):
    assert api.get(notes_url(chat), {"page_size": 2}).status_code == 200  # the control
    response = api.get(notes_url(chat), {"author": "me"})
    assert response.status_code == 400 and "author" in error_of(response)["fields"]


# Labels


def test_any_key_lists_the_organizations_labels(reader, org, other_org):
    LabelFactory(organization=org, name="billing", colour="green")
    LabelFactory(organization=other_org, name="theirs")
    assert [(lb["name"], lb["colour"]) for lb in reader.get(LABELS).json()["results"]] == [
        ("billing", "green")]


def test_a_key_may_not_manage_labels(api, org):
    label = LabelFactory(organization=org)
    assert post(api, LABELS, {"name": "vip"}).status_code == 403
    assert patch(api, f"{LABELS}{label.pk}/", {"name": "vip"}).status_code == 403
    response = api.delete(f"{LABELS}{label.pk}/")
    assert response.status_code == 403
    assert "an API key reads them" in error_of(response)["message"]


def test_an_admin_manages_labels_with_the_session(admin_client_, org):
    created = post(admin_client_, LABELS, {"name": "vip", "colour": "purple"})
    assert created.status_code == 201
    label_id = created.json()["id"]
    changed = patch(admin_client_, f"{LABELS}{label_id}/", {"name": "VIP customers"})
    assert changed.json() == {"id": label_id, "name": "VIP customers", "colour": "purple"}
    assert admin_client_.delete(f"{LABELS}{label_id}/").status_code == 204
    with scopes_disabled():
        assert not Label.objects.exists()


def test_an_agent_may_not_manage_labels(agent_client, org):
    assert agent_client.get(LABELS).status_code == 200  # the control: agents read them
    assert post(agent_client, LABELS, {"name": "vip"}).status_code == 403


def test_a_duplicate_label_name_is_a_400(admin_client_, org):
    LabelFactory(organization=org, name="VIP")
    response = post(admin_client_, LABELS, {"name": "vip"})
    assert response.status_code == 400
    assert "name" in error_of(response)["fields"]


def test_another_organizations_label_is_a_404(admin_client_, other_org):
    theirs = LabelFactory(organization=other_org)
    assert admin_client_.get(f"{LABELS}{theirs.pk}/").status_code == 404
    assert admin_client_.delete(f"{LABELS}{theirs.pk}/").status_code == 404


# Filters of the list


def test_filter_by_status(api, number):
    open_one = ConversationFactory(own_number=number, last_message_at=T0)
    closed = ConversationFactory(own_number=number, last_message_at=T0,
                                 status=ConversationStatus.CLOSED)
    assert ids(api.get(URL, {"status": "open"})) == [open_one.pk]
    assert ids(api.get(URL, {"status": "closed"})) == [closed.pk]
    assert set(ids(api.get(URL))) == {open_one.pk, closed.pk}  # no filter: both


def test_filter_by_assignee(api, org, agent, number):
    theirs = ConversationFactory(own_number=number, last_message_at=T0, assignee=agent.user)
    nobodys = ConversationFactory(own_number=number, last_message_at=T0)
    assert ids(api.get(URL, {"assignee": agent.user.pk})) == [theirs.pk]
    assert ids(api.get(URL, {"assignee": "none"})) == [nobodys.pk]


def test_assignee_me_reads_the_session(agent_client, agent, number):
    mine = ConversationFactory(own_number=number, last_message_at=T0, assignee=agent.user)
    ConversationFactory(own_number=number, last_message_at=T0)
    assert ids(agent_client.get(URL, {"assignee": "me"})) == [mine.pk]


def test_assignee_me_is_refused_to_a_key(api):
    response = api.get(URL, {"assignee": "me"})
    assert response.status_code == 403
    assert "an API key is no member" in error_of(response)["message"]


def test_filter_by_label(api, org, number):
    billing = LabelFactory(organization=org)
    billed = ConversationFactory(own_number=number, last_message_at=T0)
    ConversationFactory(own_number=number, last_message_at=T0)
    with scopes_disabled():
        billed.labels.set([billing])
    assert ids(api.get(URL, {"label": billing.pk})) == [billed.pk]


def test_filter_by_the_other_party(api, number):
    wanted = ConversationFactory(own_number=number, last_message_at=T0,
                                 participants="+13105550142")
    ConversationFactory(own_number=number, last_message_at=T0, participants="+13105550199")
    assert ids(api.get(URL, {"number": "(310) 555-0142"})) == [wanted.pk]


@pytest.mark.parametrize("parameter", ["label", "assignee"])
def test_another_organizations_id_in_a_filter_is_a_404(api, other_org, outsider, parameter):
    value = (LabelFactory(organization=other_org).pk if parameter == "label"
             else outsider.user.pk)
    response = api.get(URL, {parameter: value})
    assert response.status_code == 404
    assert set(error_of(response)["fields"]) == {parameter}


@pytest.mark.parametrize(("parameter", "value"), [("status", "snoozed"), ("assignee", "you"),
                                                  ("label", "x"), ("assignee", "0")])
def test_a_bad_filter_is_a_400(api, parameter, value):
    response = api.get(URL, {parameter: value})
    assert response.status_code == 400
    assert parameter in error_of(response)["fields"]


def test_the_list_costs_the_same_queries_at_any_page_size(api, org, number):
    labels = [LabelFactory(organization=org) for _ in range(2)]
    for n in range(12):
        conversation = ConversationFactory(own_number=number, last_message_at=T0 - timedelta(n),
                                           assignee=MembershipFactory(organization=org).user)
        with scopes_disabled():
            conversation.labels.set(labels)
    api.get(URL)  # the key's first use of the minute is written down once
    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            response = api.get(URL, {"page_size": size})
        assert len(response.json()["results"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
