"""The sandbox bank's record of what it was asked to do (gjj_portal/bank.py: the adapter it stands in for)."""

from django.db import models


class SandboxTransfer(models.Model):
    """What the sandbox bank has received, keyed by the idempotency key like a real bank's API."""

    kind = models.CharField(max_length=10, default="payout")  # payout (to a depositor) or debit (from a borrower)
    idempotency_key = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    bank = models.CharField(max_length=30)
    card_number = models.CharField(max_length=19)
    payee_name = models.CharField(max_length=50)
    accepted = models.BooleanField()
    reference = models.CharField(max_length=64)
    message = models.CharField(max_length=200, blank=True)
    times_requested = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "沙箱银行转账"
        verbose_name_plural = "沙箱银行转账"

    def __str__(self):
        return str(self.idempotency_key)
