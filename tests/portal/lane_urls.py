"""The portal's URLs plus probe views under /hooks/, for tests/portal/test_webhook_lane.py."""

from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django_scopes import ScopeError

from accounts.models import Connection
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def probe(request):
    """What a view under /hooks/ finds: no session, no user, no organization, no scope."""
    try:
        list(Connection.objects.all())
        scoped_query = "ran"
    except ScopeError:
        scoped_query = "refused"
    return JsonResponse({
        "attributes": sorted(name for name in ("session", "user", "organization")
                             if hasattr(request, name)),
        "scoped query": scoped_query,
        "view": request.resolver_match.url_name,
    })


def not_exempt(request):
    """A view that CsrfViewMiddleware would refuse a POST without a token."""
    return HttpResponse("taken")


@csrf_exempt
def broken(request):
    raise RuntimeError("a bug in a webhook view")


def page(request):
    return HttpResponse("a page")


urlpatterns = [
    path("hooks/probe/", probe, name="probe"),
    path("hooks/broken/", broken),
    path("hooks/not-exempt/", not_exempt),
    path("probe/", page),
    *portal_urlpatterns,
]
