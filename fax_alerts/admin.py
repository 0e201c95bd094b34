"""Django admin of fax alerts: read-only, for staff looking into what was alerted."""

from django.contrib import admin

from fax_alerts.models import Alert, AlertRule, Attention, Watch


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "enabled", "to_watchers", "least_role", "minutes",
                    "hour")
    list_filter = ("kind", "enabled")


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ("organization", "user", "text", "match")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("organization", "rule", "fax", "day", "reason", "created_at")
    readonly_fields = [field.name for field in Alert._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Attention)
class AttentionAdmin(admin.ModelAdmin):
    list_display = ("organization", "fax", "reason", "raised_at", "handled_at",
                    "handled_by_label")
    readonly_fields = [field.name for field in Attention._meta.fields]

    def has_add_permission(self, request):
        return False
