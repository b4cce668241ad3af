import copy

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from accounts.audit import PersonDataAdmin
from deposits.selectors import account_ids
from gjj_portal.admin import GRZH, ID_NUMBER, NAME, ReadOnlyAdmin, ScaledAdmin, StatusHistoryInline
from gjj_portal.errors import DomainError
from gjj_portal.identity import mask_card
from policy.center import WorkingCalendar, current_policy, working_day_after

from . import applications
from .forms import LoanDecisionForm
from .models import (
    ApplicationStatus,
    CommercialLoan,
    Instalment,
    InstalmentChange,
    LoanApplication,
    LoanApplicationChange,
    LoanContract,
    LoanContractChange,
    LoanMaterial,
    ProgressNode,
    Repayment,
)
from .selectors import loan_workbench


class ProgressInline(admin.TabularInline):
    model = ProgressNode
    extra = 0
    can_delete = False
    readonly_fields = ["step", "position", "done_at"]

    def has_add_permission(self, request, obj=None):
        return False


class LoanContractChangeInline(StatusHistoryInline):
    model = LoanContractChange
    verbose_name_plural = "合同状态变更"


class InstalmentChangeInline(StatusHistoryInline):
    model = InstalmentChange
    fields = readonly_fields = ("at", "period", "from_status", "to_status", "reason")
    verbose_name_plural = "还款计划状态变更"


@admin.register(LoanContract)
class LoanContractAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.borrower.id_number, obj.co_borrower.id_number if obj.co_borrower_id else ""]

    list_display = [
        "contract_no",
        "borrower",
        "amount",
        "term_months",
        "annual_rate",
        "method",
        "status",
        "principal_balance",
    ]
    list_filter = ["status", "method"]
    search_fields = ["contract_no", "borrower__name", "borrower__grzh"]
    search_help_text = "输入完整的借款合同编号、借款人个人账号、身份证号或姓名。"
    search_routes = [
        (GRZH, lambda t: Q(borrower_id__in=account_ids(grzh=t)) | Q(contract_no=t)),
        (ID_NUMBER, lambda t: Q(borrower_id__in=account_ids(id_number=t))),
        (NAME, lambda t: Q(borrower_id__in=account_ids(name=t)) | Q(contract_no=t)),
    ]
    exclude = ["repay_card"]
    readonly_fields = ["masked_card"]
    inlines = [ProgressInline, LoanContractChangeInline, InstalmentChangeInline]

    @admin.display(description="扣款银行卡号")
    def masked_card(self, obj):
        return mask_card(obj.repay_card)


@admin.register(Instalment)
class InstalmentAdmin(ReadOnlyAdmin):
    list_display = ["contract", "period", "due_on", "payment", "principal", "interest", "status"]
    list_filter = ["status"]
    search_fields = ["contract__contract_no"]
    search_help_text = "输入完整的借款合同编号。"
    search_routes = [(r".+", lambda t: Q(contract_id__in=LoanContract.objects.filter(contract_no=t).values("pk")))]


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ["reference", "contract", "kind", "paid_on", "amount", "balance_after"]
    list_filter = ["kind"]


@admin.register(CommercialLoan)
class CommercialLoanAdmin(PersonDataAdmin, admin.ModelAdmin):
    def person_id_numbers(self, obj):
        return [obj.borrower.id_number]

    list_display = ["material_no", "borrower", "lender", "contract_no", "amount", "monthly_payment"]
    search_fields = ["material_no", "contract_no", "borrower__name"]


class LoanApplicationChangeInline(StatusHistoryInline):
    model = LoanApplicationChange
    verbose_name_plural = "办理记录"


