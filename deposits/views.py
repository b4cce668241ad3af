from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from gjj_portal import charts
from gjj_portal.access import depositor_required
from gjj_portal.cache import person_reads
from gjj_portal.http import client_ip, hits_allowed, pdf_response
from gjj_portal.pdfsign import Verdict, pdf_verify
from messages_center.selectors import inbox_counts
from policy.center import current_policy

from . import selectors, services
from .certificates import CertificateUnavailable, certificate_pdf, interest_statement_pdf
from .forms import StatementRangeForm, default_range
from .models import DepositCertificate


@depositor_required
def profile(request):
    """个人基本信息."""
    return render(request, "deposits/profile.html", {"account": selectors.account_or_404(request.user)})


@depositor_required
def statement(request):
    """缴存支取信息: ratio, base, balance and the entries of a date range (≤ two years), with a chart."""
    account, today = selectors.account_or_404(request.user), timezone.localdate()
    start, end = default_range(today)
    form = StatementRangeForm(request.GET or {"start": start, "end": end}, today=today)
    data = inbox = None
    query = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        query = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        asked = request.GET.get("page") or "1"
        asked = asked if asked.isdigit() and len(asked) < 7 else "1"  # anything else is page 1, as get_page says

        # At most two years of one account (a few dozen entries), read once for the page's table, its count and
        # the chart, which are kept as HTML in the person's cache with the header's counts (gjj_portal/cache.py).
        def range_read(start=start, end=end):
            before = start.fromordinal(start.toordinal() - 1)
            opening = selectors.account_balance_on(account=account, day=before)
            entries = list(selectors.account_entries_between(account=account, start=start, end=end, opening=opening))
            movements = sorted((entry.occurred_on, entry.amount) for entry in entries)
            chart = charts.line_chart(charts.balance_series(opening=opening, movements=movements, start=start, end=end))
            page = Paginator(entries, 20).get_page(asked)
            return render_to_string("deposits/_statement_data.html", {"page": page, "chart": chart, "query": query})

        name = f"statement:{start}:{end}:{asked}"
        found = person_reads(request.user.pk, inbox=lambda: inbox_counts(user=request.user), **{name: range_read})
        data, inbox = found[name], found["inbox"]
    context = {"account": account, "form": form, "data": data, "query": query}
    if inbox is not None:
        context["inbox"] = inbox
    return render(request, "deposits/statement.html", context)


@depositor_required
def certificate(request):
    """打印缴存证明 and 结息对账单: the page; a POST issues the document and returns its PDF."""
    account = selectors.account_or_404(request.user)
    years = selectors.interest_settled_years(account=account)
    context = {"account": account, "years": years}
    if request.method != "POST":
        return render(request, "deposits/certificate.html", context)
    policy, today = current_policy(), timezone.localdate()
    verify_url = request.build_absolute_uri(reverse("deposits:verify"))
    try:
        if "year" in request.POST:
            settle_on = next((d for d in years if str(d.year) == request.POST["year"]), None)
            if settle_on is None:
                context["error"] = "该年度尚未结息，暂无结息对账单。"
                return render(request, "deposits/certificate.html", context, status=400)
            issued = services.interest_statement_issue(
                account=account,
                settle_on=settle_on,
                rates=policy.interest_rates,
                center_name=policy.center_name,
                today=today,
            )
            pdf = interest_statement_pdf(issued.snapshot, code=issued.code, verify_url=verify_url)
            return pdf_response(pdf, f"结息对账单-{account.grzh}-{settle_on:%Y}.pdf")
        issued = services.certificate_issue(account=account, center_name=policy.center_name, today=today)
        pdf = certificate_pdf(issued.snapshot, code=issued.code, verify_url=verify_url)
    except CertificateUnavailable as exc:
        context["error"] = str(exc)
        return render(request, "deposits/certificate.html", context, status=503)
    return pdf_response(pdf, f"缴存证明-{account.grzh}.pdf")


VERIFY_LOOKUPS_PER_HOUR = 60  # per address: a person checks a few documents; a guesser gets nowhere


def _file_verdict(upload) -> Verdict:
    if upload is None:
        return Verdict(False, "请选择要核验的 PDF 文件。")
    if upload.size > settings.GJJ_UPLOAD_MAX_BYTES:
        return Verdict(
            False, f"文件超过 {settings.GJJ_UPLOAD_MAX_BYTES // (1024 * 1024)} MB，不是本中心出具的证明文件。"
        )
    return pdf_verify(upload.read())


def verify(request):
    """Public: anyone holding the code (typed, or opened from the QR code) sees what was issued, masked; anyone
    holding the PDF uploads it and learns whether the center's signature is valid and the file unchanged."""
    code = (request.GET.get("code") or "").strip().upper()[:19]
    context: dict = {"code": code, "certificate": None}
    if request.method == "POST":
        context["code"] = ""  # the upload answers for the file alone
        if not hits_allowed(f"verify:{client_ip(request)}", limit=VERIFY_LOOKUPS_PER_HOUR, seconds=3600):
            context["throttled"] = True
            return render(request, "deposits/verify.html", context, status=429)
        context["file_verdict"] = _file_verdict(request.FILES.get("document"))
        return render(request, "deposits/verify.html", context)
    if code:
        if not hits_allowed(f"verify:{client_ip(request)}", limit=VERIFY_LOOKUPS_PER_HOUR, seconds=3600):
            context["throttled"] = True
            return render(request, "deposits/verify.html", context, status=429)
        context["certificate"] = DepositCertificate.objects.filter(code=code).first()
    return render(request, "deposits/verify.html", context)
