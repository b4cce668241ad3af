"""The portal's own error pages: Chinese, in the portal's (or admin's) layout, with a way back.

Django's defaults are bare English pages ("Not Found", "403 Forbidden"); these replace them for 403,
404, 500 and a failed CSRF check. Admin paths get admin's layout and a link back to admin's index."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from .http import is_api, json_error

ERRORS = {
    400: ("请求无法处理", "您提交的内容无法识别，请返回上一页重新操作。"),
    403: ("没有权限", "您没有办理此项业务的权限。如需办理，请使用有权限的账号登录。"),
    404: ("页面不存在", "您访问的页面不存在或已被删除，请检查网址，或返回首页重新进入。"),
    "csrf": (
        "页面已过期",
        "为保护您的账户安全，本次提交未被受理：页面停留时间过长或已在别处退出登录。请返回上一页，刷新后重新提交。",
    ),
}


API_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", "csrf": "forbidden"}


def _error(request, key, status):
    title, text = ERRORS[key]
    if is_api(request):  # the API's one error shape, for what never reached one of its views
        return json_error(API_CODES[key], "未找到该接口或记录。" if status == 404 else text, status=status)
    context = {"error_title": title, "error_text": text, "status": status}
    if request.path.startswith("/" + settings.ADMIN_URL):
        context.update(admin.site.each_context(request), title=title)
        return render(request, "admin/error.html", context, status=status)
    return render(request, "error.html", context, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, 400)


def permission_denied(request, exception=None):
    return _error(request, 403, 403)


def page_not_found(request, exception=None):
    return _error(request, 404, 404)


def csrf_failure(request, reason=""):
    return _error(request, "csrf", 403)


def server_error(request):
    """500: rendered without context processors or the database, which may be what failed."""
    if is_api(request):
        return json_error("server_error", "系统繁忙，请稍后再试；如持续出现请拨打服务热线。", status=500)
    return HttpResponseServerError(loader.get_template("500.html").render())
