"""Root URLs. The sandbox of the provider's APIs is mounted only when AXION_SANDBOX is on."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from portal import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("", include("accounts.urls")),
]

if settings.AXION_SANDBOX:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
