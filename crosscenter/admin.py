"""跨省通办 in admin: the 专窗 registers a 两地联办 case and sends it; the old center's staff review a
转移接续; both kinds of case are on a board with their step's deadline (due today, overdue flagged)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from accounts.audit import PersonDataAdmin
from gjj_portal.admin import ReadOnlyAdmin
from gjj_portal.errors import DomainError
from gjj_portal.forms import MultipleFileField, MultipleFileInput
from gjj_portal.http import pdf_response
from gjj_portal.identity import mask_card, mask_id_number

from . import joint, selectors, transfer
from .cases import deadline_state
from .messaging import message_resend
from .models import (
    JOINT_FINAL,
    TRANSFER_FINAL,
    InboxMessage,
    JointCase,
    JointKind,
    JointStatus,
    OutboxMessage,
    PartnerCenter,
    Role,
    TransferCase,
    TransferDirection,
    TransferStatus,
)
from .signing import public_key_check

PERM = "crosscenter.handle_crosscenter"
SCAN_TYPES = {"accept": "image/jpeg,image/png,application/pdf"}


class PartnerCenterForm(forms.ModelForm):
    base_url = forms.URLField(
        label="接口地址",
        assume_scheme="https",
        max_length=200,  # the column's
        help_text="对方网厅的根地址，例如 https://gjj.example.gov.cn",
    )

    class Meta:
        model = PartnerCenter
        fields = ["code", "name", "base_url", "public_key", "active"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("中心代码应为6位数字。")
        return code

    def clean_public_key(self):
        try:
            public_key_check(self.cleaned_data["public_key"].strip())
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return self.cleaned_data["public_key"].strip()


@admin.register(PartnerCenter)
class PartnerCenterAdmin(admin.ModelAdmin):
    form = PartnerCenterForm
    list_display = ["code", "name", "base_url", "active"]


class DeadlineFilter(admin.SimpleListFilter):
    title = "办理时限"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [("overdue", "已超期"), ("today", "今日到期"), ("open", "办理中")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        finals = JOINT_FINAL if queryset.model is JointCase else TRANSFER_FINAL
        live = queryset.exclude(status__in=finals)
        if self.value() == "overdue":
            return live.filter(due_on__lt=today)
        if self.value() == "today":
            return live.filter(due_on=today)
        if self.value() == "open":
            return live
        return queryset


def _deadline_cell(obj) -> str:
    state = deadline_state(obj.due_on, obj.is_final)
    if obj.due_on is None or obj.is_final:
        return "-"
    flag = {"overdue": "（已超期）", "today": "（今日到期）"}.get(state, "")
    return f"{obj.due_on:%Y-%m-%d}{flag}"


class CaseAdmin(PersonDataAdmin, admin.ModelAdmin):
    """The board (list) and the case page with its buttons; every write goes through the services."""

    def person_id_numbers(self, obj):
        return [obj.id_number]

    list_filter = [DeadlineFilter, "status"]
    search_fields = ["=id_number", "=name"]
    template = "admin/crosscenter/case.html"

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def may_handle(self, request) -> bool:
        return request.user.has_perm(PERM)

    @admin.display(description="本环节时限")
    def deadline(self, obj):
        return _deadline_cell(obj)

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return mask_id_number(obj.id_number)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        case = self.get_object(request, unquote(object_id))
        if case is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        return self.case_page(request, case)

    def case_page(self, request, case, **extra):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "case": case,
            "title": str(case),
            "rows": self.rows(case),
            "changes": case.changes.all(),
            "deadline": deadline_state(case.due_on, case.is_final),
            "delivery": selectors.case_delivery(
                partner_id=case.partner_id, case_number=getattr(case, "number", None) or case.letter_number
            ),
            "may_handle": self.may_handle(request),
            **self.buttons(request, case),
            **extra,
        }
        return TemplateResponse(request, self.template, context)

    def _run(self, request, pk, action, done: str):
        if request.method != "POST" or not self.may_handle(request):
            messages.error(request, "您没有办理跨省通办业务的权限。")
        else:
            try:
                action()
            except ObjectDoesNotExist as exc:  # e.g. 转出 actions posted on an incoming case
                raise Http404 from exc
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, done)
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", pk)


class ScanForm(forms.Form):
    scans = MultipleFileField(
        label="补充扫描材料（可多选）", required=False, widget=MultipleFileInput(attrs=SCAN_TYPES)
    )


class JointRegisterForm(forms.Form):
    partner = forms.ModelChoiceField(label="属地中心（缴存地）", queryset=PartnerCenter.objects.filter(active=True))
    kind = forms.ChoiceField(label="办理事项", choices=JointKind.choices)
    name = forms.CharField(label="申请人姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    identity_checked = forms.BooleanField(label="已核验申请人身份证原件，与本人一致")
    phone = forms.RegexField(label="联系电话", regex=r"^1\d{10}$", error_messages={"invalid": "请输入11位手机号。"})
    amount = forms.DecimalField(label="申请提取金额（元）", max_digits=14, decimal_places=2, min_value=0.01)
    bank = forms.CharField(label="收款银行", max_length=30)
    card_number = forms.CharField(label="银行卡号码（本人Ⅰ类卡）", max_length=19)
    rent_region = forms.CharField(label="租房地区", max_length=30, required=False)
    rent_address = forms.CharField(label="租房地址", max_length=100, required=False)
    rent_year = forms.IntegerField(label="租房年度", required=False, min_value=2000, max_value=2100)
    rent_start_month = forms.IntegerField(label="起始月份", required=False, min_value=1, max_value=12)
    rent_end_month = forms.IntegerField(label="截止月份", required=False, min_value=1, max_value=12)
    monthly_rent = forms.DecimalField(
        label="月租金（元）", required=False, max_digits=10, decimal_places=2, min_value=0.01
    )
    scans = MultipleFileField(
        label="扫描材料（身份证、租房合同或借款合同、还款明细、银行卡等，可多选）", required=False
    )

    def to_request(self) -> joint.JointRequest:
        d = self.cleaned_data
        return joint.JointRequest(
            kind=d["kind"],
            name=d["name"].strip(),
            id_number=d["id_number"].strip().upper(),
            phone=d["phone"],
            amount=d["amount"],
            bank=d["bank"].strip(),
            card_number=d["card_number"].strip(),
            rent_region=d["rent_region"].strip(),
            rent_address=d["rent_address"].strip(),
            rent_year=d["rent_year"],
            rent_start_month=d["rent_start_month"],
            rent_end_month=d["rent_end_month"],
            monthly_rent=d["monthly_rent"],
        )


@admin.register(JointCase)
class JointCaseAdmin(CaseAdmin):
    list_display = ["number", "role", "kind", "name", "masked_id", "partner", "status", "deadline"]
    list_select_related = ["partner"]
    list_filter = [DeadlineFilter, "role", "status", "kind"]

    def has_add_permission(self, request):
        return self.may_handle(request)

    def add_view(self, request, form_url="", extra_context=None):
        """专窗受理: the registration form, then the case page with 打印受理回执 and 发送至属地中心."""
        if not self.may_handle(request):
            raise PermissionDenied
        form = JointRegisterForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                case = joint.joint_register(
                    partner=form.cleaned_data["partner"],
                    request=form.to_request(),
                    scans=request.FILES.getlist("scans"),
                    staff=request.user,
                )
            except DomainError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已受理，受理编号 {case.number}。请打印受理回执交申请人。")
                return redirect("admin:crosscenter_jointcase_change", case.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "form": form,
            "title": "专窗受理（两地联办）",
        }
        return TemplateResponse(request, "admin/crosscenter/joint_register.html", context)

    def rows(self, case):
        rows = [
            ("受理编号", case.number),
            ("本中心角色", case.get_role_display()),
            ("对方中心", case.partner),
            ("办理事项", case.get_kind_display()),
            ("申请人", case.name),
            ("身份证号", mask_id_number(case.id_number)),
            ("联系电话", case.phone),
            ("申请提取金额", f"{case.amount:,.2f} 元"),
            ("收款银行", f"{case.bank} {mask_card(case.card_number)}"),
        ]
        if case.kind == JointKind.RENT:
            rows.append(
                (
                    "租房",
                    f"{case.rent_region} {case.rent_address}，{case.rent_year}年{case.rent_start_month}–"
                    f"{case.rent_end_month}月，月租金 {case.monthly_rent} 元",
                )
            )
        rows.append(("状态", case.get_status_display()))
        if case.result_reason:
            rows.append(("审核意见", case.result_reason))
        if case.paid_amount:
            rows.append(("已到账", f"{case.paid_amount:,.2f} 元"))
        return rows

    def buttons(self, request, case):
        acceptance = case.role == Role.ACCEPTANCE
        return {
            "materials": case.materials.all(),
            "application": case.application,
            "can_send": acceptance and case.status in (JointStatus.REGISTERED, JointStatus.MATERIALS),
            "can_scan": acceptance and case.status in (JointStatus.REGISTERED, JointStatus.MATERIALS),
            "scan_form": ScanForm(),
            "receipt_url": reverse("admin:crosscenter_joint_receipt", args=[case.pk]) if acceptance else "",
            "result_url": reverse("admin:crosscenter_joint_result", args=[case.pk]) if case.is_final else "",
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/send/", view(self.send_view), name="crosscenter_joint_send"),
            path("<int:pk>/scan/", view(self.scan_view), name="crosscenter_joint_scan"),
            path("<int:pk>/receipt/", view(self.receipt_view), name="crosscenter_joint_receipt"),
            path("<int:pk>/result/", view(self.result_view), name="crosscenter_joint_result"),
        ] + super().get_urls()

    def send_view(self, request, pk):
        return self._run(
            request,
            pk,
            lambda: joint.joint_send(case_id=pk, staff=request.user),
            "已提交发送至属地中心：报文送达后对方开始审核，送达情况见办理记录。",
        )

    def scan_view(self, request, pk):
        case = get_object_or_404(JointCase, pk=pk, role=Role.ACCEPTANCE)

        def scan():
            joint.joint_scans_add(case_id=case.pk, scans=request.FILES.getlist("scans"))

        return self._run(request, pk, scan, "材料已扫描上传，请点击“发送至属地中心”。")

    def receipt_view(self, request, pk):
        case = get_object_or_404(JointCase, pk=pk, role=Role.ACCEPTANCE)
        if not self.has_view_permission(request, case):
            raise PermissionDenied
        return pdf_response(selectors.joint_receipt_pdf(case=case), f"受理回执-{case.number}.pdf")

    def result_view(self, request, pk):
        case = get_object_or_404(JointCase, pk=pk)
        if not self.has_view_permission(request, case) or not case.is_final:
            raise PermissionDenied
        return pdf_response(selectors.joint_result_pdf(case=case), f"办理回执-{case.number}.pdf")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=300, widget=forms.Textarea(attrs={"rows": 2}), required=False)


@admin.register(TransferCase)
class TransferCaseAdmin(CaseAdmin):
    list_display = ["letter_number", "direction", "name", "masked_id", "partner", "status", "deadline"]
    list_select_related = ["partner"]
    list_filter = [DeadlineFilter, "direction", "status"]
    search_fields = ["=letter_number", "=id_number", "=name"]

    def has_add_permission(self, request):
        return False

    def rows(self, case):
        rows = [
            ("联系函编号", case.letter_number),
            ("方向", case.get_direction_display()),
            ("对方中心", case.partner),
            ("姓名", case.name),
            ("身份证号", mask_id_number(case.id_number)),
            ("本中心个人账号", case.account.grzh if case.account else "未查到"),
            ("状态", case.get_status_display()),
        ]
        if case.remark:
            rows.append(("说明", case.remark))
        if case.total is not None:
            rows += [
                ("转移金额", f"{case.total:,.2f} 元（本金 {case.principal:,.2f}，利息 {case.interest:,.2f}）"),
                ("初缴年月 / 缴至年月", f"{case.opened_month or '-'} / {case.paid_to_month or '-'}"),
                (
                    "近6个月缴存",
                    "，".join(f"{m['month']}{'已缴' if m.get('paid') else '未缴'}" for m in case.continuity),
                ),
                ("公积金贷款笔数", case.loan_count),
            ]
        return rows

    def buttons(self, request, case):
        out = case.direction == TransferDirection.OUT
        checks = transfer.transfer_out_problem(case) if out and not case.is_final else None
        return {
            "can_review_out": out and case.status in (TransferStatus.LETTER_RECEIVED, TransferStatus.NEGOTIATING),
            "can_negotiate": out and case.status == TransferStatus.LETTER_RECEIVED,
            "can_cancel": not out and case.status == TransferStatus.LETTER_REVIEWED,
            "out_problem": checks,
            "reason_form": ReasonForm(),
        }

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review-out/", view(self.review_out_view), name="crosscenter_transfer_review_out"),
            path("<int:pk>/negotiate/", view(self.negotiate_view), name="crosscenter_transfer_negotiate"),
            path("<int:pk>/refuse/", view(self.refuse_view), name="crosscenter_transfer_refuse"),
            path("<int:pk>/cancel/", view(self.cancel_view), name="crosscenter_transfer_cancel"),
        ] + super().get_urls()

    def review_out_view(self, request, pk):
        return self._run(
            request, pk, lambda: transfer.transfer_out_review(case_id=pk, staff=request.user), "已审核转出。"
        )

    def negotiate_view(self, request, pk):
        reason = request.POST.get("reason", "")
        return self._run(
            request,
            pk,
            lambda: transfer.transfer_out_negotiate(case_id=pk, staff=request.user, reason=reason),
            "已发起协商。",
        )

    def refuse_view(self, request, pk):
        reason = request.POST.get("reason", "")
        return self._run(
            request,
            pk,
            lambda: transfer.transfer_out_refuse(case_id=pk, staff=request.user, reason=reason),
            "已通知转入地：转出审核不通过。",
        )

    def cancel_view(self, request, pk):
        reason = request.POST.get("reason", "") or "转入地撤销"
        return self._run(
            request,
            pk,
            lambda: transfer.transfer_cancel(case_id=pk, actor=request.user, reason=reason),
            "联系函已撤销。",
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = [
        "message_id", "partner", "kind", "case_number", "status", "attempts", "last_error", "created_at", "purged_at"
    ]  # fmt: skip
    list_select_related = ["partner"]
    list_filter = ["status", "kind"]
    search_fields = ["=case_number"]
    exclude = ["payload"]  # scans and personal data: the case pages show what staff need
    actions = ["resend"]

    @admin.action(description="重新发送所选报文")
    def resend(self, request, queryset):
        queued, refused = 0, []
        for message in queryset:
            try:
                message_resend(message_id=message.message_id)
            except DomainError as exc:
                refused.append(f"{message.case_number}：{exc}")
            else:
                queued += 1
        self.message_user(request, f"已将 {queued} 条报文重新排入发送队列，送达情况见状态列。")
        for text in refused:
            self.message_user(request, text, level=messages.ERROR)


@admin.register(InboxMessage)
class InboxMessageAdmin(ReadOnlyAdmin):
    list_display = ["message_id", "partner", "kind", "case_number", "received_at", "repeats"]
    list_select_related = ["partner"]
    list_filter = ["kind"]
    search_fields = ["=case_number"]
    exclude = ["payload"]
