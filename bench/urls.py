"""The portal's URLs plus two views to measure the webhook endpoint against, both on the
webhook's own path prefix so that all three pass the same middleware:

- /hooks/bench-bare/ answers 200 and does nothing else: the ceiling;
- /hooks/bench-floor/ does nothing but one durable INSERT of the body through
  `connection.cursor()`: the least that storing each request before answering costs.
"""

from django.db import connection
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.urls import urlpatterns as portal_urlpatterns

OK = b'{"status":"ok"}'


@csrf_exempt
def bare(request):
    return HttpResponse(OK, content_type="application/json")


@csrf_exempt
def floor(request):
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_floor (body) VALUES (%s)", [request.body])
    return HttpResponse(OK, content_type="application/json")


# First: the portal's catch-all under /hooks/ would answer these paths 404.
urlpatterns = [path("hooks/bench-bare/", bare), path("hooks/bench-floor/", floor),
               *portal_urlpatterns]
