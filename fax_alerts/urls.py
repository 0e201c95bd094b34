from django.urls import path

from fax_alerts import views

urlpatterns = [
    path("watches/", views.watch_list, name="fax_watches"),
    path("watches/<int:pk>/remove/", views.remove_watch, name="remove_fax_watch"),
    path("rules/", views.rule_list, name="fax_alert_rules"),
    path("rules/<int:pk>/", views.edit_rule, name="edit_fax_alert_rule"),
    path("rules/<int:pk>/delete/", views.delete_rule, name="delete_fax_alert_rule"),
    path("attention/", views.attention_list, name="fax_attention"),
    path("attention/<int:pk>/handle/", views.handle_attention, name="handle_fax_attention"),
]
