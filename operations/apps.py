from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an on-call engineer needs to trust the pipeline without reading logs: each
    connection's lifecycle, the webhook ledger, the jobs."""

    name = "operations"
