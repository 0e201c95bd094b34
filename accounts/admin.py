"""Django admin for the platform's staff (scopes are disabled for /admin/ by the middleware;
the site lets in only a session that gave its two-factor code, accounts.admin_site).

Secrets are write-only here too: the connection form shows no stored value, and the audit
log is read-only.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from accounts import services
from accounts.forms import ConnectionForm
from accounts.models import (
    ApiKey,
    AuditEntry,
    Connection,
    Invitation,
    Membership,
    Organization,
    User,
)
from common.addresses import client_ip

admin.site.register(User, UserAdmin)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "time_zone", "require_two_factor", "created_at")
    list_filter = ("require_two_factor",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "created_at")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "organization__slug")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organization", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("organization",)
    exclude = ("token_digest",)
    readonly_fields = ("accepted_at", "accepted_by")

    def has_add_permission(self, request):
        # Invitations need a token and an e-mail: members pages create them.
        return False


class AdminConnectionForm(ConnectionForm):
    class Meta(ConnectionForm.Meta):
        fields = ("organization", "kind", *ConnectionForm.Meta.fields)

    field_order = ("organization", "kind", *ConnectionForm.field_order)


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = AdminConnectionForm
    list_display = ("organization", "kind", "api_url", "username", "token_expires_at",
                    "failing_since")
    list_filter = ("kind", "failing_since")
    readonly_fields = ("token_expires_at", "failing_since", "last_error")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.kind == Connection.Kind.SMS:
            # Only the fax API sends times without a zone (the form drops it for SMS too).
            fields = [f for f in fields if f != "time_zone"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        # Which organization and API a connection belongs to is fixed once it exists.
        fixed = ("organization", "kind") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        saved = services.save_connection(
            organization=obj.organization, kind=obj.kind, values=form.connection_values(),
            actor=request.user, ip=client_ip(request))
        obj.pk = saved.pk


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organization", "actor_label", "action", "target", "ip_address")
    list_filter = ("action", "organization")
    search_fields = ("actor_label", "target")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are made on the organization's page (shown once there); staff may only see
    them and revoke them. The digest is never shown."""

    list_display = ("name", "organization", "prefix", "scopes", "created_at", "last_used_at",
                    "revoked_at")
    list_filter = ("organization",)
    fields = ("organization", "name", "prefix", "scopes", "created_by", "created_at",
              "last_used_at", "revoked_at")
    readonly_fields = ("organization", "name", "prefix", "scopes", "created_by", "created_at",
                       "last_used_at")

    def has_add_permission(self, request):
        return False
