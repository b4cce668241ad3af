from django.urls import path

from . import onboarding_views, profile_views, sso, views

app_name = "deposits"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("statement/", views.statement, name="statement"),
    path("certificate/", views.certificate, name="certificate"),
    path("verify/", views.verify, name="verify"),
    # The person's online user and the account's data kept on it, at the addresses they had under accounts/.
    path("accounts/register/", onboarding_views.register_view, name="register"),
    path("accounts/profile/", profile_views.profile_change, name="profile_change"),
    path("accounts/profile/card/", profile_views.change_card, name="change_card"),
    path("accounts/profile/phone/", profile_views.change_phone, name="change_phone"),
    path("accounts/sso/", sso.sso_start, name="sso"),
    path("accounts/sso/callback/", sso.sso_callback, name="sso_callback"),
]
