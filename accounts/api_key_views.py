"""The API keys page: owners and admins list, create and revoke their organization's keys.

A new key is shown once, in the answer to the form that created it, and never again: only
its digest is stored.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.api_keys import create_api_key, revoke_api_key
from accounts.models import ApiKey, Role
from accounts.tenancy import role_required
from common.addresses import client_ip


class ApiKeyForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. Billing system.")
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices, initial=[ApiKey.Scope.READ],
        widget=forms.CheckboxSelectMultiple, label="Allows")


def _page(request, form, *, new_key=None, new_row=None, status=200):
    return render(request, "accounts/api_keys.html", {
        "keys": ApiKey.objects.select_related("created_by"),
        "form": form,
        "new_key": new_key,
        "new_row": new_row,
    }, status=status)


@role_required(Role.ADMIN)
def api_keys(request):
    if request.method != "POST":
        return _page(request, ApiKeyForm())
    form = ApiKeyForm(request.POST)
    if form.is_valid():
        try:
            row, clear = create_api_key(
                organization=request.organization, name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"], actor=request.user, ip=client_ip(request))
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            # Shown in this answer only: it is not stored anywhere it could be shown again.
            response = _page(request, ApiKeyForm(), new_key=clear, new_row=row)
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, form, status=400)


@role_required(Role.ADMIN)
@require_POST
def revoke_key(request, pk):
    key = get_object_or_404(ApiKey, pk=pk)
    revoke_api_key(key=key, actor=request.user, ip=client_ip(request))
    messages.success(request, f"The key {key.name} ({key.prefix}…) was revoked.")
    return redirect("api_keys")
