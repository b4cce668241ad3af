from django.apps import AppConfig


class LoansConfig(AppConfig):
    """Loans (贷款): contracts, progress, schedules, repayments — built by the loans issue."""

    name = "loans"
    verbose_name = "贷款"
