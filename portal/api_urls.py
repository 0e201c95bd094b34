"""The REST API v1, mounted at /api/v1/: the apps' viewsets, the OpenAPI schema and its
self-hosted documentation. Any other path under /api/v1/ is a JSON 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.views import api_not_found
from contacts.api import ContactImportViewSet, ContactViewSet
from faxes.api import FaxViewSet
from messaging.api import ConversationViewSet, MessageViewSet, NumberViewSet
from messaging.team_api import LabelViewSet
from operations.api import ConnectionStateViewSet, JobViewSet, WebhookLedgerViewSet
from search.api import SearchViewSet
from webhooks_out.api import EndpointViewSet

router = SimpleRouter()
router.register("faxes", FaxViewSet, basename="api-fax")
router.register("messages", MessageViewSet, basename="api-message")
router.register("conversations", ConversationViewSet, basename="api-conversation")
router.register("numbers", NumberViewSet, basename="api-number")
router.register("contacts/imports", ContactImportViewSet, basename="api-contact-import")
router.register("contacts", ContactViewSet, basename="api-contact")
router.register("labels", LabelViewSet, basename="api-label")
router.register("connections", ConnectionStateViewSet, basename="api-connection")
router.register("jobs", JobViewSet, basename="api-job")
router.register("webhook-ledger", WebhookLedgerViewSet, basename="api-webhook-ledger")
router.register("webhook-endpoints", EndpointViewSet, basename="api-webhook-endpoint")

urlpatterns = [
    *router.urls,
    path("search/", SearchViewSet.as_view({"get": "search"}), name="api-search"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^.*$", api_not_found),
]
