from django.urls import path

from . import unit_views

app_name = "unit"
urlpatterns = [
    path("", unit_views.home, name="home"),
    path("monthly/", unit_views.monthly, name="monthly"),
    path("supplementary/", unit_views.supplementary, name="supplementary"),
    path("confirm/", unit_views.confirm, name="confirm"),
    path("changes/", unit_views.changes, name="changes"),
]
