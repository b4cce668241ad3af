from django.urls import path

from . import views

app_name = "crosscenter"
urlpatterns = [
    path("interop/messages/", views.receive, name="receive"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<uuid:public_id>/", views.transfer_detail, name="transfer_detail"),
    path("transfers/<uuid:public_id>/cancel/", views.transfer_cancel_view, name="transfer_cancel"),
    path("joint/<uuid:public_id>/", views.joint_detail, name="joint_detail"),
    path("joint/<uuid:public_id>/receipt/", views.joint_receipt, name="joint_receipt"),
]
