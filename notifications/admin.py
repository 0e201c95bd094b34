"""Django admin of notifications: read-only, for staff looking into what a member was told
and e-mailed."""

from django.contrib import admin

from notifications.models import DigestInterval, Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "organization", "kind", "created_at", "read_at",
                    "emailed_at")
    list_filter = ("kind", "organization")
    search_fields = ("title", "user__username")
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "kind", "delivery")
    list_filter = ("kind", "delivery")


@admin.register(DigestInterval)
class DigestIntervalAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "minutes")
