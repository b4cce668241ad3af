"""/api/v1/: the app channel and partner applications. Submissions carry the policy's guards (the business
window, the bank allow-list) exactly as the pages' views do (policy.middleware.guarded)."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from policy.middleware import guarded

from .views import account, auth, docs, loans, partner, profile, withdrawals

app_name = "api"

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    path("auth/captcha", auth.CaptchaView.as_view(), name="captcha"),
    path("auth/token", auth.TokenView.as_view(), name="token"),
    path("auth/token/sms", auth.TokenSmsView.as_view(), name="token_sms"),
    path("auth/refresh", auth.RefreshView.as_view(), name="refresh"),
    path("auth/logout", auth.LogoutView.as_view(), name="logout"),
    path("auth/logout-all", auth.LogoutAllView.as_view(), name="logout_all"),
    path("me/password", auth.PasswordView.as_view(), name="password"),
    path("account", account.AccountView.as_view(), name="account"),
    path("account/entries", account.EntriesView.as_view(), name="entries"),
    path("documents/deposit-certificate", account.CertificateView.as_view(), name="certificate"),
    path("documents/interest-statement", account.InterestStatementView.as_view(), name="interest_statement"),
    path("messages", account.MessagesView.as_view(), name="messages"),
    path("messages/<uuid:message_id>", account.MessageView.as_view(), name="message"),
    path("messages/<uuid:message_id>/read", account.MessageReadView.as_view(), name="message_read"),
    path("withdrawals/offers", withdrawals.OffersView.as_view(), name="withdrawal_offers"),
    path("withdrawals/<str:kind>/check", withdrawals.CheckView.as_view(), name="withdrawal_check"),
    path("withdrawals/<str:kind>", guarded("withdrawal")(withdrawals.SubmitView.as_view()), name="withdrawal_submit"),
    path("applications", withdrawals.ApplicationsView.as_view(), name="applications"),
    path("applications/<uuid:application_id>", withdrawals.ApplicationView.as_view(), name="application"),
    path(
        "applications/<uuid:application_id>/withdraw", withdrawals.WithdrawView.as_view(), name="application_withdraw"
    ),
    path(
        "applications/<uuid:application_id>/materials",
        guarded("withdrawal")(withdrawals.MaterialsView.as_view()),
        name="application_materials",
    ),
    path(
        "applications/<uuid:application_id>/confirm",
        guarded("withdrawal")(withdrawals.ConfirmView.as_view()),
        name="application_confirm",
    ),
    path("loans", loans.LoansView.as_view(), name="loans"),
    path("loan-applications", loans.LoanApplicationsView.as_view(), name="loan_applications"),
    path("loans/<str:contract_no>/schedule", loans.ScheduleView.as_view(), name="loan_schedule"),
    path("loans/<str:contract_no>/repayments", loans.RepaymentsView.as_view(), name="loan_repayments"),
    path("loans/<str:contract_no>/progress", loans.ProgressView.as_view(), name="loan_progress"),
    path("loans/<str:contract_no>/prepayment/prepare", loans.PrepareView.as_view(), name="prepayment_prepare"),
    path(
        "loans/<str:contract_no>/prepayment",
        guarded("prepayment")(loans.PrepayView.as_view()),
        name="prepayment_confirm",
    ),
    path("me/profile", profile.ProfileView.as_view(), name="profile"),
    path("me/sms", profile.ProfileSmsView.as_view(), name="profile_sms"),
    path("me/card", profile.CardChangeView.as_view(), name="card_change"),
    path("me/phone", profile.PhoneChangeView.as_view(), name="phone_change"),
    path("standing", profile.StandingView.as_view(), name="standing"),
    path("standing/<uuid:standing_id>/cancel", profile.StandingCancelView.as_view(), name="standing_cancel"),
    path("consents", partner.ConsentsView.as_view(), name="consents"),
    path("consents/<uuid:client_id>", partner.ConsentView.as_view(), name="consent"),
    path("partner/account", partner.PartnerAccountView.as_view(), name="partner_account"),
    path("partner/entries", partner.PartnerEntriesView.as_view(), name="partner_entries"),
    path("partner/loans", partner.PartnerLoansView.as_view(), name="partner_loans"),
]
