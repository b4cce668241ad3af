"""委托提取: the person's instructions with their months, 签订 (the form) and 撤销."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gjj_portal.access import depositor_required
from gjj_portal.errors import DomainError
from gjj_portal.http import posted
from loans.models import LoanContract
from policy.center import current_policy

from .forms import StandingForm
from .models import StandingInstruction
from .offers import person_problem
from .selectors import commercial_loans_of
from .standing import standing_cancel, standing_sign


def standing_loans(account) -> dict:
    loans = {}
    for contract in LoanContract.objects.of_account(account).filter(status="disbursed").order_by("contract_no"):
        loans[f"hpf:{contract.contract_no}"] = (f"偿还公积金贷款（合同 {contract.contract_no}，每月还款额）", contract)
    for loan in commercial_loans_of(account=account):
        loans[f"com:{loan.material_no}"] = (
            f"偿还商业贷款（{loan.lender} {loan.contract_no}，月还款 {loan.monthly_payment:,.2f} 元）",
            loan,
        )
    return loans


@depositor_required
def standing(request):
    account = getattr(request.user, "account", None)
    if account is None:
        return redirect("home")
    policy = current_policy()
    form = StandingForm(posted(request), account=account, policy=policy, loans=standing_loans(account))
    if request.method == "POST" and form.is_valid():
        try:
            instruction = standing_sign(user=request.user, account=account, terms=form.to_terms())
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"委托提取协议 {instruction.number} 已签订，每月{policy.standing_day}日起按协议自动提取。"
            )
            return redirect("withdrawals:standing")
    instructions = StandingInstruction.objects.filter(account=account).prefetch_related("runs__application")
    # The card's cooling-off depends on the person only: said before the form is filled in.
    context = {
        "form": form,
        "instructions": instructions,
        "policy": policy,
        "ineligible": person_problem(account=account),
    }
    return render(request, "withdrawals/standing.html", context)


@require_POST
@depositor_required
def standing_cancel_view(request, public_id):
    instruction = get_object_or_404(StandingInstruction, public_id=public_id, account__user=request.user)
    try:
        standing_cancel(instruction_id=instruction.pk, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"委托提取协议 {instruction.number} 已撤销。")
    return redirect("withdrawals:standing")
