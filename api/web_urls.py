from django.urls import path

from . import web

app_name = "consents"
urlpatterns = [
    path("consents/", web.consents, name="list"),
    path("consents/<uuid:client_id>/end/", web.consent_end, name="end"),
]
