"""单位网厅: pages for employer users (单位用户) only; depositors never reach them (and the reverse)."""

import re
import secrets
from decimal import Decimal

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from gjj_portal.access import unit_required
from gjj_portal.errors import DomainError
from gjj_portal.http import XLSX, download_response, pdf_response, posted
from policy.center import current_policy

from . import collection, remittance
from .models import AccountStatus, PersonalAccount, RemittanceBatch, SuspenseEntry, SuspenseRefund
from .unit_forms import AdjustForm, OpenAccountForm, RefundForm, SealForm, SupplementaryForm, UnsealForm, UploadForm


def _home(request, refund_form=None):
    employer = request.user.employer
    context = {
        "employer": employer,
        "staff": PersonalAccount.objects.filter(employer=employer).order_by("grzh"),
        "batches": RemittanceBatch.objects.filter(employer=employer)[:10],
        "suspense": SuspenseEntry.objects.filter(employer=employer).select_related("batch")[:20],
        "refunds": SuspenseRefund.objects.filter(employer=employer)[:10],
        "refund_form": refund_form or RefundForm(initial={"account_name": employer.name}),
    }
    return render(request, "unit/home.html", context)


@unit_required
def home(request):
    return _home(request)


@unit_required
def refund(request):
    """单位暂存款退款: the request; two staff members release it and the bank pays it."""
    from .refunds import refund_request

    form = RefundForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            refund_request(employer=request.user.employer, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "退款申请已提交，中心审核、复核后由银行退至单位账户，结果见下方“退款申请”。")
            return redirect("unit:home")
    return _home(request, form)


def _own_batch(request, public_id) -> RemittanceBatch:
    return get_object_or_404(RemittanceBatch, public_id=public_id, employer=request.user.employer)


@unit_required
def batch(request, public_id):
    """A list: its 缴款通知书 (where to pay, the 缴款识别码, what is still owed, by when), what the bank's
    credits brought, each line's 个人账号 and 入账结果 (or why it went to 单位暂存款), and its history."""
    found = _own_batch(request, public_id)
    context = {
        "batch": found,
        "suspense_balance": request.user.employer.suspense_balance,
        "pay": collection.payment_instructions(found),
        "lines": found.lines.select_related("account").order_by("pk"),
        "credits": found.credits.order_by("imported_at", "pk"),
        "changes": found.changes.all(),
    }
    return render(request, "unit/batch.html", context)


@unit_required
def batch_apply(request, public_id):
    """用单位暂存款冲抵: a POST from the list's page."""
    pk = _own_batch(request, public_id).pk
    if request.method == "POST":
        try:
            done = collection.suspense_apply(batch_id=pk, employer=request.user.employer, user=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            if done.status == RemittanceBatch.Status.POSTED:
                messages.success(request, "已用单位暂存款冲抵，清册已足额到账并入账。")
            else:
                owed = done.total - done.received
                messages.success(request, f"已用单位暂存款冲抵，清册还差{owed:,.2f}元，请按缴款通知书缴款。")
    return redirect("unit:batch", public_id)


@unit_required
def batch_cancel(request, public_id):
    """撤销申报: a POST from the list's page; a corrected list is then declared as usual."""
    pk = _own_batch(request, public_id).pk
    if request.method == "POST":
        try:
            collection.remittance_cancel(batch_id=pk, employer=request.user.employer, user=request.user,
                                         reason="单位撤销申报（网上）")  # fmt: skip
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, "已撤销申报。如需更正，请重新生成或上传清册后申报；已到账的款项已转入单位暂存款。"
            )
    return redirect("unit:batch", public_id)


@unit_required
def batch_notice(request, public_id):
    """缴款通知书 (PDF): the same facts as the page, to hand to whoever makes the transfer."""
    found = _own_batch(request, public_id)
    return pdf_response(collection.payment_notice_pdf(found), f"缴款通知书-{found.payment_code or found.pk}.pdf")


def _upload_rows(request, headers):
    """The uploaded list as rows; 上传清册 with no file chosen says so and changes nothing."""
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise remittance.ListRejected([remittance.RowError(1, "文件", " ".join(form.errors["file"]))])
    upload = form.cleaned_data["file"]
    return remittance.read_table(upload.name, upload.read(), headers), upload.name


STAGED = "unit-staged:{token}"


def _stage(request, *, kind, period, lines, source):
    """Keep a checked list on the server for the confirmation page: the browser carries only a token,
    never accounts or amounts."""
    token = secrets.token_urlsafe(24)
    staged = {
        "employer": request.user.employer_id,
        "user": request.user.pk,
        "kind": kind,
        "period": period,
        "source": source,
        "lines": [(a.pk, p, str(amount)) for a, p, amount in lines],
    }
    cache.set(STAGED.format(token=token), staged, 30 * 60)
    return redirect(f"{reverse('unit:confirm')}?token={token}")


