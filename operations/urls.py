from django.urls import path

from operations import views

urlpatterns = [
    path("", views.overview, name="operations"),
    path("jobs/<str:name>/run/", views.run_job, name="operations_run_job"),
    path("connections/<str:kind>/test/", views.test_connection_view,
         name="operations_test_connection"),
    path("ledger/", views.ledger, name="operations_ledger"),
    path("ledger/<int:number_pk>/<str:day>/", views.ledger_day, name="operations_ledger_day"),
    path("ledger/<int:number_pk>/<str:day>/replay/", views.replay_day,
         name="operations_replay_day"),
    path("events/<int:pk>/", views.event, name="operations_event"),
    path("events/<int:pk>/replay/", views.replay_event, name="operations_replay_event"),
    path("numbers/<int:pk>/register/", views.register_number,
         name="operations_register_number"),
]
