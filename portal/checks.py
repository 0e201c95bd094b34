"""System checks of the portal's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def webhook_urls_use_https(app_configs, **kwargs):
    """Each webhook URL given to Axion carries its number's secret: over plain http it
    would cross the network in clear (the webhooks' lane answers it rather than redirect,
    since a sender does not follow a redirect with its POST)."""
    if settings.PORTAL_BASE_URL.startswith("https://"):
        return []
    return [Warning(
        "PORTAL_BASE_URL is not https: the webhook URLs registered with Axion, each with "
        "its number's secret, would be sent over plain http.",
        hint="Set PORTAL_BASE_URL to the portal's public https address.",
        id="portal.W001",
    )]
