from django.urls import path

from charts import views

urlpatterns = [
    path("messages/", views.message_activity, name="message_activity"),
]
