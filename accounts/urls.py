from django.urls import path

from . import oidc, profile_views, views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/sms/", views.login_sms_view, name="login_sms"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/all/", views.logout_all_view, name="logout_all"),
    path("register/", views.register_view, name="register"),
    path("forgot/", views.forgot_view, name="forgot"),
    path("password/", views.password_change_view, name="password_change"),
    path("unit/login/", views.unit_login_view, name="unit_login"),
    path("display/", views.display_view, name="display"),
    path("profile/", profile_views.profile_change, name="profile_change"),
    path("profile/card/", profile_views.change_card, name="change_card"),
    path("profile/phone/", profile_views.change_phone, name="change_phone"),
    path("sso/", oidc.sso_start, name="sso"),
    path("sso/callback/", oidc.sso_callback, name="sso_callback"),
]
