"""Admins' pages of the organization's webhook endpoints: the list, a new endpoint (its
secret shown once), an endpoint with its deliveries, a delivery's attempts, edit, rotate
the secret (shown once), delete, "send test event" and "send again".

Owners and admins only (`role_required(Role.ADMIN)`); another organization's endpoint is
not in the scoped queryset, so it is a 404. Every change goes through services, audited.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.tenancy import role_required
from common.addresses import client_ip
from common.pagination import keyset_page
from webhooks_out import services, signing
from webhooks_out.forms import EndpointForm
from webhooks_out.models import Attempt, Delivery, Endpoint

admins_only = role_required(Role.ADMIN)
PAGE_SIZE = 50
DELIVERY_ORDER = ("-id",)


def _form_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@admins_only
def endpoints(request):
    return render(request, "webhooks_out/endpoints.html",
                  {"endpoints": Endpoint.objects.all()})


@admins_only
def new_endpoint(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.create_endpoint(
                organization=request.organization, actor=request.user, ip=client_ip(request),
                **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            # Shown in this answer only: nothing keeps it in clear.
            return render(request, "webhooks_out/secret.html", {
                "endpoint": endpoint, "secret": secret, "created": True})
    return render(request, "webhooks_out/endpoint_form.html", {"form": form},
                  status=400 if form.errors else 200)


@admins_only
def endpoint_detail(request, pk):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    page = keyset_page(Delivery.objects.filter(endpoint=endpoint).select_related("event"),
                       ordering=DELIVERY_ORDER, cursor=request.GET.get("cursor"),
                       size=PAGE_SIZE)
    return render(request, "webhooks_out/endpoint_detail.html",
                  {"endpoint": endpoint, "page": page})


@admins_only
def edit_endpoint(request, pk):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    form = EndpointForm(request.POST or None, initial={
        "url": endpoint.url, "description": endpoint.description,
        "event_types": endpoint.event_types, "enabled": endpoint.enabled})
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_endpoint(endpoint=endpoint, values=form.cleaned_data,
                                               actor=request.user, ip=client_ip(request))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Endpoint saved." if changed else "Nothing changed.")
            return redirect("webhook_endpoint", endpoint.pk)
    return render(request, "webhooks_out/endpoint_form.html",
                  {"form": form, "endpoint": endpoint}, status=400 if form.errors else 200)


@admins_only
def rotate_secret(request, pk):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    if request.method == "POST":
        secret = services.rotate_secret(endpoint=endpoint, actor=request.user,
                                        ip=client_ip(request))
        return render(request, "webhooks_out/secret.html",
                      {"endpoint": endpoint, "secret": secret, "created": False})
    return render(request, "webhooks_out/rotate.html", {"endpoint": endpoint})


@admins_only
def delete_endpoint(request, pk):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    if request.method == "POST":
        services.delete_endpoint(endpoint=endpoint, actor=request.user, ip=client_ip(request))
        messages.success(request, f"Endpoint {endpoint.origin} deleted.")
        return redirect("webhook_endpoints")
    return render(request, "webhooks_out/delete.html", {"endpoint": endpoint})


@admins_only
@require_POST
def send_test(request, pk):
    endpoint = get_object_or_404(Endpoint, pk=pk)
    services.send_test_event(endpoint=endpoint, actor=request.user, ip=client_ip(request))
    messages.success(request, "A test event is on its way: it shows below in a moment "
                              "(reload the page).")
    return redirect("webhook_endpoint", endpoint.pk)


@admins_only
def delivery_detail(request, pk, delivery_pk):
    delivery = get_object_or_404(Delivery.objects.select_related("endpoint", "event"),
                                 pk=delivery_pk, endpoint_id=pk)
    return render(request, "webhooks_out/delivery.html", {
        "delivery": delivery, "endpoint": delivery.endpoint,
        "attempts": Attempt.objects.filter(delivery=delivery),
        "sent": json.dumps(json.loads(signing.body_of(delivery.event)), indent=2,
                           ensure_ascii=False)})


@admins_only
@require_POST
def resend_delivery(request, pk, delivery_pk):
    delivery = get_object_or_404(Delivery, pk=delivery_pk, endpoint_id=pk)
    services.resend_delivery(delivery=delivery, actor=request.user, ip=client_ip(request))
    messages.success(request, "The delivery will be sent again in a moment.")
    return redirect("webhook_delivery", pk, delivery.pk)
