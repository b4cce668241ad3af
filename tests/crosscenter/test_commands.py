"""The operator's commands for partner centers and their messages."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from crosscenter.messaging import message_post
from crosscenter.models import OutboxMessage, PartnerCenter, TransferCase
from crosscenter.signing import key_pair_new
from crosscenter.transfer import transfer_in_start

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_keys_and_partner_registration(settings, policy):
    generated = run("center_key", "--generate")
    private = generated.splitlines()[0].removeprefix("GJJ_CENTER_SIGNING_KEY=")
    settings.GJJ_CENTER_SIGNING_KEY = private
    code, public = run("center_key").split()
    assert code == "219900" and public in generated
    with pytest.raises(CommandError, match="6位数字"):
        run("register_partner_center", "4502", "柳州", "https://gjj.example", public)
    with pytest.raises(CommandError, match="公钥"):
        run("register_partner_center", "450200", "柳州", "https://gjj.example", "not-a-key")
    assert "registered" in run("register_partner_center", "450200", "柳州", "https://gjj.example", public)
    assert "updated" in run("register_partner_center", "450200", "柳州中心", "https://gjj2.example", public)
    assert PartnerCenter.objects.get().name == "柳州中心"


def test_stuck_cases_and_resend(settings, depositor):
    settings.GJJ_CENTER_SIGNING_KEY = key_pair_new()[0]
    partner = PartnerCenter.objects.create(code="450200", name="柳州", base_url="http://127.0.0.1:9",
                                           public_key=key_pair_new()[1])  # fmt: skip
    case = transfer_in_start(account=depositor.account, partner=partner)
    TransferCase.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=2))
    out = run("stuck_cases")
    assert case.letter_number in out and "transfer.letter" in out
    assert "1 transfer cases overdue; 1 messages stuck" in out
    assert "delivered 0" in run("resend_message", "pending")  # nothing listens: still pending, retried later
    message = message_post(partner=partner, kind="transfer.cancel", case_number="x", payload={"letter_number": "x"})
    assert "partner" in run("resend_message", str(message.message_id))
    with pytest.raises(CommandError):
        run("resend_message", "not-an-id")
