from django.contrib import admin

from faxes.models import Fax, FaxSync


@admin.register(Fax)
class FaxAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "organization", "customer_field", "source_number",
                    "destination_number", "status", "try_count", "pages", "last_seen_at")
    list_filter = ("status", "organization")
    search_fields = ("customer_field", "source_number", "destination_number")
    readonly_fields = ("identity", "first_seen_at", "last_seen_at", "status_changed_at")
    show_full_result_count = False


@admin.register(FaxSync)
class FaxSyncAdmin(admin.ModelAdmin):
    list_display = ("organization", "last_success_at", "last_error_at", "last_error")
