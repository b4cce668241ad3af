"""Bank gateways. The portal talks to a bank only through `BankGateway`: `transfer` pays a depositor
(withdrawal payouts), `debit` collects from a borrower's entrusted card (loan instalments, prepayments).

Every call carries an idempotency key; a bank that sees a key again answers with the first result
instead of moving money again. A timeout is ambiguous (the bank may have acted), so callers retry with
the same key and never treat a timeout as a failure.
"""

import random
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.module_loading import import_string


def card_number_problem(card: str) -> str | None:
    if not card.isdigit() or not 16 <= len(card) <= 19:
        return "银行卡号码应为16至19位数字，请核对本人名下一类卡卡号。"
    return None


def luhn_ok(card: str) -> bool:
    """The Luhn check. Some real cards fail it, so a failure only warns."""
    total = 0
    for i, ch in enumerate(reversed(card)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class GatewayTimeout(Exception):
    """No answer from the bank: the transfer may or may not have happened."""


@dataclass(frozen=True)
class TransferResult:
    accepted: bool
    reference: str
    message: str = ""
    duplicate: bool = False


@dataclass(frozen=True)
class CardCheck:
    """The bank's answer to 账户验证: is the card this person's (name and ID number match the holder),
    and is it a Ⅰ类账户 (Ⅱ/Ⅲ类 accounts may not receive provident fund withdrawals)."""

    own: bool
    class_one: bool


class BankGateway:
    # An online gateway answers each transfer at once; an offline one (the batch file) is fed by
    # `manage.py export_payouts` and answered by `manage.py import_bank_return`.
    online = True

    def transfer(
        self, *, idempotency_key, amount: Decimal, bank: str, card_number: str, payee_name: str
    ) -> TransferResult:
        raise NotImplementedError

    def debit(
        self, *, idempotency_key, amount: Decimal, bank: str, card_number: str, payer_name: str
    ) -> TransferResult:
        raise NotImplementedError

    def card_check(self, *, bank: str, card_number: str, name: str, id_number: str) -> CardCheck:
        raise NotImplementedError


class SandboxBankGateway(BankGateway):
    """A bank for development and tests that behaves like one: it keeps every request by key,
    answers duplicates with the first result, rejects some (failure_rate, and always a card ending in
    0000, like a card processor's test numbers) and sometimes acts and then times out (timeout_rate)."""

    REFUSED_CARD_SUFFIX = "0000"

    def __init__(
        self,
        *,
        failure_rate: float | None = None,
        timeout_rate: float | None = None,
        delay: float | None = None,
        rng=None,
    ):
        self.failure_rate = settings.GJJ_SANDBOX_BANK_FAILURE_RATE if failure_rate is None else failure_rate
        self.timeout_rate = settings.GJJ_SANDBOX_BANK_TIMEOUT_RATE if timeout_rate is None else timeout_rate
        # Seconds the bank takes to answer after it has acted (a slow link: the dangerous moment to crash).
        self.delay = settings.GJJ_SANDBOX_BANK_DELAY if delay is None else delay
        # Simulated failures only, never a secret: the standard generator is the right tool.
        self.rng = rng or random.Random()  # noqa: S311

    def transfer(self, *, idempotency_key, amount, bank, card_number, payee_name) -> TransferResult:
        return self._request(
            "payout", idempotency_key, amount, bank, card_number, payee_name, "收款账户状态异常（户名与卡号不符）"
        )

    def debit(self, *, idempotency_key, amount, bank, card_number, payer_name) -> TransferResult:
        return self._request("debit", idempotency_key, amount, bank, card_number, payer_name, "扣款账户余额不足")

    NOT_OWN_CARD_SUFFIX = "1111"  # the holder is someone else
    CLASS_TWO_CARD_SUFFIX = "2222"  # a Ⅱ类账户

    def card_check(self, *, bank, card_number, name, id_number) -> CardCheck:
        """Test numbers like a card processor's: …1111 belongs to someone else, …2222 is a Ⅱ类账户; a
        check may time out (timeout_rate) and then nothing is known."""
        if self.delay:
            time.sleep(self.delay)
        if self.rng.random() < self.timeout_rate:
            raise GatewayTimeout("银行接口响应超时")
        return CardCheck(
            own=not card_number.endswith(self.NOT_OWN_CARD_SUFFIX),
            class_one=not card_number.endswith(self.CLASS_TWO_CARD_SUFFIX),
        )

    def _request(self, kind, idempotency_key, amount, bank, card_number, name, refusal) -> TransferResult:
        from .models import SandboxTransfer

        rejected = card_number.endswith(self.REFUSED_CARD_SUFFIX) or self.rng.random() < self.failure_rate
        record = SandboxTransfer(
            kind=kind,
            idempotency_key=str(idempotency_key),
            amount=amount,
            bank=bank,
            card_number=card_number,
            payee_name=name,
            accepted=not rejected,
            reference=f"SBX{secrets.token_hex(8).upper()}",
            message=refusal if rejected else "",
        )
        # A first request is one statement, as at a bank's API; a key seen before is answered with
        # the first result (and counted), under that row's lock.
        if not _insert_new(record):
            with transaction.atomic():
                existing = SandboxTransfer.objects.select_for_update().get(idempotency_key=record.idempotency_key)
                existing.times_requested += 1
                existing.save(update_fields=["times_requested"])
            return TransferResult(existing.accepted, existing.reference, existing.message, duplicate=True)
        if self.delay:
            time.sleep(self.delay)
        if self.rng.random() < self.timeout_rate:
            raise GatewayTimeout("银行接口响应超时")
        return TransferResult(record.accepted, record.reference, record.message)


def _insert_new(record) -> bool:
    """Store a first request; False when its key is already there (nothing is written then)."""
    if connection.vendor != "postgresql":
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            return False
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO gjj_portal_sandboxtransfer (kind, idempotency_key, amount, bank, card_number, payee_name, "
            "accepted, reference, message, times_requested, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, "
            "1, now()) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
            [
                record.kind,
                record.idempotency_key,
                record.amount,
                record.bank,
                record.card_number,
                record.payee_name,
                record.accepted,
                record.reference,
                record.message,
            ],  # fmt: skip
        )
        return cursor.fetchone() is not None


class BatchFileGateway(BankGateway):
    """The center–bank link most centers have: a daily transfer file out, a return file back."""

    online = False

    def transfer(self, **kwargs) -> TransferResult:
        raise GatewayTimeout("批量文件通道不实时付款：请用 export_payouts 导出付款文件")

    def card_check(self, **kwargs) -> CardCheck:
        raise GatewayTimeout("批量文件通道不能实时核验银行卡：请到柜台办理")


GATEWAYS = {"sandbox": "gjj_portal.bank.SandboxBankGateway", "batch": "gjj_portal.bank.BatchFileGateway"}


def bank_gateway() -> BankGateway:
    name = settings.GJJ_BANK_GATEWAY
    return import_string(GATEWAYS.get(name, name))()
