"""The portal's URLs plus a probe view under /hooks/, for tests/portal/test_hooks_path.py."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django_scopes import ScopeError

from accounts.models import Connection
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def probe(request):
    """What a view under /hooks/ finds: no organization, no membership, no scope."""
    try:
        list(Connection.objects.all())
        scoped_query = "ran"
    except ScopeError:
        scoped_query = "refused"
    return JsonResponse({"organization": request.organization,
                         "membership": request.membership, "scoped query": scoped_query})


urlpatterns = [path("hooks/probe/", probe), *portal_urlpatterns]
