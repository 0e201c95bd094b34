"""Where endpoints may point: https URLs of public addresses (common/outbound.py), and the
hosts an operator lists in WEBHOOK_ALLOWED_HOSTS besides, which may be private or plain
http (a test receiver on 127.0.0.1, a customer's system on a private network).

Unlike AXION_ALLOWED_HOSTS, which narrows the provider's URLs to the hosts it lists, the
list here only adds hosts: organizations point endpoints at any public host of theirs. So
a URL whose host is listed gets a policy with the list (its host exempt), and any other URL
the plain policy (https, public).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from common.outbound import OutboundPolicy, URLRefused, check_url

MAX_URL_LENGTH = 2000


def _listed(url: str) -> bool:
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".")
    except ValueError:
        return False
    return host != "" and host in {h.strip().lower().strip("[]").rstrip(".")
                                   for h in settings.WEBHOOK_ALLOWED_HOSTS if h.strip()}


def policy_for(url: str) -> OutboundPolicy:
    """The outbound policy that deliveries to `url` go through."""
    if _listed(url):
        return OutboundPolicy(allowed_hosts=tuple(settings.WEBHOOK_ALLOWED_HOSTS))
    return OutboundPolicy()


def check_endpoint_url(url: str) -> str:
    """The URL, stripped, if deliveries may go to it; else ValidationError saying why (not
    https, not a public address, a name that does not resolve). Deliveries check it again
    when they connect: what a name resolves to may change."""
    url = (url or "").strip()
    if not url:
        raise ValidationError("Enter the URL of your endpoint.", code="required")
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(f"At most {MAX_URL_LENGTH} characters.", code="max_length")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError("Enter a full URL, starting with https://.",
                              code="invalid") from None
    try:
        check_url(url, policy_for(url))
    except URLRefused as error:
        raise ValidationError(str(error), code="url_not_allowed") from error
    return url
