from django.contrib import admin

from .models import BusinessWindow, CalendarDay, CenterPolicy, InterestRate, LoanRate, PolicyBank
from .policy import policy_cache_clear


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only services write (ledger, payouts): admin shows them, never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StatusHistoryInline(admin.TabularInline):
    """An entity's status-change rows (at, from, to, who, why), read only; subclasses name the model."""

    extra = 0
    can_delete = False
    fields = ["at", "from_status", "to_status", "actor", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PolicyBankInline(admin.TabularInline):
    model = PolicyBank
    extra = 1


class BusinessWindowInline(admin.TabularInline):
    model = BusinessWindow
    extra = 0


class InterestRateInline(admin.TabularInline):
    model = InterestRate
    extra = 0


class LoanRateInline(admin.TabularInline):
    model = LoanRate
    extra = 0


@admin.register(CenterPolicy)
class CenterPolicyAdmin(admin.ModelAdmin):
    list_display = ["center_name", "code", "local_region", "rent_monthly_cap", "updated_at"]
    inlines = [PolicyBankInline, BusinessWindowInline, InterestRateInline, LoanRateInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Inlines are saved after the policy row: clear only once everything is written.
        policy_cache_clear()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        policy_cache_clear()


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "note"]
    list_filter = ["is_working_day"]
