"""The site's root: the depositor's home page, named plainly "home"."""

from django.urls import path

from .views import home

urlpatterns = [path("", home, name="home")]
