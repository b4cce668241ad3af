from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Q

from gjj_portal.admin import ID_NUMBER, NAME, PHONE, ReadOnlyAdmin, ScaledAdmin
from gjj_portal.identity import mask_id_number, mask_phone

from .audit import PersonDataAdmin
from .models import AccessRecord, SmsDelivery, SmsOutbox, User


@admin.register(User)
class UserAdmin(PersonDataAdmin, ScaledAdmin, BaseUserAdmin):
    def person_id_numbers(self, obj):
        return [obj.id_number]

    list_display = ["username", "full_name", "role", "masked_id_number", "masked_phone", "is_staff", "is_active"]
    # 用户类型 is indexed with the user name; 工作人员 are the 中心工作人员 type.
    list_filter = ["role"]
    search_fields = ["username", "full_name", "id_number", "phone"]
    search_help_text = "输入完整的用户名、身份证号、手机号或姓名。"
    search_routes = [
        (ID_NUMBER, lambda t: Q(id_number=t) | Q(username=t)),
        (PHONE, lambda t: Q(phone=t) | Q(username=t)),
        (NAME, lambda t: Q(full_name=t) | Q(username__in=[t, t.lower()])),
    ]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("公积金", {"fields": ("role", "full_name", "id_number", "phone")}))

    @admin.display(description="身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number) if obj.id_number else "-"

    @admin.display(description="手机号")
    def masked_phone(self, obj):
        return mask_phone(obj.phone) if obj.phone else "-"


@admin.register(SmsOutbox)
class SmsOutboxAdmin(admin.ModelAdmin):
    """The development SMS backend's outbox: where a developer or a demo reads the codes."""

    list_display = ["created_at", "masked", "text"]
    readonly_fields = ["phone", "text", "created_at"]

    @admin.display(description="手机号")
    def masked(self, obj):
        return mask_phone(obj.phone)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessRecord)
class AccessRecordAdmin(ReadOnlyAdmin):
    """个人信息查询记录 for the center's auditors: search by the person's ID number or the viewer's login name.
    Nobody edits or deletes a row (the trigger refuses it even outside admin)."""

    list_display = ["at", "masked_id_number", "office", "viewer", "channel", "what", "address"]
    list_filter = ["channel", "at"]
    search_fields = ["id_number", "viewer__username"]
    search_help_text = "输入被查询人的完整身份证号，或查询人（工作人员）的用户名。"
    search_routes = [
        (ID_NUMBER, lambda t: Q(id_number=t)),
        (r".{1,150}", lambda t: Q(viewer__username__in=[t, t.lower()])),
    ]
    list_select_related = ["viewer"]
    ordering = ["-at"]

    @admin.display(description="被查询人身份证号")
    def masked_id_number(self, obj):
        return mask_id_number(obj.id_number)


@admin.register(SmsDelivery)
class SmsDeliveryAdmin(ReadOnlyAdmin):
    """The SMS provider's answer to each message (accepted with its receipt number, or its error code)."""

    list_display = ["created_at", "provider", "masked", "state", "provider_message_id", "error_code", "attempts"]
    list_filter = ["provider", "state"]
    search_fields = ["phone"]
    search_help_text = "输入完整的手机号。"
    search_routes = [(PHONE, lambda t: Q(phone=t))]
    ordering = ["-created_at"]

    @admin.display(description="手机号")
    def masked(self, obj):
        return mask_phone(obj.phone)
