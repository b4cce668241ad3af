from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from loans.models import LoanStatus, Repayment

from .conftest import make_contract

TZ = ZoneInfo("Asia/Shanghai")
WEDNESDAY_10 = datetime(2026, 11, 25, 10, 0, tzinfo=TZ)


@pytest.fixture
def client_b(client, borrower):
    client.force_login(borrower)
    return client


@pytest.fixture
def at(monkeypatch):
    def set_clock(moment):
        monkeypatch.setattr("policy.middleware.business_now", lambda: moment)

    return set_clock


def test_no_loan_says_so(client, other_depositor):
    client.force_login(other_depositor)
    for name in ("loans:progress", "loans:info", "loans:plan", "loans:repayments", "loans:repay"):
        assert "您未办理贷款业务" in client.get(reverse(name)).content.decode()


def test_info_shows_the_loan_and_a_contract_not_disbursed_says_so(client_b, borrower, loan):
    pending = make_contract(borrower.account, disbursed_on=None, contract_no="JKPENDING")
    page = client_b.get(reverse("loans:info"), {"contract": loan.contract_no}).content.decode()
    assert "300,000.00" in page and "2.85%" in page and "等额本息" in page and "还款中" in page
    page = client_b.get(reverse("loans:info"), {"contract": pending.contract_no}).content.decode()
    assert "此合同【JKPENDING】的贷款未发放" in page


def test_progress_marks_done_current_and_pending(client_b, borrower):
    contract = make_contract(borrower.account, disbursed_on=None, contract_no="JKPROG")
    from django.utils import timezone

    contract.progress.filter(position__lt=2).update(done_at=timezone.now())
    response = client_b.get(reverse("loans:progress"), {"contract": "JKPROG"})
    states = [n["state"] for n in response.context["nodes"]]
    assert states == ["done", "done", "current", "pending", "pending"]
    assert "签订合同" in response.content.decode()


def test_another_persons_contract_number_answers_404(client, loan, other_depositor):
    client.force_login(other_depositor)
    for name in ("loans:progress", "loans:info", "loans:plan", "loans:repayments", "loans:repay"):
        assert client.get(reverse(name), {"contract": loan.contract_no}).status_code == 404


def test_plan_has_the_schedule_and_a_principal_interest_chart(client_b, loan):
    response = client_b.get(reverse("loans:plan"))
    assert response.context["page"].paginator.count == 120 and len(response.context["rows"]) == 24
    assert len(client_b.get(reverse("loans:plan"), {"page": 5}).context["rows"]) == 24
    bars = response.context["chart"]["bars"]
    assert len(bars) == 11 and "本金与利息" in response.content.decode()  # 2025 … 2035
    assert all(float(b["ha"]) > 0 and float(b["hb"]) > 0 for b in bars[:-1])  # both parts drawn (last year: 1 month)
    assert "利息 " in bars[1]["title"] and "利息 0.00" not in bars[1]["title"]


def test_prepayment_shows_the_new_schedule_then_debits_on_submit(client_b, loan, at):
    at(WEDNESDAY_10)
    url = reverse("loans:repay")
    preview = client_b.post(url, {"amount": "50000", "mode": "shorten", "action": "preview"})
    plan = preview.context["plan"]
    assert plan.months_after < plan.months_before and "提交" in preview.content.decode()
    assert not Repayment.objects.exists()  # nothing happens before 提交
    response = client_b.post(
        url,
        {"amount": "50000", "mode": "shorten", "action": "submit", "request": preview.context["prepared"].public_id},
        follow=True,
    )
    assert "扣款成功" in response.content.decode()
    loan.refresh_from_db()
    assert loan.principal_balance == Decimal("250000.00")
    assert Repayment.objects.get().kind == Repayment.Kind.PREPAYMENT
    assert "提前部分还款" in response.content.decode()  # 还款明细 lists it


