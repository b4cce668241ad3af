from django import template

from crosscenter.selectors import cases_of_user

register = template.Library()


@register.simple_tag
def cross_cases_of(user) -> dict:
    """我发起的 (withdrawals' page) shows the person's 跨省通办 cases without that app importing this one."""
    return cases_of_user(user=user)
