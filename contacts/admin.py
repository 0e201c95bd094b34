"""The platform staff's view of contacts and imports (read mostly: organizations change
their contacts on their own pages, where every change is audited)."""

from django.contrib import admin

from contacts.models import Contact, ContactImport, ContactNumber


class ContactNumberInline(admin.TabularInline):
    model = ContactNumber
    extra = 0
    fields = readonly_fields = ("number", "position")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "company", "reference", "updated_at")
    list_filter = ("organization",)
    search_fields = ("name", "reference", "numbers__number")
    readonly_fields = ("created_at", "updated_at", "created_by_import")
    # Notes are the customer's: staff see that there are some, not what they say.
    exclude = ("notes",)
    inlines = [ContactNumberInline]
    show_full_result_count = False


@admin.register(ContactImport)
class ContactImportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "organization", "filename", "state", "processed_rows",
                    "total_rows")
    list_filter = ("state", "organization")
    readonly_fields = ("created_by", "actor_label", "file", "filename", "size", "preview",
                       "result", "total_rows", "processed_rows", "created_at", "started_at",
                       "finished_at", "undone_at")
    show_full_result_count = False
