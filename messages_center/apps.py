from django.apps import AppConfig


class MessagesCenterConfig(AppConfig):
    """消息/待办/我发起的/已阅 — built by the queries and messages issue."""

    name = "messages_center"
    verbose_name = "消息中心"
