from django.urls import path

from . import apply_views, views

app_name = "loans"
urlpatterns = [
    path("", views.info, name="info"),
    path("progress/", views.progress, name="progress"),
    path("repayments/", views.repayments, name="repayments"),
    path("plan/", views.plan, name="plan"),
    path("repay/", views.repay, name="repay"),
    path("settled-certificate/", views.settlement_certificate, name="settlement_certificate"),
    path("calculator/", views.calculator, name="calculator"),
    path("apply/", apply_views.apply, name="apply"),
    path("applications/<uuid:public_id>/", apply_views.application, name="application"),
    path("materials/<uuid:public_id>/", apply_views.material_file, name="material_file"),
    path("applications/<uuid:public_id>/contract.pdf", apply_views.application_contract, name="application_contract"),
]
