"""The portal's jobs as the operations pages see them.

The job registry is `portal/jobs.py`, above this app: it hands its list down here when it
is imported (operations may not import portal), with the way to read the job cluster's
heartbeat. Each job has `name`, `help`, `func` (its dotted path, the name of its
schedule's function), `minutes`, `per_organization`, and `queue(organization_id)`, which
queues one run of it for one organization.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

_jobs: list[Any] = []
_heartbeat: list[Callable[[], datetime | None]] = []


def publish(jobs: list, *, heartbeat: Callable[[], datetime | None]) -> None:
    """Called by portal/jobs.py with its JOBS and a function giving the last heartbeat."""
    _jobs[:] = list(jobs)
    _heartbeat[:] = [heartbeat]


def organization_jobs() -> list:
    """The jobs that run per organization, in the registry's order."""
    return [job for job in _jobs if job.per_organization]


def job_named(name: str):
    return next((job for job in organization_jobs() if job.name == name), None)


def last_heartbeat() -> datetime | None:
    """When the job cluster last ran its heartbeat job (None: never, or not published)."""
    return _heartbeat[0]() if _heartbeat else None
