from django.urls import path

from campaigns import views

urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("new/", views.new_campaign, name="campaign_new"),
    path("settings/", views.campaign_settings, name="campaign_settings"),
    path("<int:pk>/", views.campaign_detail, name="campaign"),
    path("<int:pk>/progress/", views.campaign_progress, name="campaign_progress"),
    path("<int:pk>/outcomes.csv", views.campaign_csv, name="campaign_csv"),
    *(path(f"<int:pk>/{action}/", views.campaign_action, {"action": action},
           name=f"campaign_{action}") for action in views.ACTIONS),
]
