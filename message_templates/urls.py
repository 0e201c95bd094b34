from django.urls import path

from message_templates import views

urlpatterns = [
    path("", views.template_list, name="templates"),
    path("new/", views.create_template, name="create_template"),
    path("picker/", views.picker_suggestions, name="template_suggestions"),
    path("<int:pk>/edit/", views.edit_template, name="edit_template"),
    path("<int:pk>/delete/", views.delete_template, name="delete_template"),
    path("<int:pk>/fill/", views.picker_fill, name="template_fill"),
]
