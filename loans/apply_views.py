"""贷款申请's pages for the depositor (seed 004 §1.3: from 我的贷款): 可贷额度 and the application on one page,
the application's page with its progress nodes, 撤回 and 补件, and the contract PDF."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from accounts.audit import material_seen
from accounts.views import code_send
from deposits.selectors import account_or_404
from gjj_portal.access import depositor_required
from gjj_portal.errors import DomainError
from gjj_portal.http import pdf_response, posted
from gjj_portal.uploads import material_check
from policy.center import current_policy

from . import applications
from .certificates import contract_pdf
from .forms import LoanApplicationForm
from .models import ApplicationStatus, LoanMaterial
from .selectors import application_nodes, application_of_user_or_404, co_account_find, quote_for


@depositor_required
def apply(request):
    """可贷额度 before anything is typed; 测算 with the house and term; 发送验证码 to the co-borrower; 提交."""
    account, policy, today = account_or_404(request.user), current_policy(), timezone.localdate()
    data, files = posted(request, files=True)
    if data is None and request.GET.get("amount"):  # from 贷款试算's result: its figures prefilled
        initial = {k: request.GET.get(k) for k in ("amount", "years", "method") if request.GET.get(k)}
    else:
        initial = {}
    co_account = None
    if data is not None:  # the spouse found by name and ID number: their phone and figures count
        co_account = co_account_find(
            name=data.get("co_name", "").strip(), id_number=data.get("co_id_number", "").strip()
        )
    form = LoanApplicationForm(
        data,
        files,
        initial=initial,
        policy=policy,
        signing_days=applications.signing_days(today=today),
        co_account=co_account,
    )
    action = request.POST.get("action", "quote")
    if data is not None:
        form.is_valid()  # errors shown; 测算 and the code need only their own fields
        if action != "submit":  # files are chosen last: not asked for before 提交申请
            for name in [f"material_{i}" for i in range(len(form.material_names))] + ["co_code"]:
                form.errors.pop(name, None)
    ask = (
        form.ask()
        if data is not None and {"house_price", "home", "years", "method"} <= form.cleaned_data.keys()
        else None
    )
    quote = quote_for(account=account, co_account=co_account, ask=ask, today=today)
    if action == "send_code" and form.cleaned_data.get("co_name"):
        phone = co_account.phone if co_account else form.cleaned_data.get("co_phone")
        if phone:
            code_send(request, phone, applications.CO_SMS_PURPOSE)
    elif action == "submit" and form.is_valid() and not quote.problems:
        try:
            checked = [(kind, f.name, *material_check(f)) for kind, f in _uploads(form)]
            application = applications.loan_application_submit(
                user=request.user,
                account=account,
                co_account=co_account,
                fields=form.fields_for_service(),
                materials=checked,
                co_code=form.cleaned_data.get("co_code", ""),
                today=today,
            )
        except (DomainError, ValidationError) as exc:
            form.add_error(None, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"贷款申请已提交，申请编号 {application.number}。中心受理后将短信和消息通知您。")
            return redirect("loans:application", application.public_id)
    context = {"form": form, "quote": quote, "policy": policy, "co_account": co_account, "asked": ask is not None}
    return render(request, "loans/apply.html", context)


def _uploads(form):
    return [(kind, form.cleaned_data[f"material_{i}"]) for i, kind in enumerate(form.material_names)]


@depositor_required
def application(request, public_id):
    """The application: its data, its nodes dated by their events, 撤回 before 受理, 补件 when asked."""
    found = application_of_user_or_404(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "withdraw":
                applications.loan_application_withdraw(user=request.user, application_id=found.pk)
                messages.success(request, "贷款申请已撤回。")
            else:
                kind = request.POST.get("kind", "")
                if kind not in current_policy().loan_materials:
                    raise ValidationError("请选择材料名称。")
                checked = [(kind, f.name, *material_check(f)) for f in request.FILES.getlist("files")]
                applications.loan_materials_resubmit(user=request.user, application_id=found.pk, materials=checked)
                messages.success(request, "材料已补充，申请已重新提交，请等待中心受理。")
        except (DomainError, ValidationError) as exc:
            messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        return redirect("loans:application", found.public_id)
    context = {
        "application": found,
        "nodes": application_nodes(found),
        "history": found.changes.order_by("at", "pk"),
        "materials": found.materials.all(),
        "kinds": current_policy().loan_materials,
        "can_withdraw": found.status in applications.WITHDRAWABLE,
        "needs_materials": found.status == ApplicationStatus.MATERIALS_REQUESTED,
    }
    return render(request, "loans/application.html", context)


@depositor_required
def application_contract(request, public_id):
    """借款合同 (PDF), once it is signed."""
    found = application_of_user_or_404(user=request.user, public_id=public_id)
    if found.contract is None:
        messages.error(request, "借款合同尚未签订。")
        return redirect("loans:application", found.public_id)
    return pdf_response(
        contract_pdf(found, center_name=current_policy().center_name), f"借款合同-{found.contract.contract_no}.pdf"
    )


@require_GET
@xframe_options_sameorigin
def material_file(request, public_id):
    """A 贷款申请 material, for its applicant or for staff who handle loans; 404 for anyone else."""
    if not request.user.is_authenticated:
        raise Http404
    material = get_object_or_404(LoanMaterial.objects.select_related("application__account"), public_id=public_id)
    may_handle = request.user.is_staff and request.user.has_perm("loans.view_loanapplication")
    if material.application.applicant_id != request.user.pk:
        if not may_handle:
            raise Http404
        material_seen(request, material)
    return material.inline_response()
