"""URLs of the sandbox, mounted at /sandbox/ when AXION_SANDBOX is on (portal/urls.py)."""

from django.urls import path, re_path

from sandbox import views

app_name = "sandbox"

urlpatterns = [
    # The provider's URLs have no trailing slash; a client that adds one is served too.
    re_path(r"^fax/?$", views.fax_api, name="fax"),
    re_path(r"^sms/?$", views.sms_api, name="sms"),
    path("media/<slug:key>.<slug:extension>", views.media_refused, name="media"),
]
