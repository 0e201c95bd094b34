"""The helpers' one table (job locks) and a model base the apps' sync records share."""

from django.db import models


class JobLock(models.Model):
    """A named lock held by one running job, so a slow run is never overlapped by the next.

    A row in the database works the same on SQLite and PostgreSQL and across every web and
    job process; `expires_at` frees the lock of a process that died while holding it.
    """

    name = models.CharField(max_length=200, unique=True)
    holder = models.CharField(max_length=200)
    acquired_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # Another process asked the holder for one more round of its work before it lets go
    # (common.locks.run_in_rounds).
    again = models.BooleanField(default=False, db_default=False)

    def __str__(self):
        return self.name


class SyncOutcome(models.Model):
    """When a sync last succeeded, and its last error: shown on the pages it feeds."""

    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True

    @property
    def failing(self) -> bool:
        return bool(self.last_error_at and (self.last_success_at is None
                                            or self.last_error_at > self.last_success_at))
