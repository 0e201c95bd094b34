"""The admin site of the platform's staff: django-otp's OTPAdminSite, which lets in only a
session verified by two-factor sign-in (TwoFactorMiddleware sends staff to set it up or to
give their code first), under the usual name "admin"."""

from django_otp.admin import OTPAdminSite


class StaffAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):
        super().__init__(name)
