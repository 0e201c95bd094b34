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
    # The CSV import that created the contact, if one did: undoing it deletes these.
    created_by_import = models.ForeignKey("ContactImport", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")

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


class ImportState(models.TextChoices):
    CHECKED = "checked", "Checked, not imported yet"
    REFUSED = "refused", "Refused"
    QUEUED = "queued", "Waiting to run"
    RUNNING = "running", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"
    UNDONE = "undone", "Undone"
    # Checked but never imported: a newer file of the organization took its place.
    REPLACED = "replaced", "Replaced by a newer file"


class ContactImport(models.Model):
    """One CSV file of contacts: checked (the dry run's counts), then imported by a job,
    and possibly undone. The file stays in Django's storage until the import ends."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="contact-imports/%Y/%m/", blank=True)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    state = models.CharField(max_length=8, choices=ImportState.choices,
                             default=ImportState.CHECKED)
    # Why the file was refused or the job failed, for people.
    problem = models.TextField(blank=True)
    # What the dry run found: {"rows", "create", "update", "unchanged", "errors",
    # "first_errors": ["row 17: ..."]}; `result` is the same of the run itself.
    preview = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # Progress of the job: data rows read so far, of `total_rows` (the dry run's count).
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at", "-id"],
                                name="contact_import_newest")]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.state == ImportState.DONE else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportedContact(models.Model):
    """A contact that an import changed, with its values before (`previous`: {"fields":
    {...}, "numbers": [...]}), so that undoing the import restores them. (The contacts it
    created say so themselves: Contact.created_by_import.) The contact's id is a plain
    number: a contact deleted since is simply skipped by an undo."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    contact_import = models.ForeignKey(ContactImport, on_delete=models.CASCADE,
                                       related_name="changes")
    contact_pk = models.BigIntegerField()
    previous = models.JSONField(default=dict)

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"contact {self.contact_pk} before import {self.contact_import_id}"
