"""The pages that show several apps' data: the home page (个人任务管理, 我的公积金, 我的贷款) and 我发起的.
What they read is kept in the person's cache until a service changes it (gjj_portal/cache.py)."""

from functools import cache

from django.shortcuts import render
from django.template.loader import render_to_string

from crosscenter.selectors import cases_of_user
from deposits.selectors import account_or_404, account_recent_entries
from gjj_portal.access import depositor_required
from gjj_portal.cache import person_reads
from loans.models import APPLICATION_OPEN, LoanStatus
from loans.selectors import applications_of_user as loan_applications_of_user
from loans.selectors import loans_overview
from messages_center.selectors import inbox_counts, messages_open_newest
from messages_center.views import inbox_page
from withdrawals.selectors import applications_of_user


@depositor_required
def home(request):
    """The home page of seed 004 §1.3: 个人任务管理 on top, 我的公积金 and 我的贷款 below; in 长辈版 the
    most used services as large tiles first. The person's parts (tasks, loans, recent entries) are kept as
    HTML in the person's cache; the account's own figures come with the person on every request."""
    user, account = request.user, account_or_404(request.user)
    counted = cache(lambda: inbox_counts(user=user))  # the header's and 个人任务管理's, read once when both miss
    # The person's 贷款申请 (none or a few): 我发起的's number and 我的贷款's open application, read once.
    loan_applications = cache(lambda: list(loan_applications_of_user(user=user)))

    def tasks():
        newest = messages_open_newest(user=user)
        mine = applications_of_user(user=user).count() + len(loan_applications())
        counts = {**counted(), "mine": mine}
        todos = [m for m in newest if m.kind == m.Kind.TODO]
        notices = [m for m in newest if m.kind == m.Kind.NOTICE]
        return render_to_string(
            "hall/_home_tasks.html", {"tasks": {"counts": counts, "todos": todos, "notices": notices}}
        )

    def loans():
        rows = loans_overview(user=user)
        applying = next(
            (a for a in loan_applications() if a.contract_id is None and a.status in APPLICATION_OPEN), None
        )
        # 贷款申请 is offered to whoever has neither an application under way nor a loan not yet settled.
        may_apply = applying is None and all(row["contract"].status == LoanStatus.SETTLED for row in rows)
        context = {"loans": rows, "applying": applying, "may_apply": may_apply}
        return render_to_string("hall/_home_loans.html", context)

    def entries():
        return render_to_string(
            "deposits/_entries_table.html", {"entries": account_recent_entries(account=account, limit=5)}
        )

    # Names are the person's, across pages: the home page's parts are its own (贷款信息 keeps "loans" as rows).
    found = person_reads(user.pk, inbox=counted, home_tasks=tasks, home_loans=loans, home_entries=entries)
    parts = {"tasks": found["home_tasks"], "loans": found["home_loans"], "entries": found["home_entries"]}
    context = {"account": account, "inbox": found["inbox"], "parts": parts}  # the header shows the same numbers
    return render(request, "home.html", context)


@depositor_required
def mine(request):
    """我发起的: the person's withdrawal and loan applications and their 跨省通办 cases."""
    user = request.user
    found = person_reads(
        user.pk,
        inbox=lambda: inbox_counts(user=user),
        applications=lambda: list(applications_of_user(user=user)),
        cross=lambda: cases_of_user(user=user),
        loan_applications=lambda: list(loan_applications_of_user(user=user)),
    )
    return render(request, "withdrawals/mine.html", found)


@depositor_required
def messages_mine(request):
    """消息中心 → 我发起的: the person's applications, paged like the other tabs."""
    return inbox_page(request, tab="mine", source=applications_of_user(user=request.user), title="我发起的")
