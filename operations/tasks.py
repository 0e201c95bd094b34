"""Jobs of the operations app: a run that an admin asked for with "run now"."""

from accounts.models import JobState, Organization
from accounts.tenancy import organization_scope
from operations import registry


def run_job_now(name: str, organization_id: int) -> str:
    """Run one job for one organization, now (queued by operations.job_status.run_now).
    The job takes its organization's lock as on any run: if another run holds it, this
    one does nothing."""
    job = registry.job_named(name)
    organization = Organization.objects.filter(pk=organization_id).first()
    if job is None or organization is None:
        return f"nothing to run: no job {name!r} for organization {organization_id}"
    # Started: no longer waiting in the queue (a job with nothing to do for the
    # organization records no run, and must not look queued for ever).
    with organization_scope(organization):
        JobState.objects.filter(job=name).update(queued_at=None)
    return job.task(organization_id=organization_id)
