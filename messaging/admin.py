"""Django admin of the messaging data. Webhook secrets are never shown; adding a number
registers its webhook like the numbers page does."""

from django.contrib import admin, messages

from messaging import services
from messaging.models import (
    Conversation,
    Label,
    Media,
    Message,
    MessageSync,
    MessagingNumber,
    Note,
    WebhookEvent,
)


@admin.register(MessagingNumber)
class MessagingNumberAdmin(admin.ModelAdmin):
    list_display = ("number", "label", "organization", "activated_at", "registered_at",
                    "registration_error")
    list_filter = ("organization",)
    search_fields = ("number", "label")
    fields = ("organization", "number", "label", "allowed_users", "activated_at",
              "registered_at", "registration_error")
    # activated_at is editable: an operator settles which organization a number is
    # active in (one at most) when the provider has let two of them register it.
    readonly_fields = ("registered_at", "registration_error")
    filter_horizontal = ("allowed_users",)
    actions = ["register_again", "rotate_secret"]

    def get_readonly_fields(self, request, obj=None):
        fixed = ("organization", "number") if obj is not None else ()
        return (*fixed, *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # New numbers go through the service: secret, audit entry and registration.
        added = services.add_number(organization=obj.organization, number=obj.number,
                                    label=obj.label, actor=request.user)
        obj.pk = added.pk
        if added.registration_error:
            messages.warning(request, f"{added.number} is not registered with Axion: "
                                      f"{added.registration_error}")

    @admin.action(description="Register the webhook again")
    def register_again(self, request, queryset):
        ok = sum(services.register_webhook(number=n) for n in queryset)
        self.message_user(request, f"{ok} of {queryset.count()} registered.")

    @admin.action(description="Give a new webhook secret (the old URL stops working)")
    def rotate_secret(self, request, queryset):
        ok = sum(services.rotate_webhook_secret(number=n, actor=request.user) for n in queryset)
        self.message_user(request, f"{ok} of {queryset.count()} rotated and registered.")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("own_number", "participants", "last_message_at", "unread_count",
                    "status", "assignee", "organization")
    list_filter = ("status", "organization")
    search_fields = ("participants",)
    raw_id_fields = ("own_number", "assignee")
    # Labels are the organization's own: set on the conversation page, not here, where
    # every organization's would be offered.
    readonly_fields = ("labels",)
    show_full_result_count = False


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ("name", "colour", "organization")
    list_filter = ("colour", "organization")
    search_fields = ("name",)


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    """Internal notes, read only: they are the team's record of a conversation."""

    list_display = ("created_at", "conversation", "author", "organization")
    list_filter = ("organization",)
    raw_id_fields = ("conversation", "author", "mentions")
    readonly_fields = ("organization", "conversation", "author", "text", "mentions",
                       "created_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "uuid", "direction", "source", "status", "organization")
    list_filter = ("direction", "status", "organization")
    search_fields = ("uuid", "source")
    raw_id_fields = ("conversation", "sender_user")
    show_full_result_count = False


@admin.register(Media)
class MediaAdmin(admin.ModelAdmin):
    list_display = ("message", "position", "state", "content_type", "size", "archived_at")
    list_filter = ("state",)
    raw_id_fields = ("message",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "organization", "event_type", "message_uuid", "state",
                    "attempts")
    list_filter = ("state", "event_type", "organization")
    search_fields = ("message_uuid",)
    readonly_fields = ("organization", "number", "received_at", "headers", "body_text",
                       "event_type", "message_uuid", "state", "error", "attempts",
                       "processed_at")
    exclude = ("body",)
    show_full_result_count = False

    @admin.display(description="body")
    def body_text(self, obj):
        return bytes(obj.body).decode("utf-8", errors="replace")

    def has_add_permission(self, request):
        return False


@admin.register(MessageSync)
class MessageSyncAdmin(admin.ModelAdmin):
    list_display = ("organization", "watermark", "last_success_at", "last_error_at",
                    "last_error")
