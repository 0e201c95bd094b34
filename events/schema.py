"""The documented shape of every event's payload (`data` in a webhook's body), as DRF
serializers: the API's schema publishes them (webhooks_out/api.py, one component per
event type), and the tests check that what events/payloads.py builds keeps to them.

Numbers are E.164, times ISO 8601 in UTC, `contact` is the organization's contact of the
number ({"id", "name"}) or null.
"""

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contacts.api_fields import ContactRefSerializer
from events.models import EventType
from messaging.models import Direction

STATUS_HELP = "SCHEDULED, SENDING, UNKNOWN, QUEUED, SENT, FAILED or RECEIVED."


def enum_field(values, **kwargs) -> serializers.Field:
    """A string that is one of `values`."""
    return serializers.ChoiceField(choices=list(values), **kwargs)


def constant_field(value: str, **kwargs) -> serializers.Field:
    """A string that is always `value`, as a pattern: one enum per event type would be as
    many `type` enums, which drf-spectacular cannot name apart."""
    pattern = f"^{re.escape(value)}$"
    field_class = extend_schema_field({"type": "string", "pattern": pattern})(
        type("ConstantField", (serializers.ChoiceField,), {}))
    return field_class(choices=[value], **kwargs)


class MessageRefSerializer(serializers.Serializer):
    uuid = serializers.CharField(help_text="The message's id in the API (`local-…` until "
                                           "the provider gave it one).")
    conversation = serializers.IntegerField(help_text="The conversation's id in the API.")
    direction = serializers.ChoiceField(choices=Direction.choices)
    from_ = serializers.CharField(help_text="Sender, E.164.")
    to = serializers.ListField(child=serializers.CharField(), help_text="Recipients, E.164.")
    status = serializers.CharField(help_text=STATUS_HELP)
    status_reason = serializers.CharField(allow_blank=True)
    sent_at = serializers.DateTimeField()
    client_reference = serializers.CharField(allow_blank=True)

    def get_fields(self):
        fields = super().get_fields()
        return {("from" if name == "from_" else name): field for name, field in fields.items()}


class ReceivedMessageSerializer(MessageRefSerializer):
    text = serializers.CharField(allow_blank=True, help_text="The message's text.")
    media_count = serializers.IntegerField(help_text="Attachments (GET them with the API).")


class MessageReceivedSerializer(serializers.Serializer):
    message = ReceivedMessageSerializer()
    contact = ContactRefSerializer(allow_null=True, help_text="The sender's contact.")


class MessageStatusChangedSerializer(serializers.Serializer):
    message = MessageRefSerializer(help_text="The message, without its text.")
    previous_status = serializers.CharField(help_text=STATUS_HELP)
    status = serializers.CharField(help_text=STATUS_HELP)
    previous_uuid = serializers.CharField(
        allow_null=True, help_text="The message's `local-…` uuid when it has just been given "
                                   "the provider's (a send accepted); else null.")
    contact = ContactRefSerializer(allow_null=True, help_text="The other party's contact.")


class MessageDeletedSerializer(serializers.Serializer):
    message = MessageRefSerializer(help_text="The message, without its text.")
    deleted_at = serializers.DateTimeField()
    contact = ContactRefSerializer(allow_null=True, help_text="The other party's contact.")


class FaxRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The fax's id in the API.")
    customer_field = serializers.CharField(allow_null=True, help_text="Your reference.")
    source_number = serializers.CharField()
    destination_number = serializers.CharField()
    sent_at = serializers.DateTimeField()
    pages = serializers.IntegerField()
    status = serializers.CharField(help_text="QUEUED, PROGRESS, SENT or FAILED.")
    try_count = serializers.IntegerField()


class FaxStatusSerializer(serializers.Serializer):
    fax = FaxRefSerializer()
    previous_status = serializers.CharField(
        allow_null=True, help_text="Null when the portal sees the fax for the first time.")
    status = serializers.CharField(help_text="QUEUED, PROGRESS, SENT or FAILED.")
    contact = ContactRefSerializer(allow_null=True, help_text="The destination's contact.")


class AlertRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    day = serializers.DateField(allow_null=True, help_text="The day (organization's time "
                                "zone) of a none_sent alert; else null.")


class AlertRuleRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = enum_field(["failed", "third_try", "stuck", "none_sent"],
                      help_text="failed; third_try (the fax is on its last try); stuck "
                                "(queued or in progress longer than `minutes`); none_sent "
                                "(no fax sent today by `hour`:00 on a weekday).")
    minutes = serializers.IntegerField(allow_null=True, help_text="stuck's minutes, else "
                                                                  "null.")
    hour = serializers.IntegerField(allow_null=True, help_text="none_sent's hour (0-23, the "
                                                               "organization's time zone).")


class FaxAlertSerializer(serializers.Serializer):
    alert = AlertRefSerializer()
    rule = AlertRuleRefSerializer()
    fax = FaxRefSerializer(allow_null=True, help_text="Null for none_sent.")
    reason = serializers.CharField(help_text="What happened, in words.")
    url = serializers.URLField(help_text="The fax's page in the portal (the history for "
                                         "none_sent).")


class ConnectionRefSerializer(serializers.Serializer):
    kind = enum_field(["fax", "sms"])


class ConnectionFailingSerializer(serializers.Serializer):
    connection = ConnectionRefSerializer()
    failing_since = serializers.DateTimeField()
    error = serializers.CharField(help_text="What went wrong, in words (never a secret).")


class ConnectionRecoveredSerializer(serializers.Serializer):
    connection = ConnectionRefSerializer()
    failing_since = serializers.DateTimeField()
    recovered_at = serializers.DateTimeField()
    reason = enum_field(
        ["login_succeeded", "settings_changed"],
        help_text="A login worked, or an admin changed the connection's credentials or URL.")


class NoteAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class NoteRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    author = NoteAuthorSerializer(allow_null=True, help_text="Null when an API key wrote it.")
    created_at = serializers.DateTimeField()
    mentions = serializers.ListField(child=serializers.IntegerField(),
                                     help_text="User ids of the members it @-mentions.")


class ConversationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    participants = serializers.ListField(child=serializers.CharField(),
                                         help_text="The other parties, E.164.")


class NoteAddedSerializer(serializers.Serializer):
    conversation = ConversationRefSerializer()
    note = NoteRefSerializer()


class OptOutChangedSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="The number, E.164.")
    contact = ContactRefSerializer(allow_null=True, help_text="The number's contact.")
    source = enum_field(["keyword", "member", "import", "api"],
                        help_text="How: a keyword texted by the number (STOP, START), a "
                                  "member, an import of the list, or the API.")
    keyword = serializers.CharField(allow_blank=True,
                                    help_text="The text that did it, for a keyword.")
    at = serializers.DateTimeField()


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    own_number = serializers.CharField(help_text="The number it was sent from, E.164.")


class CampaignFinishedSerializer(serializers.Serializer):
    campaign = CampaignRefSerializer()
    status = enum_field(["finished", "cancelled"],
                        help_text="finished: every recipient was sent to or skipped; "
                                  "cancelled: a member or the API stopped it.")
    total = serializers.IntegerField(help_text="Recipients.")
    sent = serializers.IntegerField(help_text="Handed to Axion (their delivery follows in "
                                              "message.status_changed events).")
    failed = serializers.IntegerField(help_text="Refused when sent.")
    skipped = serializers.IntegerField(help_text="Opted out, or missing template values.")
    not_sent = serializers.IntegerField(help_text="Left unsent by a cancel.")
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField()


class EndpointRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class PingSerializer(serializers.Serializer):
    endpoint = EndpointRefSerializer()
    message = serializers.CharField()


DATA = {
    EventType.MESSAGE_RECEIVED: MessageReceivedSerializer,
    EventType.MESSAGE_STATUS_CHANGED: MessageStatusChangedSerializer,
    EventType.MESSAGE_DELETED: MessageDeletedSerializer,
    EventType.FAX_STATUS_CHANGED: FaxStatusSerializer,
    EventType.FAX_FAILED: FaxStatusSerializer,
    EventType.FAX_ALERT: FaxAlertSerializer,
    EventType.CONNECTION_FAILING: ConnectionFailingSerializer,
    EventType.CONNECTION_RECOVERED: ConnectionRecoveredSerializer,
    EventType.NOTE_ADDED: NoteAddedSerializer,
    EventType.CONTACT_OPTED_OUT: OptOutChangedSerializer,
    EventType.CONTACT_OPTED_IN: OptOutChangedSerializer,
    EventType.CAMPAIGN_FINISHED: CampaignFinishedSerializer,
    EventType.PING: PingSerializer,
}


