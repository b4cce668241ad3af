from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .services import display_choice_carry

        user_logged_in.connect(display_choice_carry, dispatch_uid="accounts.display_choice_carry")
