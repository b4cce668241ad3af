from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "应用接口（App 渠道与合作应用）"
