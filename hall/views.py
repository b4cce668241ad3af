"""The pages that show several apps' data: the home page (个人任务管理, 我的公积金, 我的贷款) and 我发起的.
What they read is kept in the person's cache until a service changes it (gjj_portal/cache.py)."""

from functools import cache

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from crosscenter.selectors import cases_of_user
from deposits.selectors import account_or_404, account_recent_entries
from gjj_portal.access import depositor_required
from gjj_portal.cache import person_reads
from gjj_portal.uploads import uploads_storage
from loans.guides import loan_guide
from loans.models import APPLICATION_OPEN, LoanStatus
from loans.selectors import applications_of_user as loan_applications_of_user
from loans.selectors import loans_overview
from messages_center.selectors import inbox_counts, messages_open_newest
from messages_center.views import inbox_page
from policy.center import current_policy
from policy.notices import notice_get, notices_current
from withdrawals.guides import guide_for, standing_guide
from withdrawals.models import WithdrawalKind
from withdrawals.offers import CLOSING_ORDER, withdrawal_offers
from withdrawals.offers import kind_url as offer_url
from withdrawals.selectors import applications_of_user


@depositor_required
def home(request):
    """The home page of seed 004 §1.3: 个人任务管理 on top, 我的公积金 and 我的贷款 below; in 长辈版 the
    most used services as large tiles first. The person's parts (tasks, loans, recent entries) are kept as
    HTML in the person's cache; the account's own figures come with the person on every request."""
    user, account, today = request.user, account_or_404(request.user), timezone.localdate()
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

    @cache
    def loan_state():
        rows = loans_overview(user=user)
        applying = next(
            (a for a in loan_applications() if a.contract_id is None and a.status in APPLICATION_OPEN), None
        )
        # 贷款申请 is offered to whoever has neither an application under way nor a loan not yet settled.
        may_apply = applying is None and all(row["contract"].status == LoanStatus.SETTLED for row in rows)
        return {"loans": rows, "applying": applying, "may_apply": may_apply}

    def loans():
        return render_to_string("hall/_home_loans.html", loan_state())

    def offers():
        context = {"offers": withdrawal_offers(account=account, today=today), **loan_state()}
        return render_to_string("hall/_home_offers.html", context)

    def entries():
        return render_to_string(
            "deposits/_entries_table.html", {"entries": account_recent_entries(account=account, limit=5)}
        )

    # Names are the person's, across pages: the home page's parts are its own (贷款信息 keeps "loans" as rows).
    # 我现在能办什么 depends on the day too (continuous months, the retirement month, a card's cooling-off).
    offers_name = f"home_offers:{today.isoformat()}"
    found = person_reads(
        user.pk, inbox=counted, home_tasks=tasks, home_loans=loans, home_entries=entries, **{offers_name: offers}
    )
    parts = {
        "tasks": found["home_tasks"],
        "loans": found["home_loans"],
        "entries": found["home_entries"],
        "offers": found[offers_name],
    }
    # The header shows the same numbers as 个人任务管理.
    context = {"account": account, "inbox": found["inbox"], "parts": parts, "notices": notices_current(limit=3)}
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


def _guides():
    """Every service's 办事指南: (key, name, where to apply, rows), in the 提取 page's order, then 贷款申请."""
    policy = current_policy()
    kinds = [WithdrawalKind.RENT, WithdrawalKind.COMMERCIAL_LOAN, WithdrawalKind.HPF_LOAN, *CLOSING_ORDER]
    found = [(kind.value, kind.label, offer_url(kind), guide_for(kind, policy)) for kind in kinds]
    found.append(("standing", "委托提取（按月）", reverse("withdrawals:standing"), standing_guide(policy)))
    found.append(("loan", "贷款申请", reverse("loans:apply"), loan_guide(policy)))
    return found


def guides(request):
    """办事指南: one page per service (public: read before logging in)."""
    return render(request, "hall/guides.html", {"guides": _guides()})


def guide(request, key):
    chosen = next((g for g in _guides() if g[0] == key), None)
    if chosen is None:
        raise Http404
    return render(request, "hall/guide.html", {"guide": chosen})


def notices(request):
    """通知公告 (public)."""
    return render(request, "hall/notices.html", {"notices": notices_current()})


def notice(request, public_id):
    return render(request, "hall/notice.html", {"notice": notice_get(public_id=public_id)})


def center_logo(request):
    """中心标志 uploaded in the policy (checked as PNG/JPEG when saved); its address carries the file's name, so
    it is kept by browsers for a year and a new upload is a new address."""
    policy = current_policy()
    if not policy.logo_name:
        raise Http404
    storage = uploads_storage()
    if not storage.exists(policy.logo_name):
        raise Http404
    kind = "image/png" if policy.logo_name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(storage.open(policy.logo_name, "rb"), content_type=kind)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
