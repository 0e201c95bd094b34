from django.urls import path

from contacts import views

urlpatterns = [
    path("", views.contact_list, name="contacts"),
    path("new/", views.contact_create, name="contact_create"),
    path("search/", views.contact_search, name="contact_search"),
    path("export.csv", views.contact_export, name="contact_export"),
    path("import/", views.contact_import, name="contact_import"),
    path("imports/<int:pk>/", views.contact_import_detail, name="contact_import_detail"),
    path("imports/<int:pk>/progress/", views.contact_import_progress,
         name="contact_import_progress"),
    path("imports/<int:pk>/confirm/", views.contact_import_confirm,
         name="contact_import_confirm"),
    path("imports/<int:pk>/undo/", views.contact_import_undo, name="contact_import_undo"),
    path("<int:pk>/", views.contact_detail, name="contact"),
    path("<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("<int:pk>/delete/", views.contact_delete, name="contact_delete"),
]
