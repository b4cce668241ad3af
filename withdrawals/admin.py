from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from accounts.validators import mask_card
from gjj_portal.admin import ReadOnlyAdmin

from . import services
from .forms import ReviewForm
from .models import Payout, Status, StatusChange, WithdrawalApplication


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WithdrawalApplication)
class WithdrawalApplicationAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "applicant_name", "amount", "status", "needs_materials", "submitted_at"]
    list_filter = ["status", "kind", "needs_materials", "submitted_at"]
    search_fields = ["number", "account__grzh", "account__name"]
    list_select_related = ["account"]
    date_hierarchy = "submitted_at"
    inlines = [StatusChangeInline]
    actions = ["approve_selected"]
    fields = [
        "number",
        "kind",
        "status",
        "applicant_name",
        "amount",
        "bank",
        "masked_card",
        "card_luhn_ok",
        "rental_info",
        "materials_links",
        "review_opinion",
        "reviewed_by",
        "reviewed_at",
        "submitted_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="申请人")
    def applicant_name(self, obj):
        return obj.account.name

    @admin.display(description="银行卡号码")
    def masked_card(self, obj):
        return mask_card(obj.card_number)

    @admin.display(description="租房信息")
    def rental_info(self, obj):
        r = getattr(obj, "rental", None)
        if r is None:
            return "-"
        return f"{r.region} {r.address}；{r.year}年{r.start_month}月至{r.end_month}月；月租金{r.monthly_rent}元"

    @admin.display(description="申请材料")
    def materials_links(self, obj):
        items = obj.materials.all()
        if not items:
            return "无"
        return format_html_join(
            " ",
            '<a href="{}" target="_blank">{}</a>',
            ((reverse("withdrawals:material_file", args=[m.public_id]), m.original_name) for m in items),
        )

    def get_urls(self):
        return [
            path("<int:pk>/review/", self.admin_site.admin_view(self.review_view), name="withdrawals_review"),
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and obj.status == Status.SUBMITTED and self._may_review(request):
            extra_context["review_url"] = reverse("admin:withdrawals_review", args=[obj.pk])
        return super().change_view(request, object_id, form_url, extra_context)

    def _may_review(self, request):
        return request.user.has_perm("withdrawals.review_withdrawal")

    def review_view(self, request, pk):
        """审核: approve or reject with 审批意见, through the services."""
        application = get_object_or_404(WithdrawalApplication, pk=pk)
        if not self._may_review(request):
            messages.error(request, "您没有审核权限。")
            return redirect("admin:withdrawals_withdrawalapplication_change", pk)
        form = ReviewForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            decision, opinion = form.cleaned_data["decision"], form.cleaned_data["opinion"]
            service = services.withdrawal_approve if decision == "approve" else services.withdrawal_reject
            try:
                service(application_id=pk, reviewer=request.user, opinion=opinion)
            except services.WithdrawalError as exc:
                messages.error(request, str(exc))
            else:
                verdict = "审核通过" if decision == "approve" else "审核不通过"
                messages.success(request, f"申请{application.number}已{verdict}。")
                return redirect("admin:withdrawals_withdrawalapplication_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "application": application,
            "form": form,
            "title": f"审核提取申请 {application.number}",
        }
        return TemplateResponse(request, "admin/withdrawals/review.html", context)

    @admin.action(description="审核通过所选申请", permissions=["review"])
    def approve_selected(self, request, queryset):
        approved = 0
        for application_id in queryset.values_list("pk", flat=True):
            try:
                services.withdrawal_approve(application_id=application_id, reviewer=request.user)
                approved += 1
            except services.WithdrawalError as exc:
                messages.error(request, str(exc))
        if approved:
            messages.success(request, f"已审核通过{approved}笔申请。")

    def has_review_permission(self, request):
        return self._may_review(request)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["application", "amount", "state", "attempts", "bank_reference", "updated_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in Payout._meta.fields if f.name != "card_number"] + ["masked_card"]
    exclude = ["card_number"]

    @admin.display(description="银行卡号码")
    def masked_card(self, obj):
        return mask_card(obj.card_number)
