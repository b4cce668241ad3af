from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from gjj_portal.access import depositor_required

from . import services
from .selectors import TABS, inbox_list, message_get_for_user

PAGE_SIZE = 10
# The four tabs of seed 004 chapter 2, as the page shows them: 我发起的 lists applications (the hall's page).
NAV = {"notices": "消息", "todos": "待办", "mine": "我发起的", "read": "已阅"}


def inbox_page(request, *, tab: str, source, title: str):
    """A tab of 消息中心: `source` paged, 10 a page, or 20 with 更多 (?more=1) through the whole history."""
    more = request.GET.get("more") == "1"
    page = Paginator(source, 20 if more else PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "messages_center/inbox.html", {"tab": tab, "tabs": NAV, "title": title, "page": page, "more": more}
    )


@depositor_required
def inbox(request, tab="notices"):
    """消息 / 待办 / 已阅."""
    return inbox_page(request, tab=tab, source=inbox_list(user=request.user, tab=tab), title=TABS[tab][0])


@depositor_required
def detail(request, public_id):
    message = message_get_for_user(user=request.user, public_id=public_id)
    return render(request, "messages_center/detail.html", {"message": message})


@require_POST
@depositor_required
def mark_read(request, public_id):
    message = message_get_for_user(user=request.user, public_id=public_id)
    services.message_mark_read(message=message)
    flash.success(request, "已标记为已阅")
    return redirect("messages_center:inbox")


@require_http_methods(["GET", "POST"])
@depositor_required
def delete(request, public_id):
    """删除 asks first (a page, not a pop-up): 确定删除 deletes, 取消 goes back to the list."""
    message = message_get_for_user(user=request.user, public_id=public_id)
    back = request.POST.get("back") or request.GET.get("back") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = ""  # only the portal's own pages, never another site
    if request.method == "GET":
        return render(request, "messages_center/delete.html", {"message": message, "back": back})
    services.message_delete(message=message)
    flash.success(request, "消息已删除")
    return redirect(back or "messages_center:inbox")
