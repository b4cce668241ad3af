"""The center's password rule, for AUTH_PASSWORD_VALIDATORS. ID numbers and masking live in
gjj_portal.identity, which every app may import."""

import re

from django.core.exceptions import ValidationError


class PolicyPasswordValidator:
    """The center's password rule (Taiyuan default: 6–18 characters with both letters and digits)."""

    def validate(self, password, user=None):
        from policy.center import current_policy

        policy = current_policy()
        low, high = policy.password_min_length, policy.password_max_length
        if not low <= len(password) <= high:
            raise ValidationError(f"登录密码须为{low}–{high}位。", code="password_length")
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError("登录密码须同时包含字母和数字。", code="password_letters_digits")

    def get_help_text(self):
        return "6–18位，须同时包含字母和数字。"