@unit_required
def confirm(request):
    """The count and total of a list before anything is recorded; 确认申报 declares it."""
    token = (request.POST.get("token") if request.method == "POST" else request.GET.get("token")) or ""
    key = STAGED.format(token=token)
    staged = cache.get(key) if re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token) else None
    if not staged or (staged["employer"], staged["user"]) != (request.user.employer_id, request.user.pk):
        messages.error(request, "待确认的清册已过期或不存在，请重新生成或上传。")
        return redirect("unit:home")
    employer = request.user.employer
    lines = staged["lines"]
    total = sum((Decimal(amount) for _pk, _p, amount in lines), Decimal("0"))
    monthly_kind = staged["kind"] == RemittanceBatch.Kind.MONTHLY
    if request.method == "POST":
        accounts = PersonalAccount.objects.filter(employer=employer).in_bulk([pk for pk, _p, _a in lines])
        try:
            rows = [(accounts[pk], p, Decimal(amount)) for pk, p, amount in lines]
            if monthly_kind:
                batch = remittance.remittance_declare(
                    employer=employer, period=staged["period"], rows=[(a, m) for a, _p, m in rows],
                    user=request.user, source=staged["source"],
                )  # fmt: skip
            else:
                batch = remittance.supplementary_declare(
                    employer=employer, rows=rows, user=request.user, source=staged["source"]
                )
        except KeyError:
            messages.error(request, "清册中有职工已不属于本单位，请重新生成或上传。")
            return redirect("unit:home")
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("unit:home")
        cache.delete(key)
        messages.success(
            request,
            f"{batch.get_kind_display()}已申报：{batch.rows}人，合计{batch.total:,.2f}元。请按下方缴款通知书向中心"
            f"归集账户转账，附言填写缴款识别码{batch.payment_code}；银行到账后自动入账到职工个人账户。",
        )
        return redirect("unit:batch", batch.public_id)
    people = PersonalAccount.objects.filter(pk__in=[pk for pk, _p, _a in lines[:50]]).values_list("pk", "grzh", "name")
    found = {pk: (grzh, name) for pk, grzh, name in people}
    preview = [(*found.get(pk, ("", "")), p, Decimal(amount)) for pk, p, amount in lines[:50]]
    context = {"staged": staged, "count": len(lines), "total": total, "preview": preview, "token": token,
               "kind_label": RemittanceBatch.Kind(staged["kind"]).label}  # fmt: skip
    return render(request, "unit/confirm.html", context)


@unit_required
def monthly(request):
    """当月汇缴: 确认汇缴 (the list from bases and ratios) or 上传清册, each to a confirmation page."""
    employer, period = request.user.employer, timezone.localdate().strftime("%Y-%m")
    rows, errors = remittance.monthly_list(employer=employer, period=period), None
    if request.method == "POST":
        try:
            if request.POST.get("action") == "upload":
                table, source = _upload_rows(request, remittance.MONTHLY_HEADERS)
                valid = remittance.validate_monthly(employer=employer, period=period, rows=table)
                return _stage(request, kind="monthly", period=period, lines=[(a, period, m) for a, m in valid],
                              source=source)  # fmt: skip
            if request.POST.get("action") == "computed":
                if not rows:
                    raise remittance.EmployerError("本月没有可汇缴的职工。")
                return _stage(request, kind="monthly", period=period, lines=[(a, period, m) for a, m in rows],
                              source="网上录入")  # fmt: skip
        except remittance.ListRejected as exc:
            errors = exc.errors
        except DomainError as exc:
            messages.error(request, str(exc))
    batch = RemittanceBatch.objects.filter(employer=employer, kind="monthly", period=period).first()
    context = {
        "period": period,
        "rows": rows,
        "total": sum(a for _x, a in rows),
        "errors": errors,
        "batch": batch,
        "upload": UploadForm(),
    }
    return render(request, "unit/monthly.html", context)


@unit_required
def monthly_xlsx(request):
    """本月汇缴清册 (XLSX): the list computed from bases and ratios, to edit and upload again (上传清册)."""
    from .spreadsheets import xlsx_write

    employer, period = request.user.employer, timezone.localdate().strftime("%Y-%m")
    rows = remittance.monthly_list(employer=employer, period=period)
    data = xlsx_write(remittance.MONTHLY_HEADERS, [[a.grzh, a.name, f"{m:.2f}"] for a, m in rows])
    return download_response(data, f"{period}汇缴清册-{employer.dwzh}.xlsx", XLSX)


