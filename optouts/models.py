"""The numbers that told an organization to stop texting them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization


class OptOutSource(models.TextChoices):
    KEYWORD = "keyword", "Replied with a keyword"
    MEMBER = "member", "Added by a member"
    IMPORT = "import", "Imported"
    API = "api", "Added through the API"


class OptOut(models.Model):
    """A number opted out of every message of the organization, from any of its numbers
    (carriers hold the organization, not one of its numbers, to a STOP). Opting back in
    deletes the row; the audit log keeps both."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.CharField(max_length=16, help_text="E.164")
    source = models.CharField(max_length=10, choices=OptOutSource.choices)
    # The inbound text that opted out ("Stop."), when a keyword did.
    keyword = models.CharField(max_length=40, blank=True)
    # Why, in a member's words ("asked by phone on 3 March"), or an import's note column.
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organization", "number"],
                                               name="one_opt_out_per_number")]
        indexes = [models.Index(fields=["organization", "-created_at", "-id"],
                                name="optout_org_newest")]

    def __str__(self):
        return f"{self.number} opted out ({self.get_source_display()})"


class KeywordReplies(models.Model):
    """What one of the organization's numbers answers to STOP, START and HELP; a blank
    reply is the default (optouts.replies.DEFAULTS), which names the organization."""

    MAX_LENGTH = 320  # two SMS segments: carriers expect these answers short

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    number = models.OneToOneField("messaging.MessagingNumber", on_delete=models.CASCADE,
                                  related_name="keyword_replies")
    opted_out = models.CharField("Opt-out confirmation", max_length=MAX_LENGTH, blank=True)
    opted_in = models.CharField("Opt-in confirmation", max_length=MAX_LENGTH, blank=True)
    help = models.CharField("Help answer", max_length=MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"Keyword replies of {self.number_id}"


class ReplyState(models.TextChoices):
    PENDING = "pending", "To be sent"
    SENT = "sent", "Sent"
    NOT_SENT = "not_sent", "Not sent"


class InboundKeyword(models.Model):
    """An inbound message that was a keyword, once per message (its uniqueness is what
    keeps a webhook processed twice, or a sync after the webhook, from answering again),
    and what became of its reply."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    message = models.OneToOneField("messaging.Message", on_delete=models.CASCADE,
                                   related_name="+")
    own_number = models.ForeignKey("messaging.MessagingNumber", on_delete=models.CASCADE,
                                   related_name="+", help_text="The number it was sent to.")
    number = models.CharField(max_length=16, help_text="The sender, E.164.")
    kind = models.CharField(max_length=10)  # optouts.keywords.Keyword
    sent_at = models.DateTimeField()
    reply_state = models.CharField(max_length=10, choices=ReplyState.choices)
    reply_note = models.CharField(max_length=300, blank=True,
                                  help_text="Why no reply was sent.")
    reply = models.ForeignKey("messaging.Message", null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [models.Index(fields=["organization", "number", "sent_at"],
                                name="inbound_keyword_number")]

    def __str__(self):
        return f"{self.kind} from {self.number}"
