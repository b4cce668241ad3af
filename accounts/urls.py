from django.urls import path

from . import sms_reports, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/sms/", views.login_sms_view, name="login_sms"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/all/", views.logout_all_view, name="logout_all"),
    path("forgot/", views.forgot_view, name="forgot"),
    path("password/", views.password_change_view, name="password_change"),
    path("unit/login/", views.unit_login_view, name="unit_login"),
    path("display/", views.display_view, name="display"),
    path("access/", views.access_records_view, name="access_records"),
    path("sms/report/<slug:provider>/", sms_reports.sms_report, name="sms_report"),
]
