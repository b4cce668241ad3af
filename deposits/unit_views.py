"""单位网厅: pages for employer users (单位用户) only; depositors never reach them (and the reverse)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.decorators import unit_required

from . import remittance
from .models import AccountStatus, PersonalAccount, RemittanceBatch
from .unit_forms import AdjustForm, OpenAccountForm, SealForm, SupplementaryForm, UnsealForm, UploadForm


@unit_required
def home(request):
    employer = request.user.employer
    staff = PersonalAccount.objects.filter(employer=employer).order_by("grzh")
    batches = RemittanceBatch.objects.filter(employer=employer)[:10]
    return render(request, "unit/home.html", {"employer": employer, "staff": staff, "batches": batches})


def _upload_rows(request, headers):
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        raise remittance.ListRejected([remittance.RowError(1, "文件", " ".join(form.errors["file"]))])
    upload = form.cleaned_data["file"]
    return remittance.read_table(upload.name, upload.read(), headers), upload.name


@unit_required
def monthly(request):
    """当月汇缴: the month's list from bases and ratios (or an uploaded list), then 确认汇缴."""
    employer, period = request.user.employer, timezone.localdate().strftime("%Y-%m")
    rows, errors = remittance.monthly_list(employer=employer, period=period), None
    if request.method == "POST":
        try:
            source = "网上录入"
            if request.FILES:
                table, source = _upload_rows(request, remittance.MONTHLY_HEADERS)
                rows = remittance.validate_monthly(employer=employer, period=period, rows=table)
            batch = remittance.remittance_post(
                employer=employer, period=period, rows=rows, user=request.user, source=source
            )
        except remittance.ListRejected as exc:
            errors = exc.errors
        except remittance.EmployerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{period}当月汇缴已入账：{batch.rows}人，合计{batch.total:,.2f}元。")
            return redirect("unit:home")
    posted = RemittanceBatch.objects.filter(employer=employer, kind="monthly", period=period).first()
    context = {
        "period": period,
        "rows": rows,
        "total": sum(a for _x, a in rows),
        "errors": errors,
        "posted": posted,
        "upload": UploadForm(),
    }
    return render(request, "unit/monthly.html", context)


@unit_required
def supplementary(request):
    """补缴清册: one row on screen, or a list uploaded."""
    employer, errors = request.user.employer, None
    staff = PersonalAccount.objects.filter(employer=employer).order_by("grzh")
    form = SupplementaryForm(request.POST if request.method == "POST" and not request.FILES else None, accounts=staff)
    if request.method == "POST":
        try:
            if request.FILES:
                table, source = _upload_rows(request, remittance.SUPPLEMENTARY_HEADERS)
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
            else:
                table = None
            if table is not None:
                rows = remittance.validate_supplementary(employer=employer, rows=table, today=timezone.localdate())
                batch = remittance.supplementary_post(employer=employer, rows=rows, user=request.user, source=source)
                messages.success(request, f"补缴已入账：{batch.rows}笔，合计{batch.total:,.2f}元。")
                return redirect("unit:home")
        except remittance.ListRejected as exc:
            errors = exc.errors
        except remittance.EmployerError as exc:
            messages.error(request, str(exc))
    return render(request, "unit/supplementary.html", {"form": form, "errors": errors, "upload": UploadForm()})


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
        except remittance.EmployerError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"开户清册已入账：{len(opened)}人。")
            return redirect("unit:changes")
    form = forms.get(action)
    if form is not None and form.is_valid():
        try:
            done = _change(employer, action, form.cleaned_data)
        except remittance.EmployerError as exc:
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
