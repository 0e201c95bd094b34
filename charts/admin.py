from django.contrib import admin

from charts.models import FailingDestination, FaxDay, FaxDestinationDay, MessageDay


@admin.register(FaxDay)
class FaxDayAdmin(admin.ModelAdmin):
    list_display = ("day", "organization", "sent", "failed", "pending")
    list_filter = ("organization",)


@admin.register(FaxDestinationDay)
class FaxDestinationDayAdmin(admin.ModelAdmin):
    list_display = ("day", "organization", "destination", "sent", "failed")
    search_fields = ("destination",)
    show_full_result_count = False


@admin.register(FailingDestination)
class FailingDestinationAdmin(admin.ModelAdmin):
    list_display = ("organization", "rank", "destination", "sent", "failed", "first_day",
                    "last_day")


@admin.register(MessageDay)
class MessageDayAdmin(admin.ModelAdmin):
    list_display = ("day", "organization", "number", "inbound", "outbound")
    list_filter = ("organization",)
