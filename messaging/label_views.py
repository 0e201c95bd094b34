"""Pages of the organization's conversation labels: owners and admins list, add, rename,
recolour and delete them (agents apply them on the conversation page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Role
from accounts.tenancy import role_required
from common.addresses import client_ip
from messaging import team
from messaging.models import Label
from messaging.team_forms import LabelForm


def _form_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@role_required(Role.ADMIN)
def labels(request):
    form = LabelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            label = team.create_label(organization=request.organization,
                                      name=form.cleaned_data["name"],
                                      colour=form.cleaned_data["colour"], user=request.user,
                                      ip=client_ip(request))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Label “{label.name}” added.")
            return redirect("labels")
    return render(request, "messaging/labels.html", {
        "labels": Label.objects.annotate(used=Count("conversations")), "form": form},
        status=400 if form.errors else 200)


@role_required(Role.ADMIN)
def edit_label(request, pk):
    label = get_object_or_404(Label, pk=pk)
    form = LabelForm(request.POST or None, initial={"name": label.name, "colour": label.colour})
    if request.method == "POST" and form.is_valid():
        try:
            team.update_label(label=label, name=form.cleaned_data["name"],
                              colour=form.cleaned_data["colour"], user=request.user,
                              ip=client_ip(request))
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Label “{label.name}” saved.")
            return redirect("labels")
    return render(request, "messaging/label_form.html", {"label": label, "form": form},
                  status=400 if form.errors else 200)


@role_required(Role.ADMIN)
def delete_label(request, pk):
    label = get_object_or_404(Label.objects.annotate(used=Count("conversations")), pk=pk)
    if request.method == "POST":
        team.delete_label(label=label, user=request.user, ip=client_ip(request))
        messages.success(request, f"Label “{label.name}” deleted.")
        return redirect("labels")
    return render(request, "messaging/label_delete.html", {"label": label})