def field_names(serializer) -> dict:
    """The nested field names of a serializer, as {name: sub-names or None}: what a
    payload's keys must be."""
    names = {}
    for name, field in serializer.fields.items():
        child = getattr(field, "child", None)
        if isinstance(field, serializers.Serializer):
            names[name] = field_names(field)
        elif isinstance(child, serializers.Serializer):
            names[name] = field_names(child)
        else:
            names[name] = None
    return names


_MESSAGE = {"uuid": "5c9e0c1e-2f0a-4c57-9f7e-0a4b1f6f2d11", "conversation": 42,
            "direction": "in", "from": "+13105550142", "to": ["+18056421414"],
            "status": "RECEIVED", "status_reason": "", "sent_at": "2024-03-01T11:58:00Z",
            "client_reference": ""}
_CONTACT = {"id": 7, "name": "Dana Reyes"}
_FAX = {"id": 310, "customer_field": "invoice 2024-117", "source_number": "+18059731214",
        "destination_number": "+18058522606", "sent_at": "2024-03-01T11:40:00Z",
        "pages": 3, "status": "FAILED", "try_count": 3}

# What each event's `data` looks like (the README and the event-types endpoint show them).
EXAMPLES = {
    EventType.MESSAGE_RECEIVED: {
        "message": {**_MESSAGE, "text": "Can I move my appointment to Friday?",
                    "media_count": 0}, "contact": _CONTACT},
    EventType.MESSAGE_STATUS_CHANGED: {
        "message": {**_MESSAGE, "direction": "out", "from": "+18056421414",
                    "to": ["+13105550142"], "status": "SENT"},
        "previous_status": "QUEUED", "status": "SENT", "previous_uuid": None,
        "contact": _CONTACT},
    EventType.MESSAGE_DELETED: {
        "message": _MESSAGE, "deleted_at": "2024-03-01T12:05:00Z", "contact": _CONTACT},
    EventType.FAX_STATUS_CHANGED: {
        "fax": _FAX, "previous_status": "PROGRESS", "status": "FAILED", "contact": None},
    EventType.FAX_FAILED: {
        "fax": _FAX, "previous_status": "PROGRESS", "status": "FAILED", "contact": None},
    EventType.FAX_ALERT: {
        "alert": {"id": 77, "created_at": "2024-03-01T12:02:00Z", "day": None},
        "rule": {"id": 4, "kind": "stuck", "minutes": 60, "hour": None},
        "fax": {**_FAX, "status": "PROGRESS", "try_count": 2},
        "reason": "Queued or in progress for more than 60 minutes.",
        "url": "https://portal.example.com/faxes/310/"},
    EventType.CONNECTION_FAILING: {
        "connection": {"kind": "sms"}, "failing_since": "2024-03-01T12:00:00Z",
        "error": "Axion refused the username or password of this connection."},
    EventType.CONNECTION_RECOVERED: {
        "connection": {"kind": "sms"}, "failing_since": "2024-03-01T12:00:00Z",
        "recovered_at": "2024-03-01T12:30:00Z", "reason": "settings_changed"},
    EventType.NOTE_ADDED: {
        "conversation": {"id": 42, "participants": ["+13105550142"]},
        "note": {"id": 9, "text": "@alice please call her back", "created_at":
                 "2024-03-01T12:10:00Z", "author": {"id": 3, "username": "bob"},
                 "mentions": [2]}},
    EventType.CONTACT_OPTED_OUT: {
        "number": "+13105550142", "contact": _CONTACT, "source": "keyword",
        "keyword": "Stop", "at": "2024-03-01T12:20:00Z"},
    EventType.CONTACT_OPTED_IN: {
        "number": "+13105550142", "contact": _CONTACT, "source": "keyword",
        "keyword": "START", "at": "2024-03-02T09:00:00Z"},
    EventType.CAMPAIGN_FINISHED: {
        "campaign": {"id": 12, "name": "Flu shots 2026", "own_number": "+18056421414"},
        "status": "finished", "total": 1200, "sent": 1150, "failed": 8, "skipped": 42,
        "not_sent": 0, "started_at": "2024-03-01T09:00:00Z",
        "finished_at": "2024-03-01T09:20:00Z"},
    EventType.PING: {"endpoint": {"id": 5},
                     "message": "This is a test event sent from the Axion portal."},
}
