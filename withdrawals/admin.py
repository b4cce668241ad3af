from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from accounts.audit import PersonDataAdmin
from deposits.selectors import account_ids
from gjj_portal.admin import GRZH, ID_NUMBER, NAME, ReadOnlyAdmin, ScaledAdmin, StatusHistoryInline
from gjj_portal.errors import DomainError
from gjj_portal.identity import mask_card
from policy.center import current_policy, working_day_after

from . import payouts, review
from .forms import ReviewForm
from .models import (
    Payout,
    PayoutChange,
    StandingInstruction,
    StandingInstructionChange,
    StandingRun,
    Status,
    StatusChange,
    WithdrawalApplication,
)
from .workbench import review_deadline, review_deadlines, review_workbench


class StatusChangeInline(StatusHistoryInline):
    model = StatusChange


class AmountFilter(admin.SimpleListFilter):
    title = "提取金额"
    parameter_name = "amount"
    BANDS = {
        "lt10k": ("1万元以下", 0, 10_000),
        "10k-50k": ("1万–5万元", 10_000, 50_000),
        "gt50k": ("5万元以上", 50_000, None),
    }

    def lookups(self, request, model_admin):
        return [(k, v[0]) for k, v in self.BANDS.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.BANDS:
            return queryset
        _label, low, high = self.BANDS[self.value()]
        queryset = queryset.filter(amount__gte=low)
        return queryset.filter(amount__lt=high) if high else queryset


class OverdueFilter(admin.SimpleListFilter):
    title = "审核时限"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "已超期"), ("no", "未超期")]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        # Submissions before this day have waited more than the policy's working days.
        cutoff = working_day_after(timezone.localdate(), -current_policy().review_sla_days)
        waiting = queryset.filter(status=Status.SUBMITTED)
        return (
            waiting.filter(submitted_at__date__lt=cutoff)
            if self.value() == "yes"
            else waiting.filter(submitted_at__date__gte=cutoff)
        )


class QueueFilter(admin.SimpleListFilter):
    """我的待办: what this person has to do next, oldest (nearest its deadline) first."""

    title = "我的待办"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", "待审核（初审）"), ("release", "待复核放款")]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Status.SUBMITTED)
        if self.value() == "release":
            return queryset.filter(status=Status.APPROVED, payout__status=Payout.State.HELD)
        return queryset


