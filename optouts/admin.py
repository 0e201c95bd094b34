"""The platform staff's view of opt-outs, read only: organizations change their list on
their own pages and API, where every change is audited and emits an event."""

from django.contrib import admin

from optouts.models import InboundKeyword, OptOut


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OptOut)
class OptOutAdmin(ReadOnlyAdmin):
    list_display = ("number", "organization", "source", "keyword", "created_at")
    list_filter = ("source", "organization")
    search_fields = ("number",)


@admin.register(InboundKeyword)
class InboundKeywordAdmin(ReadOnlyAdmin):
    list_display = ("number", "organization", "kind", "sent_at", "reply_state")
    list_filter = ("kind", "reply_state", "organization")
    search_fields = ("number",)
    exclude = ("message", "reply")
