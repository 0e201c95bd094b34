"""/search/?q=: the page the top bar's box opens."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.contacts.factories import contact_with
from tests.factories import UserFactory
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.search.conftest import REFERENCE

pytestmark = pytest.mark.django_db


def page(client, q):
    return client.get("/search/", {"q": q})


def test_a_reference_shows_its_fax_and_its_message_linked_to_their_pages(viewer_client, fax,
                                                                         message):
    content = page(viewer_client, REFERENCE).content.decode()
    assert f'href="/faxes/{fax.pk}/"' in content
    assert f"/messaging/conversations/{message.conversation_id}/?cursor=" in content
    assert f"#m{message.pk}" in content


def test_the_message_link_opens_its_conversation_at_the_message(viewer_client, number,
                                                                conversation):
    start = datetime(2024, 1, 1, tzinfo=UTC)
    mentioned = MessageFactory(conversation=conversation, text=f"About {REFERENCE}",
                               sent_at=start)
    MessageFactory.create_batch(60, conversation=conversation, text="Later news",
                                sent_at=start + timedelta(days=1))
    content = page(viewer_client, REFERENCE).content.decode()
    link = re.search(r'href="(/messaging/conversations/\d+/\?cursor=[^"#]+)#m(\d+)"',
                     content)
    assert link and link[2] == str(mentioned.pk)
    opened = viewer_client.get(link[1].replace("&amp;", "&"))
    assert f'id="m{mentioned.pk}"' in opened.content.decode()


def test_a_number_shows_faxes_conversations_and_the_contact(viewer_client, fax, conversation,
                                                            contact):
    content = page(viewer_client, "+1 805 642 1415").content.decode()
    assert f'href="/faxes/{fax.pk}/"' in content
    assert f'href="/messaging/conversations/{conversation.pk}/"' in content
    assert f'href="/contacts/{contact.pk}/"' in content


def test_a_name_shows_the_contact(viewer_client, contact):
    assert f'href="/contacts/{contact.pk}/"' in page(viewer_client, "Dana").content.decode()


def test_another_organizations_fax_is_not_shown(outsider_client, fax, message):
    content = page(outsider_client, REFERENCE).content.decode()
    assert f"/faxes/{fax.pk}/" not in content
    assert f"#m{message.pk}" not in content


@pytest.mark.parametrize("q, reason", [("x", "at least 2"), ("y" * 101, "at most 100"),
                                       ("ab\x00c", "null character")])
def test_a_query_it_cannot_run_is_a_400_saying_why(viewer_client, q, reason):
    response = page(viewer_client, q)
    assert response.status_code == 400
    assert reason in response.content.decode()


def test_an_empty_query_shows_the_form_only(viewer_client):
    response = viewer_client.get("/search/")
    assert response.status_code == 200
    assert 'id="search-page-q"' in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get("/search/?q=abc")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_unseen_reference_offers_the_lookup_at_axion_to_agents(agent_client):
    content = page(agent_client, "INV-2042").content.decode()
    assert 'href="/faxes/lookup/?references=INV-2042"' in content


def test_a_reference_a_fax_holds_offers_no_lookup(agent_client, fax):
    assert "/faxes/lookup/" not in page(agent_client, REFERENCE).content.decode()


def test_a_viewer_is_not_offered_the_lookup(viewer_client):
    assert "/faxes/lookup/?references" not in page(viewer_client, "INV-2042").content.decode()


def test_the_lookup_link_fills_in_the_reference(agent_client):
    response = agent_client.get("/faxes/lookup/", {"references": "INV-2042"})
    assert "INV-2042" in response.content.decode()


def test_a_full_group_links_to_its_whole_list(viewer_client, org):
    for n in range(11):
        FaxFactory(organization=org, customer_field=f"BATCH-{n:02d}")
    content = page(viewer_client, "BATCH").content.decode()
    assert 'href="/faxes/?reference=BATCH"' in content


def many(org, number, first, count):
    for n in range(first, first + count):
        conversation = ConversationFactory(own_number=number, participants=f"+1323555{n:04d}")
        MessageFactory(conversation=conversation, text=f"{REFERENCE} part {n}")
        FaxFactory(organization=org, customer_field=f"{REFERENCE}-{n}",
                   destination_number=f"+1323555{n:04d}")
        contact_with(org, f"+1323555{n:04d}", name=f"{REFERENCE} {n}")


def test_the_page_makes_as_many_queries_for_many_results_as_for_one(viewer_client, org,
                                                                    number):
    many(org, number, 0, 1)
    page(viewer_client, REFERENCE)
    with CaptureQueriesContext(connection) as one:
        page(viewer_client, REFERENCE)
    many(org, number, 1, 25)
    with CaptureQueriesContext(connection) as lots:
        content = page(viewer_client, REFERENCE).content.decode()
    assert content.count("/faxes/") >= 10
    assert len(lots.captured_queries) == len(one.captured_queries)


def test_the_top_bar_has_the_search_box_for_members(viewer_client):
    content = viewer_client.get("/").content.decode()
    assert 'id="topbar-search"' in content
    assert 'action="/search/"' in content


def test_the_top_bar_has_no_search_box_signed_out(client):
    assert 'id="topbar-search"' not in client.get(reverse("login")).content.decode()


def test_the_found_messages_are_not_shown_as_flash_messages(viewer_client, message):
    assert 'class="flash"' not in page(viewer_client, REFERENCE).content.decode()


def test_a_member_not_on_the_number_does_not_see_its_message(agent_client, number, message):
    number.allowed_users.add(UserFactory())
    assert f"#m{message.pk}" not in page(agent_client, REFERENCE).content.decode()
