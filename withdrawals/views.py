from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import material_seen
from deposits.selectors import account_or_404
from gjj_portal.access import depositor_required
from gjj_portal.errors import DomainError
from gjj_portal.http import posted
from gjj_portal.uploads import material_check
from policy.center import current_policy
from policy.middleware import guarded

from . import rules, services
from .forms import ClosingWithdrawalForm, LoanWithdrawalForm, MaterialUploadForm, RentWithdrawalForm
from .guides import MATERIAL_SLOTS, MATERIALS, REQUESTED_SLOT, guide_for
from .models import CLOSING_KINDS, Channel, Material, Status, WithdrawalKind
from .offers import person_problem
from .selectors import (
    account_facts,
    application_get_for_user,
    application_timeline,
    commercial_loans_of,
    hpf_loan_of,
    hpf_loans_repaying,
)

KINDS = [
    (WithdrawalKind.RENT, "rent_new", "按月租金提取，用于支付本人租房租金"),
    (WithdrawalKind.COMMERCIAL_LOAN, "apply", "偿还商业银行住房贷款本息"),
    (WithdrawalKind.HPF_LOAN, "apply", "偿还住房公积金贷款本息"),
    (WithdrawalKind.RETIREMENT, "apply", "达到法定退休年龄，全部提取并销户"),
    (WithdrawalKind.DISABILITY, "apply", "完全丧失劳动能力，全部提取并销户"),
    (WithdrawalKind.LEAVING, "apply", "离开本市、户籍在外地，全部提取并销户"),
]


@depositor_required
def index(request):
    tiles = [
        {
            "label": kind.label,
            "hint": hint,
            "url": reverse(f"withdrawals:{name}", kwargs={} if name == "rent_new" else {"kind": kind.value}),
        }
        for kind, name, hint in KINDS
    ]
    tiles.append(
        {
            "label": "委托提取（按月）",
            "hint": "签订协议后每月自动提取，用于付房租或还公积金贷款、商业贷款；可随时撤销",
            "url": reverse("withdrawals:standing"),
        }
    )
    return render(request, "withdrawals/index.html", {"account": account_or_404(request.user), "tiles": tiles})


def _submitted(request, application):
    if not application.card_luhn_ok:
        messages.warning(
            request,
            "您确认的银行卡号码未通过校验位检查。若发现卡号有误，请在审核前拨打服务热线"
            f"{current_policy().hotline}更正，以免影响到账。",
        )
    if application.status == Status.DRAFT:
        return redirect("withdrawals:materials", public_id=application.public_id)
    return redirect("withdrawals:done", public_id=application.public_id)


def withdrawal_from_form(*, user, account, kind: str, form, loan=None):
    """A valid form of `kind` → its service (the pages and the app's API both submit through here)."""
    if kind == WithdrawalKind.RENT:
        return services.rent_withdrawal_create(user=user, account=account, request=form.to_request())
    if kind in CLOSING_KINDS:
        return services.closing_withdrawal_create(user=user, account=account, kind=kind, payee=form.payee())
    return services.loan_withdrawal_create(
        user=user, account=account, kind=kind, loan=loan, payee=form.payee(), amount=form.cleaned_data["amount"]
    )


def _render_apply(request, form, kind, **extra):
    context = {
        "form": form,
        "kind": kind,
        "kind_label": WithdrawalKind(kind).label,
        "account": form.account,
        "policy": form.policy,
        # The person-only rules (the card's cooling-off) are said when the form opens, before any typing.
        "ineligible": form.eligibility_problem() or person_problem(account=form.account),
        "guide": guide_for(kind, form.policy),
        "available": max(form.account.balance - form.policy.min_balance_after_withdrawal, 0),
        **extra,
    }
    return render(request, "withdrawals/apply.html", context)


@guarded("withdrawal")
@depositor_required
def rent_new(request):
    """租房提取."""
    account = account_or_404(request.user)
    form = RentWithdrawalForm(posted(request), account=account, policy=current_policy())
    if request.method == "POST" and form.is_valid():
        try:
            return _submitted(request, withdrawal_from_form(user=request.user, account=account, kind="rent", form=form))
        except DomainError as exc:
            form.add_error(None, str(exc))
    return _render_apply(request, form, WithdrawalKind.RENT)