@unit_required
def supplementary(request):
    """补缴清册: one row on screen, or a list uploaded; both to the confirmation page."""
    employer, errors = request.user.employer, None
    staff = PersonalAccount.objects.filter(employer=employer).order_by("grzh")
    action = request.POST.get("action") if request.method == "POST" else None
    uploading = action == "upload"
    form = SupplementaryForm(request.POST if action == "one" else None, accounts=staff)
    owed = remittance.supplementary_owed(employer=employer, today=timezone.localdate())
    on_screen = action in ("one", "owed")
    if request.method == "POST":
        try:
            table = None
            if uploading:
                table, source = _upload_rows(request, remittance.SUPPLEMENTARY_HEADERS)
            elif action == "owed":
                ticked = set(request.POST.getlist("owed"))
                table = [
                    {"个人账号": a.grzh, "姓名": a.name, "补缴年月": p, "补缴金额": str(m)}
                    for a, p, m in owed
                    if f"{a.pk}:{p}" in ticked
                ]
                source = "网上录入（应补缴月份）"
                if not table:
                    raise remittance.EmployerError("请勾选要补缴的月份。")
            elif form.is_valid():
                account = staff.get(pk=form.cleaned_data["account"])
                table, source = (
                    [
                        {
                            "个人账号": account.grzh,
                            "姓名": account.name,
                            "补缴年月": form.cleaned_data["period"],
                            "补缴金额": str(remittance.amount_for(account)),
                        }
                    ],
                    "网上录入",
                )
            if table is not None:
                rows = remittance.validate_supplementary(employer=employer, rows=table, today=timezone.localdate())
                return _stage(request, kind="supplementary", period="", lines=rows, source=source)
        except remittance.ListRejected as exc:
            errors = exc.errors
        except DomainError as exc:
            messages.error(request, str(exc))
    context = {"form": form, "errors": errors, "upload": UploadForm(), "owed": owed, "on_screen": on_screen,
               "max_months": current_policy().supplementary_max_months}  # fmt: skip
    return render(request, "unit/supplementary.html", context)


@unit_required
def changes(request):
    """变更清册: 开户, 封存, 启封, 基数/比例调整."""
    employer = request.user.employer
    staff = PersonalAccount.objects.filter(employer=employer).order_by("grzh")
    normal, sealed = staff.filter(status=AccountStatus.NORMAL), staff.filter(status=AccountStatus.SEALED)
    action = request.POST.get("action")
    post = request.POST if request.method == "POST" else None
    # Prefixes keep the four forms' field ids apart, so every label points at its own field.
    forms = {
        "open": OpenAccountForm(post if action == "open" else None, prefix="open"),
        "seal": SealForm(post if action == "seal" else None, accounts=normal, prefix="seal"),
        "unseal": UnsealForm(post if action == "unseal" else None, accounts=sealed, prefix="unseal"),
        "adjust": AdjustForm(post if action == "adjust" else None, accounts=normal, prefix="adjust"),
    }
    errors = None
    if request.method == "POST" and request.FILES:
        try:
            table, _name = _upload_rows(request, remittance.OPENING_HEADERS)
            opened = remittance.accounts_open_list(employer=employer, rows=remittance.validate_openings(rows=table))
        except remittance.ListRejected as exc:
            errors = exc.errors
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"开户清册已入账：{len(opened)}人。")
            return redirect("unit:changes")
    form = forms.get(action)
    if form is not None and form.is_valid():
        try:
            done = _change(employer, action, form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("unit:changes")
    return render(
        request, "unit/changes.html", {"forms": forms, "staff": staff, "errors": errors, "upload": UploadForm()}
    )


def _change(employer, action, c):
    if action == "open":
        a = remittance.account_open(
            employer=employer,
            name=c["name"],
            id_number=c["id_number"],
            phone=c["phone"],
            base=c["base"],
            start=c["start_month"],
            ratio=c["ratio"] / 100,
        )
        return f"已为{a.name}开户，个人账号{a.grzh}。"
    if action == "seal":
        a = remittance.account_seal(employer=employer, account_id=int(c["account"]), reason=c["reason"])
        return f"已封存{a.name}的账户。"
    if action == "unseal":
        a = remittance.account_unseal(employer=employer, account_id=int(c["account"]))
        return f"已启封{a.name}的账户。"
    a = remittance.account_adjust(
        employer=employer, account_id=int(c["account"]), base=c["base"], ratio=c["ratio"] / 100
    )
    return f"已调整{a.name}的缴存基数和比例。"
