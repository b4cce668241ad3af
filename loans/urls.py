from django.urls import path

from . import views

app_name = "loans"
urlpatterns = [
    path("", views.info, name="info"),
    path("progress/", views.progress, name="progress"),
    path("repayments/", views.repayments, name="repayments"),
    path("plan/", views.plan, name="plan"),
    path("repay/", views.repay, name="repay"),
    path("settled-certificate/", views.settlement_certificate, name="settlement_certificate"),
    path("calculator/", views.calculator, name="calculator"),
]
