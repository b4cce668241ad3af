from itertools import groupby

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from gjj_portal import charts
from gjj_portal.access import depositor_required
from gjj_portal.cache import person_reads
from gjj_portal.errors import DomainError
from gjj_portal.http import pdf_response, posted
from messages_center.selectors import inbox_counts
from policy.center import current_policy, loan_rate_on
from policy.middleware import guarded

from . import prepayment, services
from .certificates import settlement_pdf
from .forms import CalculatorForm, PrepaymentForm
from .models import APPLICATION_OPEN, LoanApplication, LoanStatus
from .schedule import add_months, build_schedule
from .selectors import (
    NO_LOAN,
    application_nodes,
    applications_of_user,
    contract_choose,
    contract_has_overdue,
    contract_pick,
    loans_overview,
)


def _page(request, template, tab, extra=None):
    contracts, contract = contract_pick(user=request.user, contract_no=request.GET.get("contract"))
    context = {"contracts": contracts, "contract": contract, "tab": tab, "no_loan": NO_LOAN}
    if not contracts:
        context["applying"] = applications_of_user(user=request.user).filter(status__in=APPLICATION_OPEN).first()
    if contract is not None and extra:
        context.update(extra(contract))
    return render(request, template, context)


@depositor_required
def progress(request):
    """贷款进度查询."""
    return _page(request, "loans/progress.html", "progress", lambda c: {"nodes": contract_nodes(c)})


def contract_nodes(contract):
    """A contract applied for here: its application's nodes, dated by their change rows (申请 → … → 放款).
    One taken over from before the portal: its recorded ProgressNode rows."""
    application = LoanApplication.objects.filter(contract=contract).first()
    if application is not None:
        return application_nodes(application)
    nodes, current_found = [], False
    for node in contract.progress.all():
        state = "done" if node.done_at else ("pending" if current_found else "current")
        current_found = current_found or state == "current"
        nodes.append({"label": node.get_step_display(), "state": state, "at": node.done_at})
    return nodes


@depositor_required
def info(request):
    """贷款信息: the contracts and each one's next instalment, kept in the person's cache with the header's
    counts (gjj_portal/cache.py)."""
    user = request.user
    found = person_reads(user.pk, inbox=lambda: inbox_counts(user=user), loans=lambda: loans_overview(user=user))
    overview = found["loans"]
    contracts, contract = contract_choose(
        [row["contract"] for row in overview], contract_no=request.GET.get("contract")
    )
    context = {"contracts": contracts, "contract": contract, "tab": "info", "no_loan": NO_LOAN, "inbox": found["inbox"]}
    if contract is not None:
        upcoming = next(row["next"] for row in overview if row["contract"].pk == contract.pk)
        context["next_payment"] = f"{upcoming.payment:,.2f}" if upcoming else None
    return render(request, "loans/info.html", context)


@depositor_required
def repayments(request):
    """还款明细."""
    return _page(request, "loans/repayments.html", "repayments", lambda c: {"rows": c.repayments.all()})


@depositor_required
def plan(request):
    """还款计划, with principal vs interest by year."""

    def extra(contract):
        rows = list(contract.schedule.all())
        by_year = []
        for year, group in groupby(rows, key=lambda r: r.due_on.year):
            group = list(group)  # groupby's group is one-shot: two sums need a list
            by_year.append((str(year), sum(r.principal for r in group), sum(r.interest for r in group)))
        page = Paginator(rows, 24).get_page(request.GET.get("page"))
        return {"rows": page.object_list, "page": page, "chart": charts.stacked_bars(by_year)}

    return _page(request, "loans/plan.html", "plan", extra)


@depositor_required
def settlement_certificate(request):
    """贷款结清证明 (POST): the PDF of one of the person's settled loans."""
    _contracts, contract = contract_pick(user=request.user, contract_no=request.GET.get("contract"))
    if request.method != "POST" or contract is None:
        return redirect("loans:info")
    policy = current_policy()
    try:
        issued = services.settlement_certificate_issue(
            contract=contract, center_name=policy.center_name, today=timezone.localdate()
        )
        pdf = settlement_pdf(
            issued.snapshot, code=issued.code, verify_url=request.build_absolute_uri(reverse("deposits:verify"))
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('loans:info')}?contract={contract.contract_no}")
    return pdf_response(pdf, f"贷款结清证明-{contract.contract_no}.pdf")


@guarded("prepayment")
@depositor_required
def repay(request):
    """我要还款 → 提前还款: the form, a confirmation showing the new schedule, then 提交 (an immediate debit)."""
    contracts, contract = contract_pick(user=request.user, contract_no=request.GET.get("contract"))
    if contract is None:
        return render(request, "loans/repay.html", {"contracts": contracts, "tab": "repay", "no_loan": NO_LOAN})
    policy = current_policy()
    form = PrepaymentForm(
        posted(request),
        contract=contract,
        has_overdue=contract_has_overdue(contract=contract),
        minimum=policy.prepay_min_amount,
    )
    context = {"contracts": contracts, "contract": contract, "tab": "repay", "form": form, "policy": policy}
    if request.method == "POST" and form.is_valid():
        amount, mode = form.cleaned_data["amount"], form.cleaned_data["mode"]
        if request.POST.get("action") == "submit":
            try:
                repayment = prepayment.prepayment_confirm(
                    user=request.user,
                    request_id=request.POST.get("request", "")[:64],
                    amount=amount,
                    today=timezone.localdate(),
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"提前还款 {repayment.amount:,.2f} 元已扣款成功，还款计划已更新。")
                return redirect(f"{reverse('loans:repayments')}?contract={contract.contract_no}")
        else:
            try:
                context["prepared"], context["plan"] = prepayment.prepayment_prepare(
                    contract=contract, user=request.user, amount=amount, mode=mode
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
    context["ineligible"] = form.eligibility_problem() if contract.status == LoanStatus.DISBURSED else None
    return render(request, "loans/repay.html", context)


def calculator(request):
    """贷款试算, open to anyone; the same schedule functions as real loans."""
    policy = current_policy()
    form = CalculatorForm(request.GET or None, policy=policy)
    result = None
    if form.is_valid():
        c = form.cleaned_data
        months = c["years"] * 12
        rate = (
            c["rate"] / 100 if c["rate"] is not None else loan_rate_on(policy.loan_rates, months, timezone.localdate())
        )
        rows = build_schedule(
            principal=c["amount"],
            annual_rate=rate,
            months=months,
            method=c["method"],
            first_due_on=add_months(timezone.localdate(), 1),  # the first instalment is due next month
        )
        result = {
            "rate": rate,
            "first": rows[0].payment,
            "last": rows[-1].payment,
            "months": months,
            "interest": sum(r.interest for r in rows),
            "total": sum(r.payment for r in rows),
            "rows": rows[:12],
        }
    return render(request, "loans/calculator.html", {"form": form, "result": result})
