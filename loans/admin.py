from django.contrib import admin
from django.db.models import Q

from deposits.selectors import account_ids
from gjj_portal.admin import GRZH, ID_NUMBER, NAME, ReadOnlyAdmin, StatusHistoryInline
from gjj_portal.identity import mask_card

from .models import (
    CommercialLoan,
    Instalment,
    InstalmentChange,
    LoanContract,
    LoanContractChange,
    ProgressNode,
    Repayment,
)


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
class LoanContractAdmin(ReadOnlyAdmin):
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
class CommercialLoanAdmin(admin.ModelAdmin):
    list_display = ["material_no", "borrower", "lender", "contract_no", "amount", "monthly_payment"]
    search_fields = ["material_no", "contract_no", "borrower__name"]
