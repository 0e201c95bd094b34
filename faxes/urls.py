from django.urls import path

from faxes import views

urlpatterns = [
    path("", views.fax_list, name="fax_list"),
    path("lookup/", views.fax_lookup, name="fax_lookup"),
    path("<int:pk>/", views.fax_detail, name="fax_detail"),
    path("<int:pk>/lookup/", views.fax_refresh, name="fax_refresh"),
    path("backfill/retry/", views.backfill_retry, name="fax_backfill_retry"),
    path("export.csv", views.fax_export, name="fax_export"),
]
