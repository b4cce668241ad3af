import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class MessageQuerySet(models.QuerySet):
    def of_user(self, user):
        return self.filter(recipient=user, deleted_at__isnull=True)

    def unread_notices(self):
        return self.filter(kind=Message.Kind.NOTICE, read_at__isnull=True)

    def read_notices(self):
        return self.filter(kind=Message.Kind.NOTICE, read_at__isnull=False)

    def open_todos(self):
        return self.filter(kind=Message.Kind.TODO, done_at__isnull=True)


class Message(models.Model):
    """消息 (a notice pushed to the depositor) or 待办 (something the depositor must do)."""

    class Kind(models.TextChoices):
        NOTICE = "notice", "消息"
        TODO = "todo", "待办"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox", verbose_name="接收人"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.NOTICE)
    business = models.CharField("业务名称", max_length=30)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("消息内容")
    channel = models.CharField("发送渠道", max_length=20, default="网上服务大厅")
    link = models.CharField("办理链接", max_length=200, blank=True)
    key = models.CharField("待办标识", max_length=80, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    done_at = models.DateTimeField("办结时间", null=True, blank=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "消息"
        verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "kind", "read_at"])]
        constraints = [
            # At most one open 待办 per thing to do.
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=Q(kind="todo", done_at__isnull=True),
                name="message_one_open_todo_per_key",
            )
        ]

    def __str__(self):
        return self.title
