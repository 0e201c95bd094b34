from django.urls import path

from messaging import label_views, live, number_views, views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("fragment/", views.inbox_fragment, name="inbox_fragment"),
    path("live/", live.inbox, name="inbox_live"),
    path("new/", views.compose, name="compose"),
    path("conversations/<int:pk>/", views.conversation, name="conversation"),
    path("conversations/<int:pk>/fragment/", views.conversation_fragment,
         name="conversation_fragment"),
    path("conversations/<int:pk>/reply/", views.reply, name="reply"),
    path("conversations/<int:pk>/status/", views.conversation_status,
         name="conversation_status"),
    path("conversations/<int:pk>/assignee/", views.assign_conversation,
         name="assign_conversation"),
    path("conversations/<int:pk>/labels/", views.label_conversation,
         name="label_conversation"),
    path("conversations/<int:pk>/notes/", views.add_note, name="add_note"),
    path("conversations/<int:pk>/live/", live.conversation, name="conversation_live"),
    path("conversations/<int:pk>/typing/", live.typing, name="conversation_typing"),
    path("messages/<int:pk>/delete/", views.delete_message, name="delete_message"),
    path("media/<int:pk>/", views.media, name="media"),
    path("labels/", label_views.labels, name="labels"),
    path("labels/<int:pk>/", label_views.edit_label, name="edit_label"),
    path("labels/<int:pk>/delete/", label_views.delete_label, name="delete_label"),
    path("numbers/", number_views.numbers, name="numbers"),
    path("numbers/<int:pk>/", number_views.edit_number, name="edit_number"),
    path("numbers/<int:pk>/register/", number_views.register_number, name="register_number"),
    path("numbers/<int:pk>/rotate/", number_views.rotate_number_secret,
         name="rotate_number_secret"),
]
