from django.contrib import admin

from gjj_portal.admin import ReadOnlyAdmin

from .models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "business", "recipient", "created_at", "read_at", "done_at", "deleted_at"]
    list_filter = ["kind", "business"]
