from django.contrib import admin

from accounts.audit import PersonDataAdmin
from gjj_portal.admin import ReadOnlyAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(PersonDataAdmin, ReadOnlyAdmin):
    def person_id_numbers(self, obj):
        return [obj.recipient.id_number] if obj.recipient.id_number else []

    list_display = ["title", "kind", "business", "recipient", "created_at", "read_at", "done_at", "deleted_at"]
    list_filter = ["kind", "business"]
