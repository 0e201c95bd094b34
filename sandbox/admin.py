"""Django admin of the sandbox: its accounts, tokens, numbers, faxes and messages.

Sandbox credentials are shown in clear here on purpose (see models.py): a developer copies
them into a portal connection. The numbers' list has the actions that simulate an inbound
message, with and without a picture.
"""

from django.contrib import admin, messages
from django.utils import timezone

from sandbox import services
from sandbox.models import (
    SandboxAccount,
    SandboxFax,
    SandboxMedia,
    SandboxMessage,
    SandboxNumber,
    SandboxToken,
)

# Who "texts" a number in the admin's simulation.
SIMULATED_SENDER = "+12135550123"


class SandboxNumberInline(admin.TabularInline):
    model = SandboxNumber
    extra = 0


@admin.register(SandboxAccount)
class SandboxAccountAdmin(admin.ModelAdmin):
    list_display = ("username", "name", "api_key", "account_number", "time_zone", "created_at")
    search_fields = ("username", "name", "api_key")
    inlines = [SandboxNumberInline]


@admin.register(SandboxToken)
class SandboxTokenAdmin(admin.ModelAdmin):
    list_display = ("account", "api", "created_at", "expires_at")
    list_filter = ("api", "account")
    readonly_fields = ("account", "api", "token", "created_at", "expires_at")

    def has_add_permission(self, request):
        return False  # tokens come from a login


def _simulate(modeladmin, request, queryset, media_names: tuple[str, ...]):
    for number in queryset:
        now = timezone.localtime()
        message, delivered = services.simulate_inbound(
            number=number.number, source=SIMULATED_SENDER,
            text=f"Sandbox test message to {number.number} at {now:%H:%M:%S}.",
            media_names=media_names)
        if delivered is None:
            modeladmin.message_user(
                request, f"{number}: stored {message.uuid}; the number has no callback URL, "
                "so no newSMS event was sent.", messages.WARNING)
        elif delivered:
            modeladmin.message_user(request, f"{number}: stored {message.uuid} and delivered "
                                    "the newSMS event.", messages.SUCCESS)
        else:
            modeladmin.message_user(request, f"{number}: stored {message.uuid}; delivering the "
                                    "newSMS event failed (see the log).", messages.ERROR)


@admin.register(SandboxNumber)
class SandboxNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "account", "callback_url")
    list_filter = ("account",)
    search_fields = ("number",)
    actions = ["simulate_inbound_text", "simulate_inbound_picture"]

    @admin.action(description="Simulate an inbound text message (newSMS event)")
    def simulate_inbound_text(self, request, queryset):
        _simulate(self, request, queryset, ())

    @admin.action(description="Simulate an inbound MMS with a picture (newSMS event)")
    def simulate_inbound_picture(self, request, queryset):
        _simulate(self, request, queryset, ("png",))


@admin.register(SandboxFax)
class SandboxFaxAdmin(admin.ModelAdmin):
    list_display = ("time", "account", "customer_field", "source", "destination", "pages",
                    "outcome", "try_count")
    list_filter = ("account", "outcome")
    search_fields = ("customer_field", "source", "destination")
    date_hierarchy = "time"


class SandboxMediaInline(admin.TabularInline):
    model = SandboxMedia
    extra = 0
    fields = ("key", "content_type", "extension")
    readonly_fields = fields
    can_delete = False


@admin.register(SandboxMessage)
class SandboxMessageAdmin(admin.ModelAdmin):
    list_display = ("time", "account", "number", "direction", "src", "status", "text")
    list_filter = ("account", "direction", "status")
    search_fields = ("uuid", "src", "parties", "text")
    date_hierarchy = "time"
    list_select_related = ("account", "number")
    readonly_fields = ("uuid", "parties")
    inlines = [SandboxMediaInline]
