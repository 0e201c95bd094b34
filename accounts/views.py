"""Pages of the accounts app: switcher, members, invitations, connections, audit log."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts import services, two_factor
from accounts.forms import (
    ConnectionForm,
    InvitationForm,
    OrganizationSettingsForm,
    RoleForm,
    SignUpForm,
)
from accounts.models import AuditEntry, Connection, Invitation, Membership, Role
from accounts.tenancy import member_required, role_required, select_organization
from common.addresses import client_ip

AUDIT_PAGE_SIZE = 50


def _validation_message(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def no_organization(request):
    if request.membership is not None:
        return redirect("dashboard")
    return render(request, "accounts/no_organization.html")


@login_required
@require_POST
def switch_organization(request):
    try:
        organization_id = int(request.POST.get("organization", ""))
    except ValueError:
        organization_id = None
    if organization_id is None or not select_organization(request, organization_id):
        raise Http404("No such organization.")
    return redirect("dashboard")


@member_required
def members(request):
    may_manage = request.membership.allows(Role.ADMIN)
    form = InvitationForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied("Only owners and admins invite members.")
        form = InvitationForm(request.POST)
        if form.is_valid():
            _, link = services.invite_member(
                actor_membership=request.membership, email=form.cleaned_data["email"],
                role=form.cleaned_data["role"], ip=client_ip(request))
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("members")
    return render(request, "accounts/members.html", {
        "member_list": Membership.objects.select_related("user"),
        "invitations": [i for i in Invitation.objects.filter(accepted_at__isnull=True)
                        if i.is_open] if may_manage else [],
        "form": form,
        "role_choices": Role.choices,
        "may_manage": may_manage,
    })


@role_required(Role.ADMIN)
@require_POST
def change_member_role(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the listed roles.")
        return redirect("members")
    try:
        services.change_role(actor_membership=request.membership, membership=membership,
                             role=form.cleaned_data["role"], ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, _validation_message(error))
    else:
        messages.success(request, f"{membership.user} is now {membership.role_obj.label}.")
    return redirect("members")


@member_required
@require_POST
def remove_member(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    leaving = membership.pk == request.membership.pk
    if not leaving and not request.membership.allows(Role.ADMIN):
        raise PermissionDenied("Only owners and admins remove members.")
    try:
        services.remove_member(actor_membership=request.membership, membership=membership,
                               ip=client_ip(request))
    except ValidationError as error:
        messages.error(request, _validation_message(error))
        return redirect("members")
    if leaving:
        messages.success(request, f"You left {membership.organization}.")
        return redirect("dashboard")
    messages.success(request, f"{membership.user} was removed.")
    return redirect("members")


@role_required(Role.ADMIN)
@require_POST
def revoke_invitation(request, pk):
    invitation = get_object_or_404(Invitation, pk=pk, accepted_at__isnull=True)
    invitation.delete()
    services.audit(organization=request.organization, action="member.invitation_revoked",
                   actor=request.user, target=invitation.email, ip=client_ip(request))
    messages.success(request, f"The invitation of {invitation.email} was revoked.")
    return redirect("members")


def accept_invitation(request, token):
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return _invitation_invalid(request)
    if request.user.is_authenticated and not services.invitation_is_for(invitation,
                                                                        request.user):
        # Neither the invited address nor the user's own is shown: the holder of the link
        # learns nothing more than that it is not for this account.
        return render(request, "accounts/invitation_wrong_account.html",
                      {"invitation": invitation}, status=403)
    form = None
    if not request.user.is_authenticated:
        form = SignUpForm(request.POST if request.method == "POST" else None,
                          invited_email=invitation.email)
    if request.method == "POST":
        try:
            # A new account exists only if it joined: both happen, or neither.
            with transaction.atomic():
                user = request.user if form is None else (form.save() if form.is_valid()
                                                          else None)
                if user is not None:
                    services.accept_invitation(invitation=invitation, user=user,
                                               ip=client_ip(request))
        except services.InvitationUnavailable:
            return _invitation_invalid(request)
        if user is not None:
            if not request.user.is_authenticated:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            select_organization(request, invitation.organization_id)
            messages.success(request, f"Welcome to {invitation.organization}.")
            return redirect("dashboard")
    return render(request, "accounts/accept_invitation.html",
                  {"invitation": invitation, "form": form})


def _invitation_invalid(request):
    return render(request, "accounts/invitation_invalid.html", status=404)


@role_required(Role.OWNER)
def organization_settings(request):
    organization = request.organization
    form = OrganizationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"require_two_factor": organization.require_two_factor})
    if request.method == "POST" and form.is_valid():
        two_factor.set_requirement(organization=organization,
                                   required=form.cleaned_data["require_two_factor"],
                                   actor=request.user, ip=client_ip(request))
        messages.success(request, "The settings were saved.")
        return redirect("organization_settings")
    return render(request, "accounts/organization_settings.html", {"form": form})


@role_required(Role.ADMIN)
def connections(request):
    existing = {c.kind: c for c in Connection.objects.all()}
    rows = [(kind, label, existing.get(kind)) for kind, label in Connection.Kind.choices]
    return render(request, "accounts/connections.html", {"rows": rows})


@role_required(Role.ADMIN)
def edit_connection(request, kind):
    if kind not in Connection.Kind.values:
        raise Http404("No such connection kind.")
    instance = Connection.objects.filter(kind=kind).first() or Connection(
        organization=request.organization, kind=kind)
    form = ConnectionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_connection(
                organization=request.organization, kind=kind,
                values=form.connection_values(), actor=request.user,
                ip=client_ip(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"The {instance.get_kind_display()} connection was saved.")
            return redirect("connections")
    return render(request, "accounts/connection_form.html",
                  {"form": form, "connection": instance})


@role_required(Role.ADMIN)
def audit_log(request):
    entries = AuditEntry.objects.select_related("actor")
    before = request.GET.get("before")
    if before:
        try:
            entries = entries.filter(id__lt=int(before))
        except ValueError:
            pass
    page = list(entries.order_by("-id")[: AUDIT_PAGE_SIZE + 1])
    next_before = page[AUDIT_PAGE_SIZE - 1].id if len(page) > AUDIT_PAGE_SIZE else None
    return render(request, "accounts/audit_log.html",
                  {"entries": page[:AUDIT_PAGE_SIZE], "next_before": next_before})
