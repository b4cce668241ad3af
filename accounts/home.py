"""The depositor's home page (首页). It shows every app's part of a person's business, so it lives in
accounts, the app that lets the person in and may depend on the others; deposits and loans do not
import each other for it."""

from django.http import Http404
from django.shortcuts import render

from deposits.selectors import account_recent_entries_read
from gjj_portal.access import depositor_required
from gjj_portal.sql import read_for_page
from loans.selectors import NO_LOAN, loans_overview_read
from messages_center.selectors import home_tasks_read


@depositor_required
def home(request):
    """The home page of seed 004 §1.3: 个人任务管理 on top, 我的公积金 and 我的贷款 below; in 长辈版 the
    most used services as large tiles first."""
    account = getattr(request.user, "account", None)
    if account is None:
        raise Http404
    tasks, loans, entries = read_for_page(  # with the header's numbers: one round trip
        request.user,
        home_tasks_read(user=request.user),
        loans_overview_read(user=request.user),
        account_recent_entries_read(account=account, limit=5),
    )
    context = {"account": account, "tasks": tasks, "loans": loans, "no_loan": NO_LOAN, "entries": entries}
    return render(request, "home.html", context)
