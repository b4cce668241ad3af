from django.contrib import admin, messages

from accounts.validators import mask_id_number, mask_phone
from gjj_portal.admin import ReadOnlyAdmin, StatusHistoryInline

from . import remittance
from .models import Employer, LedgerEntry, PersonalAccount, RemittanceBatch, RemittanceBatchChange


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["dwzh", "name", "region", "status"]
    search_fields = ["dwzh", "name", "credit_code"]


@admin.register(PersonalAccount)
class PersonalAccountAdmin(ReadOnlyAdmin):
    list_display = ["grzh", "name", "masked_id_number", "masked_phone", "employer", "status", "balance"]
    list_filter = ["status", "employer"]
    search_fields = ["grzh", "name", "id_number"]
    exclude = ["id_number", "phone"]
    readonly_fields = ["masked_id_number", "masked_phone"]

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)

    @admin.display(description="预留手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["account", "kind", "amount", "balance_after", "occurred_on", "reference"]
    list_filter = ["kind"]
    search_fields = ["account__grzh", "reference"]
    list_select_related = ["account"]


class RemittanceBatchChangeInline(StatusHistoryInline):
    model = RemittanceBatchChange


@admin.register(RemittanceBatch)
class RemittanceBatchAdmin(ReadOnlyAdmin):
    """Employers' lists: finance confirms 到账 when the employer's money is in, which posts the list."""

    list_display = ["employer", "kind", "period", "rows", "total", "status", "declared_at", "funded_at", "posted_at"]
    list_filter = ["status", "kind"]
    search_fields = ["employer__dwzh", "employer__name", "period"]
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
            except (remittance.EmployerError, remittance.ListRejected) as exc:
                detail = "；".join(f"第{e.row}行{e.field}：{e.reason}" for e in getattr(exc, "errors", [])) or str(exc)
                messages.error(request, f"清册未入账：{detail}")
        if done:
            messages.success(request, f"已确认到账并入账{done}份清册。")
