from django.urls import path

from . import unit_views

app_name = "unit"
urlpatterns = [path("", unit_views.home, name="home")]