class LoanQueueFilter(admin.SimpleListFilter):
    """我的待办: each role's step, oldest first."""

    title = "我的待办"
    parameter_name = "queue"
    QUEUES = {
        "accept": ("待受理", [ApplicationStatus.SUBMITTED]),
        "approve": ("待审批", [ApplicationStatus.ACCEPTED]),
        "sign": ("待签订合同 / 抵押登记", [ApplicationStatus.APPROVED, ApplicationStatus.SIGNED]),
        "release": ("待复核放款", [ApplicationStatus.MORTGAGED, ApplicationStatus.FAILED]),
    }

    def lookups(self, request, model_admin):
        return [(k, v[0]) for k, v in self.QUEUES.items()]

    def queryset(self, request, queryset):
        if self.value() in self.QUEUES:
            return queryset.filter(status__in=self.QUEUES[self.value()][1])
        return queryset


ENDED = (ApplicationStatus.DISBURSED, ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)

# Which step each action is, the permission it needs and the status it starts from.
STEPS = {
    "accept": ("loans.accept_loan", [ApplicationStatus.SUBMITTED]),
    "materials": ("loans.accept_loan", [ApplicationStatus.SUBMITTED]),
    "reject": ("loans.accept_loan", [ApplicationStatus.SUBMITTED]),
    "approve": ("loans.approve_loan", [ApplicationStatus.ACCEPTED]),
    "refuse": ("loans.approve_loan", [ApplicationStatus.ACCEPTED]),
    "sign": ("loans.sign_loan", [ApplicationStatus.APPROVED]),
    "mortgage": ("loans.sign_loan", [ApplicationStatus.SIGNED]),
    "release": ("loans.release_loan", [ApplicationStatus.MORTGAGED, ApplicationStatus.FAILED]),
}


