"""Root URLs. The sandbox of the provider's APIs is mounted only when AXION_SANDBOX is on."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from messaging.webhooks import receive_webhook
from portal import health, views

urlpatterns = [
    # First: the provider calls it for every message event, and patterns are tried in order.
    path("hooks/sms/<str:secret>/", receive_webhook, name="sms_webhook"),
    re_path(r"^hooks/", views.hook_not_found),
    # Sign-in pages of the portal's own (two-factor, limits), before Django's and the admin's.
    path("", include("accounts.auth_urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("faxes/", include("faxes.urls")),
    path("fax-alerts/", include("fax_alerts.urls")),
    path("messaging/", include("messaging.urls")),
    path("contacts/", include("contacts.urls")),
    path("opt-outs/", include("optouts.urls")),
    path("operations/", include("operations.urls")),
    path("notifications/", include("notifications.urls")),
    path("activity/", include("charts.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("search/", include("search.urls")),
    path("organization/webhooks/", include("webhooks_out.urls")),
    path("templates/", include("message_templates.urls")),
    path("api/v1/", include("portal.api_urls")),
    path("", views.dashboard, name="dashboard"),
    path("", include("accounts.urls")),
]

if settings.AXION_SANDBOX:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
