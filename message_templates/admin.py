from django.contrib import admin

from message_templates.models import MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "updated_at")
    list_filter = ("organization",)
    search_fields = ("name",)
    readonly_fields = ("created_by", "created_at", "updated_at")
