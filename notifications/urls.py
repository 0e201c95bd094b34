from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.notification_list, name="notifications"),
    path("<int:pk>/open/", views.open_notification, name="open_notification"),
    path("read/", views.mark_all_read, name="mark_all_notifications_read"),
    path("live/", views.bell_poll, name="notification_bell"),
    path("preferences/", views.preferences, name="notification_preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notification_unsubscribe"),
]
