from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from accounts.audit import PersonDataAdmin
from gjj_portal.admin import GRZH, ID_NUMBER, NAME, ReadOnlyAdmin, ScaledAdmin, StatusHistoryInline
from gjj_portal.errors import DomainError
from gjj_portal.identity import ID_TYPE_CODES, RESIDENT_ID_CARD, mask_card, mask_id_number, mask_phone

from . import collection, refunds, remittance
from .models import (
    AccountChange,
    BankCredit,
    Employer,
    LedgerEntry,
    PersonalAccount,
    ProfileChange,
    RemittanceBatch,
    RemittanceBatchChange,
    SuspenseEntry,
    SuspenseRefund,
    SuspenseRefundChange,
)
from .selectors import account_ids


def _employer_ids(dwzh: str) -> list[int]:
    return list(Employer.objects.filter(dwzh=dwzh).values_list("pk", flat=True))


@admin.register(Employer)
class EmployerAdmin(ScaledAdmin):
    list_display = ["dwzh", "name", "region", "status_with_code"]
    search_fields = ["dwzh", "name", "credit_code"]

    @admin.display(description="单位状态（DWZHZT）", ordering="status")
    def status_with_code(self, obj):
        return f"{obj.get_status_display()}（{obj.status_code}）"


class AccountChangeInline(StatusHistoryInline):
    model = AccountChange
    verbose_name_plural = "账户变更记录"


@admin.register(PersonalAccount)
class PersonalAccountAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.id_number]

    list_display = ["grzh", "name", "masked_id_number", "masked_phone", "employer", "status_with_code", "balance"]
    # By employer: search its 单位账号 (a list of two thousand employers is no filter).
    list_filter = ["status"]
    search_fields = ["grzh", "name", "id_number", "employer__dwzh"]
    search_help_text = "输入完整的个人账号、身份证号、姓名，或单位账号（列出该单位职工）。"
    search_routes = [
        (GRZH, lambda t: Q(grzh=t) | Q(employer_id__in=_employer_ids(t))),
        (ID_NUMBER, lambda t: Q(id_number=t)),
        (NAME, lambda t: Q(name=t)),
    ]
    exclude = ["id_number", "phone", "payee_card"]
    readonly_fields = ["masked_id_number", "id_type", "masked_phone", "masked_payee_card"]
    inlines = [AccountChangeInline]

    @admin.display(description="账户状态（GRZHZT）", ordering="status")
    def status_with_code(self, obj):
        return f"{obj.get_status_display()}（{obj.status_code}）"

    @admin.display(description="证件类型（ZJLX）")
    def id_type(self, obj):
        return f"{ID_TYPE_CODES[RESIDENT_ID_CARD]}（{RESIDENT_ID_CARD}）"

    @admin.display(description="收款银行卡")
    def masked_payee_card(self, obj):
        return f"{obj.payee_bank} {mask_card(obj.payee_card)}" if obj.payee_card else "未绑定"

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="预留手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.account.id_number]

    list_display = ["account", "kind", "amount", "balance_after", "occurred_on", "reference"]
    list_filter = ["kind"]
    search_fields = ["account__grzh", "reference"]
    search_help_text = "输入完整的个人账号，或业务流水号（如申请编号）。"
    search_routes = [
        (GRZH, lambda t: Q(account_id__in=account_ids(grzh=t))),
        (ID_NUMBER, lambda t: Q(account_id__in=account_ids(id_number=t))),
        (r".+", lambda t: Q(reference=t)),
    ]
    list_select_related = ["account"]


class RemittanceBatchChangeInline(StatusHistoryInline):
    model = RemittanceBatchChange


