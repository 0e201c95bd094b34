from django.urls import path

from webhooks_out import views

urlpatterns = [
    path("", views.endpoints, name="webhook_endpoints"),
    path("new/", views.new_endpoint, name="webhook_endpoint_new"),
    path("<int:pk>/", views.endpoint_detail, name="webhook_endpoint"),
    path("<int:pk>/edit/", views.edit_endpoint, name="webhook_endpoint_edit"),
    path("<int:pk>/rotate/", views.rotate_secret, name="webhook_endpoint_rotate"),
    path("<int:pk>/delete/", views.delete_endpoint, name="webhook_endpoint_delete"),
    path("<int:pk>/test/", views.send_test, name="webhook_endpoint_test"),
    path("<int:pk>/deliveries/<int:delivery_pk>/", views.delivery_detail,
         name="webhook_delivery"),
    path("<int:pk>/deliveries/<int:delivery_pk>/resend/", views.resend_delivery,
         name="webhook_delivery_resend"),
]
