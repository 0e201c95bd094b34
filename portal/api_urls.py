"""The REST API v1, mounted at /api/v1/: the apps' viewsets, the OpenAPI schema and its
self-hosted documentation. Any other path under /api/v1/ is a JSON 404."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from api.views import api_not_found
from campaigns.api import CampaignViewSet
from contacts.api import ContactImportViewSet, ContactViewSet
from fax_alerts.api import FaxAlertRuleViewSet, FaxAttentionViewSet, FaxWatchViewSet
from faxes.api import FaxViewSet
from message_templates.api import TemplateViewSet
from messaging.api import ConversationViewSet, MessageViewSet, NumberViewSet
from messaging.team_api import LabelViewSet
from operations.api import ConnectionStateViewSet, JobViewSet, WebhookLedgerViewSet
from optouts.api import OptOutViewSet
from search.api import SearchViewSet
from webhooks_out.api import EndpointViewSet

router = SimpleRouter()
router.register("faxes", FaxViewSet, basename="api-fax")
router.register("fax-attention", FaxAttentionViewSet, basename="api-fax-attention")
router.register("fax-watches", FaxWatchViewSet, basename="api-fax-watch")
router.register("fax-alert-rules", FaxAlertRuleViewSet, basename="api-fax-alert-rule")
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
router.register("templates", TemplateViewSet, basename="api-template")
router.register("opt-outs", OptOutViewSet, basename="api-opt-out")
router.register("campaigns", CampaignViewSet, basename="api-campaign")

urlpatterns = [
    *router.urls,
    path("search/", SearchViewSet.as_view({"get": "search"}), name="api-search"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^.*$", api_not_found),
]
