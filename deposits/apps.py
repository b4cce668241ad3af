from django.apps import AppConfig


class DepositsConfig(AppConfig):
    name = "deposits"
    verbose_name = "缴存"

    def ready(self):
        from accounts.services import PASSWORD_SET_FOLLOWERS

        from .onboarding import first_login_todo_close

        if first_login_todo_close not in PASSWORD_SET_FOLLOWERS:
            PASSWORD_SET_FOLLOWERS.append(first_login_todo_close)