@pytest.mark.parametrize(
    "moment, next_opening",
    [
        (datetime(2026, 11, 28, 10, 0, tzinfo=TZ), "2026年11月30日 07:00"),  # an ordinary Saturday
        (datetime(2026, 11, 25, 17, 30, tzinfo=TZ), "2026年11月26日 07:00"),  # after 17:00
        (datetime(2026, 10, 3, 9, 0, tzinfo=TZ), "2026年10月8日 07:00"),  # National Day holiday
    ],
)
def test_outside_the_window_prepayment_is_refused_with_the_next_opening(client_b, loan, at, moment, next_opening):
    at(moment)
    response = client_b.post(reverse("loans:repay"), {"amount": "50000", "mode": "shorten", "action": "preview"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "当前不在业务办理时间" in page and "提前还款" in page and next_opening in page


def test_a_tiaoxiu_weekend_day_is_open(client_b, loan, at):
    at(datetime(2026, 9, 20, 10, 0, tzinfo=TZ))  # Sunday, a 调休 working day before National Day
    response = client_b.post(reverse("loans:repay"), {"amount": "50000", "mode": "shorten", "action": "preview"})
    assert response.status_code == 200 and response.context["plan"]


def test_a_bad_amount_gets_a_chinese_message(client_b, loan, at):
    at(WEDNESDAY_10)
    page = client_b.post(reverse("loans:repay"), {"amount": "500", "mode": "reduce", "action": "preview"})
    assert "不能低于 10,000.00" in page.content.decode()


def test_calculator_gives_the_spec_case(client, policy):
    response = client.get(
        reverse("loans:calculator"), {"amount": "600000", "years": "30", "rate": "2.6", "method": "equal_instalment"}
    )
    assert response.context["result"]["first"] == Decimal("2402.04")
    response = client.get(
        reverse("loans:calculator"), {"amount": "600000", "years": "30", "rate": "2.6", "method": "equal_principal"}
    )
    assert response.context["result"]["first"] == Decimal("2966.67")


def test_calculator_defaults_to_the_policy_rate(client, policy):
    response = client.get(
        reverse("loans:calculator"), {"amount": "600000", "years": "30", "method": "equal_instalment"}
    )
    assert response.context["result"]["rate"] == Decimal("0.0260")


def test_collect_instalments_command_is_idempotent_and_reports(loan, capsys):
    call_command("collect_instalments", "--date", "2025-03-10")
    call_command("collect_instalments", "--date", "2025-03-10")
    out = capsys.readouterr().out
    assert "collected 2, overdue 0" in out and "collected 0, overdue 0" in out
    assert loan.repayments.count() == 2


def test_collect_instalments_marks_an_overdue_loan(borrower, capsys):
    loan = make_contract(borrower.account, card="6217000040000000", contract_no="JKBROKE")  # the sandbox refuses
    call_command("collect_instalments", "--date", "2025-02-10")
    assert "REFUSED JKBROKE 第1期：扣款账户余额不足" in capsys.readouterr().out
    assert loan.schedule.get(period=1).status == "overdue" and loan.status == LoanStatus.DISBURSED
    assert date(2025, 2, 10) == loan.schedule.get(period=1).due_on


@pytest.mark.parametrize("tamper", ["empty", "made-up", "foreign", "reused", "amount"])
def test_a_confirmation_the_server_did_not_issue_for_this_preview_moves_no_money(
    client_b, loan, at, tamper, django_user_model
):
    """提交 carries only the request's id: an empty, unknown, foreign or reused id, or an amount other
    than the previewed one, is refused with a Chinese message and debits nothing."""
    from gjj_portal.models import SandboxTransfer
    from loans.models import PrepaymentRequest

    at(WEDNESDAY_10)
    url = reverse("loans:repay")
    preview = client_b.post(url, {"amount": "50000", "mode": "shorten", "action": "preview"})
    request_id, amount = str(preview.context["prepared"].public_id), "50000"
    if tamper == "empty":
        request_id = ""
    elif tamper == "made-up":
        request_id = "5b1c0e8e-0000-4000-8000-000000000000"
    elif tamper == "foreign":
        stranger = django_user_model.objects.create_user("stranger", password="x")
        other = PrepaymentRequest.objects.create(
            contract=loan, requested_by=stranger, amount=Decimal("50000"), mode="shorten", fingerprint="x"
        )
        request_id = str(other.public_id)
    elif tamper == "reused":
        client_b.post(url, {"amount": "50000", "mode": "shorten", "action": "submit", "request": request_id})
        assert Repayment.objects.count() == 1
    elif tamper == "amount":
        amount = "60000"
    page = client_b.post(url, {"amount": amount, "mode": "shorten", "action": "submit", "request": request_id})
    text = page.content.decode()
    assert page.status_code == 200 and ("已失效" in text or "已经扣款成功" in text or "不一致" in text), text[:500]
    assert Repayment.objects.count() == (1 if tamper == "reused" else 0)
    assert SandboxTransfer.objects.filter(kind="debit").count() == (1 if tamper == "reused" else 0)


def test_calculator_keeps_to_the_policy_limits_and_starts_next_month(client, policy, today):
    from loans.schedule import add_months

    url = reverse("loans:calculator")
    response = client.get(url, {"amount": "600000", "years": "30", "method": "equal_principal"})
    assert response.context["result"]["rows"][0].due_on == add_months(today, 1)
    assert "最后一期含尾差" in response.content.decode()
    page = client.get(url, {"amount": "99999999", "years": "31", "method": "equal_instalment"}).content.decode()
    assert "不能超过中心最高贷款额度 800,000 元" in page and "贷款年限须在 1 至 30 年之间" in page
    assert 'value="99999999"' in page  # kept as typed
    page = client.get(url, {"amount": "六十万", "years": "x", "rate": "-1", "method": "equal_instalment"}).content
    page = page.decode()
    assert "贷款金额请输入数字" in page and "贷款年限请输入整数年" in page and "年利率须大于 0" in page


def test_progress_nodes_carry_the_day_they_happened(client_b, loan):
    """A loan disbursed in January 2025 shows 放款 on that day, not on the day the page is read."""
    page = client_b.get(reverse("loans:progress")).content.decode()
    assert "已完成 2025-01-10" in page and f"已完成 {timezone.localdate().isoformat()}" not in page
