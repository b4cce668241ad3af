from django.contrib import messages as flash
from django.core.paginator import Page, Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from gjj_portal.access import depositor_required
from gjj_portal.cache import person_reads

from . import services
from .selectors import TABS, inbox_counts, inbox_list, message_get_for_user

PAGE_SIZE = 10
# The four tabs of seed 004 chapter 2, as the page shows them: 我发起的 lists applications (the hall's page).
NAV = {"notices": "消息", "todos": "待办", "mine": "我发起的", "read": "已阅"}


def inbox_page(request, *, tab: str, source, title: str):
    """A tab of 消息中心: `source` paged, 10 a page, or 20 with 更多 (?more=1) through the whole history; the
    page asked for and the header's counts come from the person's cache (gjj_portal/cache.py)."""
    more = request.GET.get("more") == "1"
    size = 20 if more else PAGE_SIZE
    asked = request.GET.get("page") or "1"
    asked = asked if asked.isdigit() and len(asked) < 7 else "1"  # anything else is page 1, as get_page says
    found = person_reads(
        request.user.pk,
        inbox=lambda: inbox_counts(user=request.user),
        **{f"{tab}:{size}:{asked}": lambda: _page_rows(source, size, asked)},
    )
    count, number, rows = found[f"{tab}:{size}:{asked}"]
    page = Page(rows, number, Paginator(range(count), size))
    context = {"tab": tab, "tabs": NAV, "title": title, "page": page, "more": more, "inbox": found["inbox"]}
    return render(request, "messages_center/inbox.html", context)


def _page_rows(source, size: int, asked: str) -> tuple[int, int, list]:
    """(how many in all, the page's number, its rows) of `source` paged by `size`, the page asked for read."""
    page = Paginator(source, size).get_page(asked)
    return page.paginator.count, page.number, list(page.object_list)


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
