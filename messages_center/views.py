from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from gjj_portal.access import depositor_required
from gjj_portal.sql import read_for_page

from . import services
from .selectors import InboxList, initiated_by_read, message_get_for_user

TABS = {  # the tab's title, and whether it lists messages (我发起的 lists applications)
    "notices": ("消息", True),
    "todos": ("待办", True),
    "mine": ("我发起的", False),
    "read": ("已阅", True),
}
PAGE_SIZE = 10


@depositor_required
def inbox(request, tab="notices"):
    """The four lists of seed 004 chapter 2; 更多 (?more=1) pages through the whole history."""
    title, of_messages = TABS[tab]
    more = request.GET.get("more") == "1"
    size = 20 if more else PAGE_SIZE
    if of_messages:  # the page asked for is read with the header's numbers (one round trip); out of range, again
        source = InboxList(user=request.user, tab=tab)
        number = request.GET.get("page")
        number = int(number) if number and number.isdigit() and 0 < int(number) < 10**6 else 1
        read_for_page(request.user, source.read(start=(number - 1) * size, limit=size))
    else:
        (source,) = read_for_page(request.user, initiated_by_read(user=request.user))
    page = Paginator(source, size).get_page(request.GET.get("page"))
    return render(
        request, "messages_center/inbox.html", {"tab": tab, "tabs": TABS, "title": title, "page": page, "more": more}
    )


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
