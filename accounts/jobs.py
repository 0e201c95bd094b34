"""Running a job's work for every organization that needs it, one organization at a time,
each with its own time budget for provider calls."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

from accounts.models import Organization
from common import logs, outbound
from common.locks import job_lock

log = logging.getLogger(__name__)


@contextmanager
def organization_work(job_name: str, organization: Organization) -> Iterator[bool]:
    """One organization's share of a job: yields False when another run holds its lock (do
    nothing then), else True, with its provider calls under AXION_ORGANIZATION_BUDGET_SECONDS
    (common.outbound.time_budget: a tenant whose provider answers slowly cannot use up the
    run's time) and its log lines tagged with the organization."""
    with job_lock(f"{job_name}:{organization.pk}") as acquired:
        if not acquired:
            yield False
            return
        token = logs.organization_id.set(organization.pk)
        try:
            with outbound.time_budget(settings.AXION_ORGANIZATION_BUDGET_SECONDS):
                yield True
        finally:
            logs.organization_id.reset(token)


def for_each_organization(job_name: str, kind: str, work, *,
                          organization_id: int | None = None) -> str:
    """Run `work(organization)` for every organization with a connection of `kind` (or
    just one), each as its own `organization_work`: a slow run is skipped rather than
    overlapped by the next, and one organization's failure does not stop the others."""
    organizations = Organization.objects.filter(connections__kind=kind).distinct().order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    done, skipped, failed, total = 0, 0, 0, 0
    job_token = logs.job_name.set(job_name)
    try:
        for organization in organizations:
            with organization_work(job_name, organization) as acquired:
                if not acquired:
                    skipped += 1
                    continue
                try:
                    total += work(organization) or 0
                    done += 1
                except Exception:  # noqa: BLE001 - one organization must not stop the rest
                    log.exception("%s failed for organization %s", job_name, organization.pk)
                    failed += 1
    finally:
        logs.job_name.reset(job_token)
    return (f"{done} organizations done, {failed} failed, {skipped} skipped (already "
            f"running), {total} items")
