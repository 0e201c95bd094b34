"""`endpoint_disabled(sender=Endpoint, endpoint=..., reason=...)`: the delivery job turned
off an endpoint that failed for WEBHOOK_ENDPOINT_DISABLE_DAYS. Sent inside the transaction
that turned it off (after its audit entry; the admins' e-mail goes once it commits), for
in-app notifications to receive without this app knowing them."""

from django.dispatch import Signal

endpoint_disabled = Signal()