def _loan_chosen(request, account, kind, material_no, extra):
    """The loan record 商贷/公贷还款提取 is for. The center knows the person's loans: with one, it is chosen
    (and its 计算 done) before anything is typed; `extra` gains what the page shows."""
    if kind == WithdrawalKind.COMMERCIAL_LOAN:
        records = list(commercial_loans_of(account=account))
        if not material_no and len(records) == 1:
            material_no = extra["material_no"] = records[0].material_no
        loan = next((r for r in records if r.material_no == material_no), None)
        extra.update(records=records, lookup="lookup" in request.GET or loan is not None)
        return loan
    repaying = extra["repaying"] = hpf_loans_repaying(account=account)
    if not material_no and len(repaying) == 1:
        material_no = extra["material_no"] = repaying[0].contract_no
    if not material_no:
        return None
    loan = hpf_loan_of(account=account, contract_no=material_no)
    extra["not_found"] = loan is None
    return loan


@guarded("withdrawal")
@depositor_required
def apply(request, kind):
    """The other types. 查询材料号 / 计算 are GETs that redraw the page; 提交申请 is the POST."""
    if kind not in {k.value for k, name, _ in KINDS if name == "apply"}:
        raise Http404
    account, today, policy = account_or_404(request.user), timezone.localdate(), current_policy()
    material_no = (request.POST.get("material_no") or request.GET.get("material_no") or "").strip()
    extra, loan = {"material_no": material_no}, None
    if kind in CLOSING_KINDS:
        form = ClosingWithdrawalForm(posted(request), account=account, policy=policy, kind=kind)
        if "compute" in request.GET:
            extra["computed"] = services.closing_amount(account=account, today=today)
        extra["needs_materials"] = services.closing_needs_materials(kind=kind, account=account, today=today)
        extra["facts"] = account_facts(account=account, today=today)
        extra["slots"] = MATERIAL_SLOTS[kind]  # the upload page's words
    else:
        loan = _loan_chosen(request, account, kind, material_no, extra)
        form = LoanWithdrawalForm(posted(request), account=account, policy=policy, kind=kind, loan=loan)
        extra.update(loan=loan, limit=form.limit)
    if request.method == "POST" and form.is_valid():
        try:
            application = withdrawal_from_form(user=request.user, account=account, kind=kind, form=form, loan=loan)
            return _submitted(request, application)
        except DomainError as exc:
            form.add_error(None, str(exc))
    return _render_apply(request, form, kind, **extra)


def material_slots(application) -> list[str]:
    slots = list(MATERIAL_SLOTS[application.kind])
    return [*slots, REQUESTED_SLOT] if application.status == Status.MATERIALS_REQUESTED else slots


def material_upload(request, application, form) -> str | None:
    """本地上传 of one document's files: None when stored, else why not (nothing is stored)."""
    slots = material_slots(application)
    slot = request.POST.get("slot", "")
    if slot and slot not in slots:
        return "请选择要上传的材料项目。"
    if not slot:  # without script: the first document not yet uploaded
        have = set(application.materials.values_list("slot", flat=True))
        slot = next((s for s in slots if s not in have), slots[-1])
    if not form.is_valid():
        return " ".join(form.errors.get("files", ["请选择要上传的材料文件。"]))
    have = application.materials.aggregate(n=Count("pk"), size=Sum("size"))
    problem = rules.materials_problem(
        have_files=have["n"],
        have_bytes=have["size"] or 0,
        new_sizes=[f.size for f in form.cleaned_data["files"]],
        max_files=settings.GJJ_MATERIALS_MAX_FILES,
        max_bytes=settings.GJJ_MATERIALS_MAX_BYTES,
    )
    try:
        if problem:
            raise ValidationError(problem)
        checked = [(f, *material_check(f)) for f in form.cleaned_data["files"]]
    except ValidationError as exc:
        return " ".join(exc.messages)
    services.materials_add(application=application, checked=[(u.name, c, t) for u, c, t in checked], slot=slot)
    return None


