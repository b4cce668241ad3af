from django.urls import path

from . import unit_views

app_name = "unit"
urlpatterns = [
    path("", unit_views.home, name="home"),
    path("monthly/", unit_views.monthly, name="monthly"),
    path("monthly/list.xlsx", unit_views.monthly_xlsx, name="monthly_xlsx"),
    path("supplementary/", unit_views.supplementary, name="supplementary"),
    path("confirm/", unit_views.confirm, name="confirm"),
    path("refund/", unit_views.refund, name="refund"),
    path("batches/<uuid:public_id>/", unit_views.batch, name="batch"),
    path("batches/<uuid:public_id>/notice.pdf", unit_views.batch_notice, name="batch_notice"),
    path("batches/<uuid:public_id>/apply/", unit_views.batch_apply, name="batch_apply"),
    path("batches/<uuid:public_id>/cancel/", unit_views.batch_cancel, name="batch_cancel"),
    path("changes/", unit_views.changes, name="changes"),
]
