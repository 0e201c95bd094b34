"""Tables of the portal as a whole."""

from django.db import models


class Heartbeat(models.Model):
    """The last run of the heartbeat job: proof, for /healthz, that a job cluster runs."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.beat_at:%Y-%m-%d %H:%M:%S}"
