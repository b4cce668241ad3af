"""合作应用 registered by the center (the key is shown once, on saving a new one), the consents (read only),
and the record of partner calls (read only, never deleted)."""

from django import forms
from django.contrib import admin, messages

from accounts.audit import PersonDataAdmin
from gjj_portal.admin import ReadOnlyAdmin

from .models import ApiCall, PartnerApp, PartnerConsent, PartnerEndpoint
from .services import digest, partner_key_new, partner_key_renew


class PartnerAppForm(forms.ModelForm):
    grants = forms.MultipleChoiceField(
        label="可调用的接口", choices=PartnerEndpoint.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = PartnerApp
        fields = ("name", "organization", "grants", "rate_per_minute", "active")


@admin.register(PartnerApp)
class PartnerAppAdmin(admin.ModelAdmin):
    form = PartnerAppForm
    list_display = ("name", "organization", "client_id", "key_hint", "rate_per_minute", "active", "created_at")
    actions = ["renew_key"]

    def get_fields(self, request, obj=None):
        shown = ["name", "organization", "grants", "rate_per_minute", "active"]
        return shown + (["client_id", "key_hint", "created_at"] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        return ("client_id", "key_hint", "created_at") if obj else ()

    def save_model(self, request, obj, form, change):
        if not change:
            key = partner_key_new()
            obj.key_digest, obj.key_hint = digest(key), key[-4:]
            super().save_model(request, obj, form, change)
            messages.warning(request, f"应用密钥（只显示这一次，请安全交给对方）：{key}")
            return
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="重新生成所选应用的密钥（旧密钥立即失效）")
    def renew_key(self, request, queryset):
        for app in queryset:
            key = partner_key_renew(app=app)
            messages.warning(request, f"{app.name} 的新密钥（只显示这一次）：{key}")


@admin.register(PartnerConsent)
class PartnerConsentAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.user.id_number]

    list_display = ("app", "user", "granted_at", "withdrawn_at", "channel")
    list_filter = ("app",)
    search_fields = ("user__id_number",)


@admin.register(ApiCall)
class ApiCallAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.user.id_number if obj.user_id else ""]

    list_display = ("at", "app", "user", "endpoint", "status_code", "address")
    list_filter = ("app", "endpoint")
    search_fields = ("user__id_number",)
    date_hierarchy = "at"
