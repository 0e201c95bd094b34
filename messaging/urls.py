from django.urls import path

from messaging import number_views, views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("fragment/", views.inbox_fragment, name="inbox_fragment"),
    path("new/", views.compose, name="compose"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("conversations/<int:pk>/fragment/", views.conversation_fragment,
         name="conversation_fragment"),
    path("conversations/<int:pk>/reply/", views.reply, name="reply"),
    path("messages/<int:pk>/delete/", views.delete_message, name="delete_message"),
    path("media/<int:pk>/", views.media, name="media"),
    path("numbers/", number_views.numbers, name="numbers"),
    path("numbers/<int:pk>/", number_views.edit_number, name="edit_number"),
    path("numbers/<int:pk>/register/", number_views.register_number, name="register_number"),
    path("numbers/<int:pk>/rotate/", number_views.rotate_number_secret,
         name="rotate_number_secret"),
]
