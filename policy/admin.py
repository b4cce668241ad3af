from django import forms
from django.contrib import admin
from django.db import models

from gjj_portal.widgets import DateTimeSelect

from .center import policy_cache_clear
from .models import BusinessWindow, CalendarDay, CenterPolicy, InterestRate, LoanRate, Notice, PolicyBank
from .notices import notice_save


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


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """通知公告: staff publish (a date ahead publishes later), pin, or 撤下 — never delete: what was said stays."""

    list_display = ["title", "published_at", "pinned", "withdrawn", "author"]
    list_filter = ["pinned", "withdrawn"]
    search_fields = ["title"]
    readonly_fields = ["author"]
    # The time as lists in Chinese, each named (admin's split date/time pair carries no label of its own: axe;
    # a datetime-local input speaks the browser's language).
    formfield_overrides = {models.DateTimeField: {"form_class": forms.DateTimeField, "widget": DateTimeSelect}}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, DateTimeSelect):
            field.widget.years_ahead, field.widget.label = 1, str(field.label)
        return field

    def save_model(self, request, obj, form, change):
        notice_save(notice=obj, author=request.user)

    def has_delete_permission(self, request, obj=None):
        return False
