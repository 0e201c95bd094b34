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
