from django.urls import path

from . import views

app_name = "deposits"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("statement/", views.statement, name="statement"),
    path("certificate/", views.certificate, name="certificate"),
    path("verify/", views.verify, name="verify"),
]