@admin.register(WithdrawalApplication)
class WithdrawalApplicationAdmin(PersonDataAdmin, ScaledAdmin):
    def person_id_numbers(self, obj):
        return [obj.account.id_number]

    list_display = [
        "number",
        "kind_with_code",
        "applicant_name",
        "amount",
        "status",
        "payout_state",
        "deadline",
        "submitted_at",
    ]
    # No date_hierarchy: its year and month links cost a scan of every application; 提交时间 filters.
    list_filter = [QueueFilter, "status", "kind", OverdueFilter, AmountFilter, "submitted_at"]
    search_fields = ["number", "account__grzh", "account__name"]
    search_help_text = "输入完整的申请编号、个人账号、身份证号或申请人姓名。"
    search_routes = [
        (r"TQ\d{16}", lambda t: Q(number=t)),
        (GRZH, lambda t: Q(account_id__in=account_ids(grzh=t))),
        (ID_NUMBER, lambda t: Q(account_id__in=account_ids(id_number=t))),
        (NAME, lambda t: Q(account_id__in=account_ids(name=t))),
    ]
    list_select_related = ["account", "payout"]
    inlines = [StatusChangeInline]
    actions = ["approve_selected", "release_selected"]
    fields = readonly_fields = (
        "number",
        "kind",
        "status",
        "applicant_name",
        "amount",
        "bank",
        "masked_card",
        "card_luhn_ok",
        "type_details",
        "materials_inline",
        "review_opinion",
        "reviewed_by",
        "reviewed_at",
        "submitted_at",
        "payout_state",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="提取类型（提取原因代码）", ordering="kind")
    def kind_with_code(self, obj):
        return f"{obj.get_kind_display()}（{obj.reason_code}）"

    @admin.display(description="审核时限")
    def deadline(self, obj):
        if obj.status != Status.SUBMITTED:
            return "-"
        due = getattr(obj, "_deadline", None) or review_deadline(application=obj)
        if due.overdue:
            return format_html(
                '<strong style="color:#ba2121">已超期 {} 个工作日（{}）</strong>', -due.days_left, due.due_on
            )
        return f"{due.due_on}（剩余 {due.days_left} 个工作日）"

    def changelist_view(self, request, extra_context=None):
        """The queue opens on this person's own pending work: 初审 on 待审核, 复核/财务 on 待复核放款."""
        if request.method == "GET" and not request.GET:
            if self.has_review_permission(request):
                return redirect(request.path + "?queue=review")
            if self.has_release_permission(request):
                return redirect(request.path + "?queue=release")
        return super().changelist_view(request, extra_context)

    def get_changelist_instance(self, request):
        """The page's deadlines on one calendar (the rows are the ones the template shows next)."""
        changelist = super().get_changelist_instance(request)
        rows = [a for a in changelist.result_list if a.status == Status.SUBMITTED]
        for application, due in zip(rows, review_deadlines(applications=rows), strict=True):
            application._deadline = due
        return changelist

    def get_ordering(self, request):
        return ["submitted_at"] if request.GET.get("queue") else ["-created_at"]

    @admin.display(description="申请人")
    def applicant_name(self, obj):
        return obj.account.name

    @admin.display(description="付款")
    def payout_state(self, obj):
        payout = getattr(obj, "payout", None)
        return payout.get_status_display() if payout else "-"

    @admin.display(description="银行卡号码")
    def masked_card(self, obj):
        return mask_card(obj.card_number)

    @admin.display(description="业务信息")
    def type_details(self, obj):
        r = getattr(obj, "rental", None)
        if r is not None:
            return f"{r.region} {r.address}；{r.year}年{r.start_month}月至{r.end_month}月；月租金{r.monthly_rent}元"
        if obj.commercial_loan_id:
            loan = obj.commercial_loan
            return f"商贷 {loan.lender} {loan.contract_no}（材料号{loan.material_no}），月还款{loan.monthly_payment}元"
        if obj.loan_contract_id:
            return f"公积金贷款合同 {obj.loan_contract.contract_no}"
        if obj.closes_account:
            before = obj.account_status_before or obj.account.get_status_display()
            return f"销户类提取：账户余额及利息全部提取（销户前状态：{before}）"
        return "-"

    @admin.display(description="申请材料")
    def materials_inline(self, obj):
        items = obj.materials.all()
        if not items:
            return "无"

        def preview(m):
            url = reverse("withdrawals:material_file", args=[m.public_id])
            if m.content_type.startswith("image/"):
                return format_html(
                    '<a href="{}" target="_blank"><img src="{}" alt="{}" style="max-height:160px;'
                    'margin:4px;border:1px solid #ccc"></a>',
                    url,
                    url,
                    m.original_name,
                )
            return format_html('<a href="{}" target="_blank">{}（PDF）</a>', url, m.original_name)

        return format_html_join(" ", "{}", ((preview(m),) for m in items))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", view(self.review_view), name="withdrawals_review"),
            path("<int:pk>/release/", view(self.release_view), name="withdrawals_release"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The application's page is the reviewer's workbench, with 审核 and 复核放款 on it."""
        application = self.get_object(request, unquote(object_id))
        if application is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, application):
            raise PermissionDenied
        return self._workbench(request, application, ReviewForm())

    def _workbench(self, request, application, form):
        payout = getattr(application, "payout", None)
        context = {
            **self.admin_site.each_context(request),
            **review_workbench(application=application),
            "opts": self.opts,
            "application": application,
            "form": form,
            "title": f"提取申请 {application.number}",
            "masked_card": mask_card(application.card_number),
            "type_details": self.type_details(application),
            "can_review": application.status == Status.SUBMITTED and self.has_review_permission(request),
            "can_release": payout is not None
            and payout.status == Payout.State.HELD
            and self.has_release_permission(request),
            "review_url": reverse("admin:withdrawals_review", args=[application.pk]),
            "release_url": reverse("admin:withdrawals_release", args=[application.pk]),
        }
        return TemplateResponse(request, "admin/withdrawals/workbench.html", context)

    def has_review_permission(self, request):
        return request.user.has_perm("withdrawals.review_withdrawal")

    def has_release_permission(self, request):
        return request.user.has_perm("withdrawals.release_payout")

    def review_view(self, request, pk):
        """审核: approve, reject or ask for materials, with 审批意见, through the services."""
        application = get_object_or_404(WithdrawalApplication, pk=pk)
        if not self.has_review_permission(request):
            messages.error(request, "您没有审核权限。")
            return redirect("admin:withdrawals_withdrawalapplication_change", pk)
        if request.method != "POST":
            return redirect("admin:withdrawals_withdrawalapplication_change", pk)
        form = ReviewForm(request.POST)
        if form.is_valid():
            decision, opinion = form.cleaned_data["decision"], form.cleaned_data["opinion"]
            try:
                if decision == "approve":
                    review.withdrawal_approve(application_id=pk, reviewer=request.user, opinion=opinion)
                elif decision == "reject":
                    review.withdrawal_reject(application_id=pk, reviewer=request.user, opinion=opinion)
                else:
                    review.withdrawal_request_materials(application_id=pk, reviewer=request.user, reason=opinion)
            except DomainError as exc:
                messages.error(request, str(exc))
            else:
                verdict = dict(form.fields["decision"].choices)[decision]
                messages.success(request, f"申请{application.number}：{verdict}。")
                return redirect("admin:withdrawals_withdrawalapplication_changelist")
        application.refresh_from_db()
        return self._workbench(request, application, form)

    def release_view(self, request, pk):
        """复核放款: a second person, with the release permission, lets the payout go."""
        if request.method != "POST" or not self.has_release_permission(request):
            messages.error(request, "您没有复核放款权限。")
            return redirect("admin:withdrawals_withdrawalapplication_change", pk)
        try:
            review.payout_release(application_id=pk, releaser=request.user)
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已复核放款，付款已提交银行。")
        return redirect("admin:withdrawals_withdrawalapplication_change", pk)

    @admin.action(description="审核通过所选申请", permissions=["review"])
    def approve_selected(self, request, queryset):
        self._each(
            request,
            queryset,
            lambda pk: review.withdrawal_approve(application_id=pk, reviewer=request.user),
            "审核通过",
        )

    @admin.action(description="复核放款所选申请", permissions=["release"])
    def release_selected(self, request, queryset):
        released = self._each(
            request,
            queryset,
            lambda pk: review.payout_release(application_id=pk, releaser=request.user, send=False),
            "复核放款",
        )
        payouts.payouts_enqueue(payout_ids=[payout.pk for payout in released])

    def _each(self, request, queryset, action, verb) -> list:
        done = []
        for application_id in queryset.values_list("pk", flat=True):
            try:
                done.append(action(application_id))
            except DomainError as exc:
                messages.error(request, str(exc))
        if done:
            messages.success(request, f"已{verb}{len(done)}笔申请。")
        return done


class PayoutChangeInline(StatusHistoryInline):
    model = PayoutChange
    verbose_name_plural = "付款状态变更"


@admin.register(Payout)
class PayoutAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.application.account.id_number]

    list_display = ["application", "amount", "status", "attempts", "released_by", "bank_reference", "updated_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Payout._meta.fields if f.name != "card_number"] + ["masked_card"]
    exclude = ["card_number"]
    inlines = [PayoutChangeInline]

    @admin.display(description="银行卡号码")
    def masked_card(self, obj):
        return mask_card(obj.card_number)


class StandingChangeInline(StatusHistoryInline):
    model = StandingInstructionChange
    verbose_name_plural = "协议状态变更"


class StandingRunInline(admin.TabularInline):
    model = StandingRun
    extra = 0
    can_delete = False
    fields = readonly_fields = ("month", "outcome", "amount", "application", "reason", "ran_at")
    verbose_name_plural = "按月执行记录"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StandingInstruction)
class StandingInstructionAdmin(PersonDataAdmin, ReadOnlyAdmin):
    """委托提取协议: signed and cancelled by depositors, run monthly by the system; staff read them."""

    def person_id_numbers(self, obj):
        return [obj.account.id_number]

    list_display = ["number", "account", "kind", "status", "bank", "masked_card", "signed_at", "cancelled_at"]
    list_filter = ["kind", "status"]
    search_fields = ["number"]
    # Not the row's id or UUID (internal, and unlabelled in Chinese); the card only masked.
    readonly_fields = [
        f.name for f in StandingInstruction._meta.fields if f.name not in ("id", "public_id", "card_number")
    ] + ["masked_card"]
    exclude = ["card_number", "public_id"]
    inlines = [StandingRunInline, StandingChangeInline]

    @admin.display(description="银行卡号码")
    def masked_card(self, obj):
        return mask_card(obj.card_number)
