"""The portal's URLs plus /bench/bare/, a view that only answers 200: the ceiling that
the webhook endpoint is measured against, served like any page of the portal; and
/hooks/bench-floor/, on the webhooks' own lane, the least that storing each request costs
there."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.db import fetch_prepared
from portal.urls import urlpatterns as portal_urlpatterns


@csrf_exempt
def bare(request):
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


@csrf_exempt
def floor(request):
    """One prepared INSERT of the body into bench_floor (made by the benchmark), nothing
    else: what storing a request before answering costs at the least."""
    fetch_prepared("INSERT INTO bench_floor (body) VALUES (%s)", [request.body])
    return HttpResponse(b'{"status":"ok"}', content_type="application/json")


urlpatterns = [path("bench/bare/", bare), path("hooks/bench-floor/", floor),
               *portal_urlpatterns]