@admin.register(RemittanceBatch)
class RemittanceBatchAdmin(ReadOnlyAdmin):
    """Employers' lists: finance confirms 到账 when the employer's money is in, which posts the list."""

    list_display = [
        "employer", "kind", "period", "rows", "total", "payment_code", "received", "status", "declared_at", "posted_at"
    ]  # fmt: skip
    list_filter = ["status", "kind"]
    search_fields = ["employer__dwzh", "period"]
    search_help_text = "输入完整的单位账号。"
    search_routes = [
        (GRZH, lambda t: Q(employer_id__in=_employer_ids(t))),
        (r"\d{4}-\d{2}", lambda t: Q(period=t)),
        (r"JK\d{10}", lambda t: Q(payment_code=t)),
    ]
    list_select_related = ["employer"]
    inlines = [RemittanceBatchChangeInline]
    actions = ["confirm_funds"]

    def has_confirm_funds_permission(self, request):
        return request.user.has_perm("deposits.confirm_funds")

    @admin.action(description="确认单位缴款到账并入账", permissions=["confirm_funds"])
    def confirm_funds(self, request, queryset):
        done = 0
        for batch_id in queryset.values_list("pk", flat=True):
            try:
                remittance.remittance_fund(batch_id=batch_id, actor=request.user, reference="财务确认到账")
                done += 1
            except DomainError as exc:
                detail = "；".join(f"第{e.row}行{e.field}：{e.reason}" for e in getattr(exc, "errors", [])) or str(exc)
                messages.error(request, f"清册未入账：{detail}")
        if done:
            messages.success(request, f"已确认到账并入账{done}份清册。")


@admin.register(ProfileChange)
class ProfileChangeAdmin(PersonDataAdmin, ReadOnlyAdmin):
    """个人信息变更记录: who changed which phone or card of whom, when, online or at the counter (masked)."""

    def person_id_numbers(self, obj):
        return [obj.user.id_number]

    list_display = ["at", "user", "field", "old_masked", "new_masked", "channel", "actor", "ip"]
    list_filter = ["field", "channel"]
    readonly_fields = ["at", "user", "field", "old_masked", "new_masked", "channel", "actor", "ip"]


class StatementForm(forms.Form):
    file = forms.FileField(
        label="银行对账单（XLSX 或 CSV）",
        help_text="列：" + "、".join(collection.STATEMENT_HEADERS) + "。同一银行流水号只导入一次。",
    )


class ClaimForm(forms.Form):
    code = forms.CharField(label="缴款识别码", max_length=12, required=False, help_text="单位转账时写错或漏写的识别码")
    dwzh = forms.CharField(
        label="或：单位账号",
        max_length=20,
        required=False,
        help_text="付款单位已知、但没有对应清册时，转入其单位暂存款",
    )
    reason = forms.CharField(label="认领依据", max_length=150, help_text="如：单位来电确认并提供付款回单")


@admin.register(BankCredit)
class BankCreditAdmin(ReadOnlyAdmin):
    """银行来款: the bank's credits on the 归集 account and what became of each; 未识别 is the staff's queue.
    Finance imports the bank's statement here (or an operator with `manage.py import_bank_credits`)."""

    list_display = ["value_date", "bank_ref", "amount", "payer_name", "memo", "status", "batch", "note", "claim"]
    list_filter = ["status", "source"]
    list_select_related = ["batch__employer"]
    search_fields = ["bank_ref"]
    search_help_text = "输入完整的银行流水号或缴款识别码。"
    search_routes = [
        (r"JK\d{10}", lambda t: Q(batch__payment_code=t)),
        (r".+", lambda t: Q(bank_ref=t)),
    ]
    change_list_template = "admin/deposits/bankcredit/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="deposits_bankcredit_import"),
            path("<int:pk>/claim/", view(self.claim_view), name="deposits_bankcredit_claim"),
        ] + super().get_urls()

    @admin.display(description="处理")
    def claim(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if obj.status != BankCredit.Status.UNMATCHED:
            return "-"
        return format_html('<a href="{}">人工认领</a>', reverse("admin:deposits_bankcredit_claim", args=[obj.pk]))

    def claim_view(self, request, pk):
        from django.shortcuts import get_object_or_404

        if not request.user.has_perm("deposits.confirm_funds"):
            raise PermissionDenied
        credit = get_object_or_404(BankCredit, pk=pk)
        form = ClaimForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                collection.credit_claim(credit_id=pk, actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"来款{credit.bank_ref}已人工认领。")
                return redirect("admin:deposits_bankcredit_changelist")
        context = {**self.admin_site.each_context(request), "opts": self.opts, "credit": credit, "form": form,
                   "title": f"人工认领来款 {credit.bank_ref}"}  # fmt: skip
        return TemplateResponse(request, "admin/deposits/bankcredit/claim.html", context)

    def import_view(self, request):
        if request.method != "POST" or not request.user.has_perm("deposits.confirm_funds"):
            raise PermissionDenied
        form = StatementForm(request.POST, request.FILES)
        if not form.is_valid():
            messages.error(request, "请选择银行对账单文件。")
            return redirect("admin:deposits_bankcredit_changelist")
        upload = form.cleaned_data["file"]
        try:
            table = remittance.read_table(upload.name, upload.read(), collection.STATEMENT_HEADERS,
                                          max_rows=settings.GJJ_IMPORT_MAX_ROWS)  # fmt: skip
        except remittance.ListRejected as exc:
            messages.error(
                request, "对账单无法导入：" + "；".join(f"第{e.row}行{e.field}：{e.reason}" for e in exc.errors)
            )
            return redirect("admin:deposits_bankcredit_changelist")
        rows, problems = collection.statement_rows(table)
        result = collection.credits_import(rows=rows, source=f"银行对账单 {upload.name}"[:100], actor=request.user)
        messages.success(request, f"对账单已导入：{result.summary()}。")
        for number, reason in problems:
            messages.warning(request, f"第{number}行未导入：{reason}")
        return redirect("admin:deposits_bankcredit_changelist")

    def changelist_view(self, request, extra_context=None):
        extra = {"statement_form": StatementForm(), "may_import": request.user.has_perm("deposits.confirm_funds")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})


