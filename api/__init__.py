"""The REST API's shared parts: API-key authentication, permissions, throttling, keyset
pagination, the error shape and the schema's hooks. Each app keeps its own serializers and
viewsets in its `api.py`, built on these; the router that gathers them all is
portal/api_urls.py, at the top, since it imports every app.
"""
