from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    default = True

    def ready(self):
        from accounts import signals  # noqa: F401  (connects the audit receivers)


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the staff's two-factor admin site as admin.site
    (INSTALLED_APPS names it instead of "django.contrib.admin")."""

    default = False
    default_site = "accounts.admin_site.StaffAdminSite"
