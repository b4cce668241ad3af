from django.urls import path

from . import standing_views, views

app_name = "withdrawals"
urlpatterns = [
    path("", views.index, name="index"),
    path("rent/", views.rent_new, name="rent_new"),
    path("apply/<str:kind>/", views.apply, name="apply"),
    path("standing/", standing_views.standing, name="standing"),
    path("standing/<uuid:public_id>/cancel/", standing_views.standing_cancel_view, name="standing_cancel"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/materials/", views.materials, name="materials"),
    path("<uuid:public_id>/done/", views.done, name="done"),
    path("<uuid:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("materials/<uuid:public_id>/file/", views.material_file, name="material_file"),
]