@admin.register(LoanApplication)
class LoanApplicationAdmin(PersonDataAdmin, ScaledAdmin):
    """贷款申请 queue and workbench: 受理 → 审批 (another person) → 签订合同 / 抵押登记 → 复核放款 (a third)."""

    def person_id_numbers(self, obj):
        return [obj.account.id_number, obj.co_id_number]

    list_display = ["number", "applicant_name", "amount", "term_months", "status", "step_deadline", "submitted_at"]
    list_filter = [LoanQueueFilter, "status", "submitted_at"]
    search_fields = ["number"]
    search_help_text = "输入完整的申请编号、个人账号、身份证号或申请人姓名。"
    search_routes = [
        (r"DK\d{16}", lambda t: Q(number=t)),
        (GRZH, lambda t: Q(account_id__in=account_ids(grzh=t))),
        (ID_NUMBER, lambda t: Q(account_id__in=account_ids(id_number=t))),
        (NAME, lambda t: Q(account_id__in=account_ids(name=t))),
    ]
    list_select_related = ["account"]
    inlines = [LoanApplicationChangeInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_ordering(self, request):
        return ["submitted_at"] if request.GET.get("queue") else ["-submitted_at"]

    def changelist_view(self, request, extra_context=None):
        """The queue opens on this person's own step."""
        if request.method == "GET" and not request.GET:
            for queue, perm in (
                ("accept", "accept_loan"),
                ("approve", "approve_loan"),
                ("sign", "sign_loan"),
                ("release", "release_loan"),
            ):
                if request.user.has_perm(f"loans.{perm}"):
                    return redirect(f"{request.path}?queue={queue}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="申请人")
    def applicant_name(self, obj):
        return obj.account.name

    def get_changelist_instance(self, request):
        """The page's step deadlines on one calendar read once (the rows the template shows next)."""
        changelist = super().get_changelist_instance(request)
        rows = [a for a in changelist.result_list if a.status not in ENDED]
        if rows:
            days = current_policy().loan_step_days
            started = [timezone.localdate(a.updated_at) for a in rows]
            calendar = WorkingCalendar.around(min(started), max(started), days)
            for application, day in zip(rows, started, strict=True):
                application._due = calendar.after(day, days)
        return changelist

    @admin.display(description="本环节时限")
    def step_deadline(self, obj):
        if obj.status in ENDED:
            return "-"
        due = getattr(obj, "_due", None) or working_day_after(
            timezone.localdate(obj.updated_at), current_policy().loan_step_days
        )
        if due < timezone.localdate():
            return format_html('<strong style="color:#ba2121">已超期（{}）</strong>', due)
        return f"{due}"

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/act/", view(self.act_view), name="loans_application_act")] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, unquote(object_id))
        if application is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, application):
            raise PermissionDenied
        return self._workbench(request, application, LoanDecisionForm())

    def _workbench(self, request, application, form):
        can = {
            action: request.user.has_perm(perm) and application.status in statuses
            for action, (perm, statuses) in STEPS.items()
        }
        context = {
            **self.admin_site.each_context(request),
            **loan_workbench(application=application),
            "opts": self.opts,
            "application": application,
            "form": form,
            "can": can,
            "title": f"贷款申请 {application.number}",
            "act_url": reverse("admin:loans_application_act", args=[application.pk]),
            "today": timezone.localdate(),
            # 签订日期 and 登记日期 as 年 / 月 / 日 lists in Chinese (a date input spoke the browser's language)
            "sign_on": self._date_lists("签订日期", "sign-on"),
            "mortgage_on": self._date_lists("登记日期", "mortgage-on"),
        }
        return TemplateResponse(request, "admin/loans/workbench.html", context)

    @staticmethod
    def _date_lists(label: str, id_: str) -> str:
        widget = copy.deepcopy(LoanDecisionForm.base_fields["on"].widget)  # the field that reads them back
        widget.label = label
        return widget.render("on", timezone.localdate(), attrs={"id": id_})

    def act_view(self, request, pk):
        """One step, by a person who holds its permission, through the services."""
        application = get_object_or_404(LoanApplication, pk=pk)
        back = redirect("admin:loans_loanapplication_change", pk)
        if request.method != "POST":
            return back
        form = LoanDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请按提示填写后再提交。")
            return self._workbench(request, application, form)
        c = form.cleaned_data
        perm, _statuses = STEPS.get(c["action"], ("-", []))
        if not request.user.has_perm(perm):
            messages.error(request, "您没有办理这一环节的权限。")
            return back
        try:
            done = self._act(request.user, pk, c)
        except DomainError as exc:
            messages.error(request, str(exc))
            return self._workbench(request, LoanApplication.objects.get(pk=pk), form)
        messages.success(request, f"贷款申请{application.number}：{done}。")
        return redirect("admin:loans_loanapplication_changelist")

    def _act(self, staff, pk, c) -> str:
        opinion, on = c["opinion"], c["on"] or timezone.localdate()
        steps = {
            "accept": (lambda: applications.loan_accept(application_id=pk, staff=staff, opinion=opinion), "已受理"),
            "materials": (
                lambda: applications.loan_materials_request(application_id=pk, staff=staff, reason=opinion),
                "已通知申请人补件",
            ),
            "reject": (lambda: applications.loan_reject(application_id=pk, staff=staff, reason=opinion), "已驳回"),
            "approve": (
                lambda: applications.loan_approve(
                    application_id=pk,
                    staff=staff,
                    amount=c.get("amount"),
                    term_months=c["years"] * 12 if c.get("years") else None,
                    opinion=opinion,
                ),
                "审批通过",
            ),
            "sign": (
                lambda: applications.loan_contract_sign(
                    application_id=pk, staff=staff, contract_no=c["contract_no"], signed_on=on
                ),
                "已登记签订借款合同",
            ),
            "mortgage": (
                lambda: applications.loan_mortgage_record(
                    application_id=pk, staff=staff, on=on, certificate=c["certificate"]
                ),
                "已登记抵押",
            ),
            "release": (
                lambda: applications.loan_release(application_id=pk, staff=staff),
                "已复核放款，放款已提交银行",
            ),
        }
        steps["refuse"] = steps["reject"]
        act, done = steps[c["action"]]
        act()
        return done


@admin.register(LoanMaterial)
class LoanMaterialAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.application.account.id_number]

    list_display = ["application", "kind", "original_name", "content_type", "size", "uploaded_at"]
    exclude = ["file"]
