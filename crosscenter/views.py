"""The depositor's 转移接续 (申请转入, follow, 撤销) and 两地联办 case pages, the receipts, and the
partner centers' message endpoint."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gjj_portal.access import depositor_required
from gjj_portal.errors import DomainError
from gjj_portal.http import pdf_response, posted
from policy.center import current_policy

from . import selectors
from .forms import TransferInForm
from .messaging import message_receive
from .models import JointCase, Role, TransferCase, TransferDirection
from .signing import signing_problem
from .transfer import transfer_cancel, transfer_in_start


@csrf_exempt  # a partner center, not a browser: the Ed25519 signature is the proof
@require_POST
def receive(request):
    status, result = message_receive(
        body=request.body,
        sender=request.headers.get("X-GJJ-Sender", ""),
        signature=request.headers.get("X-GJJ-Signature", ""),
    )
    return JsonResponse({"result": result}, status=status)


@depositor_required
def transfers(request):
    account = getattr(request.user, "account", None)
    if account is None:
        return redirect("home")
    form = TransferInForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = transfer_in_start(
                account=account,
                partner=form.cleaned_data["partner"],
                old_account_number=form.cleaned_data["old_account_number"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"转入申请已提交，联系函编号 {case.letter_number}，正在发送至{case.partner.name}；送达情况见办理记录。",
            )
            return redirect("crosscenter:transfer_detail", case.public_id)
    cases = TransferCase.objects.filter(account=account, direction=TransferDirection.IN).select_related("partner")
    context = {"form": form, "cases": cases, "unavailable": signing_problem(), "hotline": current_policy().hotline}
    return render(request, "crosscenter/transfers.html", context)


def _own_transfer(request, public_id) -> TransferCase:
    return get_object_or_404(
        TransferCase, public_id=public_id, direction=TransferDirection.IN, account__user=request.user
    )


@depositor_required
def transfer_detail(request, public_id):
    case = _own_transfer(request, public_id)
    return render(request, "crosscenter/transfer_detail.html", selectors.transfer_page(case=case))


@require_POST
@depositor_required
def transfer_cancel_view(request, public_id):
    case = _own_transfer(request, public_id)
    try:
        transfer_cancel(case_id=case.pk, actor=request.user, reason="申请人网上撤销")
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"联系函 {case.letter_number} 已撤销。")
    return redirect("crosscenter:transfer_detail", case.public_id)


@depositor_required
def joint_detail(request, public_id):
    case = get_object_or_404(JointCase, public_id=public_id, role=Role.ACCEPTANCE, account__user=request.user)
    return render(request, "crosscenter/joint_detail.html", selectors.joint_page(case=case))


@depositor_required
def joint_receipt(request, public_id):
    case = get_object_or_404(JointCase, public_id=public_id, role=Role.ACCEPTANCE, account__user=request.user)
    return pdf_response(selectors.joint_receipt_pdf(case=case), f"受理回执-{case.number}.pdf")
