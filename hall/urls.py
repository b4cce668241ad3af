"""The hall's 我发起的 pages, at the addresses seed 004's menus lead to (home_urls.py: the home page)."""

from django.urls import path

from . import views

app_name = "hall"
urlpatterns = [
    path("withdrawals/mine/", views.mine, name="mine"),
    path("messages/mine/", views.messages_mine, name="messages_mine"),
    path("guides/", views.guides, name="guides"),
    path("brand/logo/", views.center_logo, name="logo"),
    path("guides/<slug:key>/", views.guide, name="guide"),
    path("notices/", views.notices, name="notices"),
    path("notices/<uuid:public_id>/", views.notice, name="notice"),
]