@guarded("withdrawal")
@depositor_required
def materials(request, public_id):
    """影像上传: one slot per document of the checklist; a page script scales photos and sends them with a
    progress bar (answered in JSON); 删除 removes a wrong file before 确定."""
    application = application_get_for_user(user=request.user, public_id=public_id)
    if application.status not in (Status.DRAFT, Status.MATERIALS_REQUESTED):
        return redirect("withdrawals:detail", public_id=application.public_id)
    action, error = request.POST.get("action"), None
    by_script = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    try:
        if action == "confirm":
            services.withdrawal_submit(application=application, user=request.user)
            return redirect("withdrawals:done", public_id=application.public_id)
        if action == "remove":
            name = services.material_remove(application=application, public_id=request.POST.get("material", ""))
            messages.success(request, f"已删除“{name}”。")
        elif action == "upload":
            error = material_upload(request, application, MaterialUploadForm(request.POST, request.FILES))
            if by_script:
                return JsonResponse({"error": error} if error else {"ok": True}, status=400 if error else 200)
            if not error:
                messages.success(request, "已上传。全部材料上传后请点击“确定”。")
    except (DomainError, ValidationError) as exc:
        error = " ".join(getattr(exc, "messages", [str(exc)]))
    if request.method == "POST" and not error:
        return redirect("withdrawals:materials", public_id=application.public_id)
    return render(request, "withdrawals/materials.html", _materials_context(application, error))


def _materials_context(application, error):
    asked = None
    if application.status == Status.MATERIALS_REQUESTED:  # what the reviewer asked for, in the reviewer's words
        asked = application.changes.filter(to_status=Status.MATERIALS_REQUESTED).order_by("-at", "-id").first()
    removable = set(services.materials_removable(application=application).values_list("pk", flat=True))
    files = [(m, m.pk in removable) for m in application.materials.all()]
    slots = [{"name": name, "files": [f for f in files if f[0].slot == name]} for name in material_slots(application)]
    older = [f for f in files if f[0].slot not in {s["name"] for s in slots}]
    if older:
        slots.append({"name": "其他材料", "files": older, "closed": True})
    return {
        "application": application,
        "error": error,
        "hint": MATERIALS[application.kind],
        "asked": asked,
        "slots": slots,
        "max_bytes": settings.GJJ_UPLOAD_MAX_BYTES,
        "max_mb": settings.GJJ_UPLOAD_MAX_BYTES // (1024 * 1024),
    }


@depositor_required
def done(request, public_id):
    """提交成功: what happens next and by when (the policy's review days on the working-day calendar)."""
    from policy.center import current_policy, working_day_after

    application = application_get_for_user(user=request.user, public_id=public_id)
    sla = current_policy().review_sla_days
    submitted_on = timezone.localdate(application.created_at)
    context = {"application": application, "sla": sla, "review_by": working_day_after(submitted_on, sla)}
    return render(request, "withdrawals/done.html", context)


@depositor_required
def detail(request, public_id):
    """办理进度: the steps with their dates and what is expected when, 撤回 before a decision, the record."""
    application = application_get_for_user(user=request.user, public_id=public_id)
    changes = list(application.changes.select_related("actor").order_by("at", "id"))
    context = {
        "application": application,
        "changes": changes,
        "steps": application_timeline(application=application, changes=changes),
        "withdrawable": application.status in services.WITHDRAWABLE and application.channel == Channel.ONLINE,
    }
    return render(request, "withdrawals/detail.html", context)


@require_POST
@depositor_required
def withdraw(request, public_id):
    """撤回 (the applicant's own, before the center decides)."""
    application = application_get_for_user(user=request.user, public_id=public_id)
    try:
        services.withdrawal_withdraw(application=application, user=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"申请 {application.number} 已撤回。")
    return redirect("withdrawals:detail", public_id=application.public_id)


@require_GET
@xframe_options_sameorigin  # the reviewer's workbench previews a PDF's first page in an <object>
@csp_replace({"frame-ancestors": [SELF]})  # type: ignore[arg-type]  # django-csp types a one-argument view
def material_file(request, public_id):
    """A material, for its applicant or for staff who may review; 404 for anyone else."""
    if not request.user.is_authenticated:
        raise Http404
    material = get_object_or_404(Material.objects.select_related("application__account"), public_id=public_id)
    may_review = request.user.is_staff and request.user.has_perm("withdrawals.view_withdrawalapplication")
    if material.application.applicant_id != request.user.pk:
        if not may_review:
            raise Http404
        material_seen(request, material)
    return material.inline_response()
