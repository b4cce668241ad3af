from django.contrib import admin

from accounts.validators import mask_id_number, mask_phone
from gjj_portal.admin import ReadOnlyAdmin

from .models import Employer, LedgerEntry, PersonalAccount


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
