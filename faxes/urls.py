from django.urls import path

from faxes import views

urlpatterns = [
    path("", views.fax_list, name="fax_list"),
    path("lookup/", views.fax_lookup, name="fax_lookup"),
    path("<int:pk>/", views.fax_detail, name="fax_detail"),
    path("export.csv", views.fax_export, name="fax_export"),
]
