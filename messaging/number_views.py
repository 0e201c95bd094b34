"""Pages of the organization's messaging numbers: list, add, edit, register, rotate."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import Role
from accounts.services import audit
from accounts.tenancy import member_required, role_required
from common.addresses import client_ip
from messaging import services
from messaging.forms import AddNumberForm, NumberForm
from messaging.models import MessagingNumber


def _registration_message(request, number: MessagingNumber, ok: bool) -> None:
    if ok:
        messages.success(request, f"{number.number}: webhook registered with Axion.")
    else:
        messages.error(request, f"{number.number}: the webhook is not registered. "
                                f"{number.registration_error}")


@member_required
def numbers(request):
    may_manage = request.membership.allows(Role.ADMIN)
    form = AddNumberForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only owners and admins add numbers.")
        form = AddNumberForm(request.POST)
        if form.is_valid():
            try:
                number = services.add_number(
                    organization=request.organization, number=form.cleaned_data["number"],
                    label=form.cleaned_data["label"], actor=request.user,
                    ip=client_ip(request), interactive=True)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                _registration_message(request, number, number.registered_at is not None)
                return redirect("numbers")
    return render(request, "messaging/numbers.html", {
        "numbers": MessagingNumber.objects.prefetch_related("allowed_users"),
        "form": form, "may_manage": may_manage})


@role_required(Role.ADMIN)
def edit_number(request, pk):
    number = get_object_or_404(MessagingNumber, pk=pk)
    initial = {"label": number.label, "allowed_users": number.allowed_users.all()}
    form = NumberForm(request.POST or None, initial=initial, organization=request.organization)
    if request.method == "POST" and form.is_valid():
        number.label = form.cleaned_data["label"]
        number.save(update_fields=["label"])
        number.allowed_users.set(form.cleaned_data["allowed_users"])
        audit(organization=request.organization, action="number.changed", actor=request.user,
              target=number.number, ip=client_ip(request),
              detail={"allowed_users": [u.username for u in form.cleaned_data["allowed_users"]]})
        messages.success(request, f"{number.number} was saved.")
        return redirect("numbers")
    return render(request, "messaging/number_form.html", {"number": number, "form": form})


@role_required(Role.ADMIN)
@require_POST
def register_number(request, pk):
    number = get_object_or_404(MessagingNumber, pk=pk)
    ok = services.register_webhook(number=number, interactive=True)
    _registration_message(request, number, ok)
    return redirect("numbers")


@role_required(Role.ADMIN)
@require_POST
def rotate_number_secret(request, pk):
    number = get_object_or_404(MessagingNumber, pk=pk)
    ok = services.rotate_webhook_secret(number=number, actor=request.user, ip=client_ip(request),
                                        interactive=True)
    _registration_message(request, number, ok)
    return redirect("numbers")
