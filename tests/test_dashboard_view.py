"""The dashboard composes today's faxes, unread messages and the connections."""

from django_scopes import scopes_disabled

from messaging.models import Conversation, MessagingNumber


def _conversation(org, unread):
    with scopes_disabled():
        number = MessagingNumber.objects.filter(organization=org).first()
        if number is None:
            number = MessagingNumber(organization=org, number="+18056421414")
            number.set_new_secret()
            number.save()
        return Conversation.objects.create(organization=org, own_number=number,
                                           participants=f"+1213555{unread:04d}",
                                           unread_count=unread)


def test_dashboard_counts_unread_messages_and_conversations(viewer_client, org):
    _conversation(org, 2)
    _conversation(org, 3)
    _conversation(org, 0)
    response = viewer_client.get("/")
    assert b"5 unread" in response.content
    assert b"2 conversations" in response.content


def test_dashboard_does_not_count_another_organizations_unread(viewer_client, org, other_org):
    _conversation(other_org, 7)
    response = viewer_client.get("/")
    assert b"No unread messages" in response.content


def test_dashboard_without_connections_says_what_to_do(owner_client):
    response = owner_client.get("/")
    assert b"Connect your Axion account" in response.content
