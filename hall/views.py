"""The pages that show several apps' data: the home page (个人任务管理, 我的公积金, 我的贷款) and 我发起的."""

from django.shortcuts import render

from crosscenter.selectors import cases_of_user
from deposits.selectors import account_or_404, account_recent_entries
from gjj_portal.access import depositor_required
from loans.selectors import NO_LOAN, loans_overview
from messages_center.selectors import inbox_counts, messages_open_newest
from messages_center.views import inbox_page
from withdrawals.selectors import applications_of_user


@depositor_required
def home(request):
    """The home page of seed 004 §1.3: 个人任务管理 on top, 我的公积金 and 我的贷款 below; in 长辈版 the
    most used services as large tiles first."""
    account = account_or_404(request.user)
    counts = inbox_counts(user=request.user)  # the header shows the same numbers
    newest = messages_open_newest(user=request.user)
    tasks = {
        "counts": {**counts, "mine": applications_of_user(user=request.user).count()},
        "todos": [m for m in newest if m.kind == m.Kind.TODO],
        "notices": [m for m in newest if m.kind == m.Kind.NOTICE],
    }
    context = {
        "account": account,
        "inbox": counts,
        "tasks": tasks,
        "loans": loans_overview(user=request.user),
        "no_loan": NO_LOAN,
        "entries": account_recent_entries(account=account, limit=5),
    }
    return render(request, "home.html", context)


@depositor_required
def mine(request):
    """我发起的: the person's applications and their 跨省通办 cases."""
    context = {"applications": applications_of_user(user=request.user), "cross": cases_of_user(user=request.user)}
    return render(request, "withdrawals/mine.html", context)


@depositor_required
def messages_mine(request):
    """消息中心 → 我发起的: the person's applications, paged like the other tabs."""
    return inbox_page(request, tab="mine", source=applications_of_user(user=request.user), title="我发起的")
