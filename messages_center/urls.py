from django.urls import path

from . import views

app_name = "messages_center"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("todos/", views.inbox, {"tab": "todos"}, name="todos"),
    path("read/", views.inbox, {"tab": "read"}, name="read"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/read/", views.mark_read, name="mark_read"),
    path("<uuid:public_id>/delete/", views.delete, name="delete"),
]
