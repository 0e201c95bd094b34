from django.urls import path

from optouts import views

urlpatterns = [
    path("", views.opt_out_list, name="opt_outs"),
    path("<int:pk>/remove/", views.opt_out_remove, name="opt_out_remove"),
    path("export.csv", views.opt_out_export, name="opt_out_export"),
    path("import/", views.opt_out_import, name="opt_out_import"),
    path("import/confirm/", views.opt_out_import_confirm, name="opt_out_import_confirm"),
    path("numbers/<int:pk>/replies/", views.number_replies, name="number_replies"),
]
