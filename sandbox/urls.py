"""Placeholder: the sandbox's API endpoints are added by the sandbox work (issue 3)."""

urlpatterns = []
