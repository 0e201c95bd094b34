"""An organization's contacts: the people and offices behind its phone numbers."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization


class Contact(models.Model):
    """A person or an office the organization texts or faxes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    company = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    # The customer's own reference (a patient id, a claim number): the kind of value a fax's
    # customer field holds, so a contact's faxes are found by it too.
    reference = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [
            models.Index(fields=["organization", "name", "id"], name="contact_org_name"),
            models.Index(fields=["organization", "reference"], name="contact_org_reference"),
        ]

    def __str__(self):
        return self.name

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else ""


class ContactNumber(models.Model):
    """One phone number of a contact, E.164 where it is a valid number. A number belongs to
    at most one contact of an organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(max_length=32)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["contact_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"],
                                    name="one_contact_per_number"),
        ]

    def __str__(self):
        return self.number