@admin.register(SuspenseEntry)
class SuspenseEntryAdmin(ReadOnlyAdmin):
    """单位暂存款明细: every movement of an employer's suspense money, with its reason."""

    list_display = ["created_at", "employer", "kind", "amount", "balance_after", "reason", "batch"]
    list_filter = ["kind"]
    list_select_related = ["employer", "batch__employer"]
    search_fields = ["employer__dwzh"]
    search_help_text = "输入完整的单位账号。"
    search_routes = [(GRZH, lambda t: Q(employer_id__in=_employer_ids(t)))]


class SuspenseRefundChangeInline(StatusHistoryInline):
    model = SuspenseRefundChange


@admin.register(SuspenseRefund)
class SuspenseRefundAdmin(ReadOnlyAdmin):
    """单位暂存款退款: 初审 approves (or refuses with a reason), 复核/财务 — another person — releases; the
    worker pays it once through the bank adapter."""

    list_display = ["created_at", "employer", "amount", "masked_account", "status", "approved_by", "released_by"]
    list_filter = ["status"]
    list_select_related = ["employer", "approved_by", "released_by"]
    search_fields = ["employer__dwzh"]
    search_help_text = "输入完整的单位账号。"
    search_routes = [(GRZH, lambda t: Q(employer_id__in=_employer_ids(t)))]
    inlines = [SuspenseRefundChangeInline]
    actions = ["approve", "release", "reject"]

    @admin.display(description="单位银行账号")
    def masked_account(self, obj):
        return mask_card(obj.account_no)

    def has_approve_permission(self, request):
        return request.user.has_perm("deposits.review_refund")

    def has_reject_permission(self, request):
        return request.user.has_perm("deposits.review_refund")

    def has_release_permission(self, request):
        return request.user.has_perm("deposits.confirm_funds")

    def _each(self, request, queryset, action, done_text):
        done = 0
        for refund_id in queryset.values_list("pk", flat=True):
            try:
                action(refund_id)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                done += 1
        if done:
            messages.success(request, done_text.format(done))

    @admin.action(description="审核通过", permissions=["approve"])
    def approve(self, request, queryset):
        self._each(request, queryset, lambda pk: refunds.refund_approve(refund_id=pk, staff=request.user),
                   "已审核通过{}笔退款，待另一名工作人员复核放款。")  # fmt: skip

    @admin.action(description="复核放款（由银行退至单位账户）", permissions=["release"])
    def release(self, request, queryset):
        self._each(request, queryset, lambda pk: refunds.refund_release(refund_id=pk, staff=request.user),
                   "已复核放款{}笔退款，银行处理后显示结果。")  # fmt: skip

    @admin.action(description="不予退款", permissions=["reject"])
    def reject(self, request, queryset):
        self._each(request, queryset,
                   lambda pk: refunds.refund_reject(refund_id=pk, staff=request.user, opinion="经审核不予退款"),
                   "已不予退款{}笔。")  # fmt: skip
