"""System checks of the portal's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def webhook_urls_use_https(app_configs, **kwargs):
    """Each webhook URL given to Axion carries its number's secret: over plain http it
    would cross the network in clear (webhooks are answered over http rather than
    redirected, since a sender does not follow a redirect with its POST)."""
    if settings.PORTAL_BASE_URL.startswith("https://"):
        return []
    return [Warning(
        "PORTAL_BASE_URL is not https: the webhook URLs registered with Axion, each with "
        "its number's secret, would be sent over plain http.",
        hint="Set PORTAL_BASE_URL to the portal's public https address.",
        id="portal.W001",
    )]


@register(Tags.security, deploy=True)
def sandbox_is_off_in_production(app_configs, **kwargs):
    """The sandbox answers as Axion to anyone who knows its demo accounts and posts to
    callback URLs: it belongs to development and demos, never to a production portal."""
    if not settings.AXION_SANDBOX or settings.DEBUG:
        return []
    return [Error(
        "AXION_SANDBOX is on while DEBUG is off: the simulated provider is served in "
        "production.",
        hint="Unset AXION_SANDBOX (it follows DEBUG) or set it to false.",
        id="portal.E001",
    )]
