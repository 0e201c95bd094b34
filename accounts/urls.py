from django.urls import path

from accounts import api_key_views, views

urlpatterns = [
    path("no-organization/", views.no_organization, name="no_organization"),
    path("organization/switch/", views.switch_organization, name="switch_organization"),
    path("organization/members/", views.members, name="members"),
    path("organization/settings/", views.organization_settings, name="organization_settings"),
    path("organization/members/<int:pk>/role/", views.change_member_role,
         name="change_member_role"),
    path("organization/members/<int:pk>/remove/", views.remove_member, name="remove_member"),
    path("organization/invitations/<int:pk>/revoke/", views.revoke_invitation,
         name="revoke_invitation"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("organization/connections/", views.connections, name="connections"),
    path("organization/connections/<str:kind>/", views.edit_connection, name="edit_connection"),
    path("organization/audit/", views.audit_log, name="audit_log"),
    path("organization/api-keys/", api_key_views.api_keys, name="api_keys"),
    path("organization/api-keys/<int:pk>/revoke/", api_key_views.revoke_key,
         name="revoke_api_key"),
]
