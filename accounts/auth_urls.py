"""Sign-in URLs, included before Django's (django.contrib.auth.urls) and the admin's, whose
login and password reset pages these replace."""

from django.urls import path

from accounts import auth_views

urlpatterns = [
    path("admin/login/", auth_views.admin_login),
    path("accounts/login/", auth_views.SignInView.as_view(), name="login"),
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(),
         name="password_reset"),
    path("accounts/two-factor/", auth_views.two_factor_page, name="two_factor"),
    path("accounts/two-factor/setup/", auth_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/verify/", auth_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/recovery/", auth_views.two_factor_recovery,
         name="two_factor_recovery"),
    path("accounts/two-factor/turn-off/", auth_views.two_factor_turn_off,
         name="two_factor_disable"),
]
