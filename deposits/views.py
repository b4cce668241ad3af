from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from gjj_portal import charts
from gjj_portal.access import depositor_required
from gjj_portal.policy import current_policy

from . import selectors, services
from .certificates import CertificateUnavailable, certificate_pdf
from .forms import StatementRangeForm, default_range
from .models import DepositCertificate


def _account(request):
    account = getattr(request.user, "account", None)
    if account is None:
        raise Http404
    return account


@depositor_required
def profile(request):
    """个人基本信息."""
    return render(request, "deposits/profile.html", {"account": _account(request)})


@depositor_required
def statement(request):
    """缴存支取信息: ratio, base, balance and the entries of a date range (≤ two years), with a chart."""
    account, today = _account(request), timezone.localdate()
    start, end = default_range(today)
    form = StatementRangeForm(request.GET or {"start": start, "end": end}, today=today)
    page = chart = None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        entries = selectors.account_entries_between(account=account, start=start, end=end)
        page = Paginator(entries, 20).get_page(request.GET.get("page"))
        opening = selectors.account_balance_on(account=account, day=start.fromordinal(start.toordinal() - 1))
        movements = sorted(entries.values_list("occurred_on", "amount"))
        chart = charts.line_chart(charts.balance_series(opening=opening, movements=movements, start=start, end=end))
    query = f"start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
    context = {"account": account, "form": form, "page": page, "chart": chart, "query": query}
    return render(request, "deposits/statement.html", context)


@depositor_required
def certificate(request):
    """打印缴存证明: the page; the POST issues a new certificate and returns its PDF."""
    account = _account(request)
    if request.method != "POST":
        return render(request, "deposits/certificate.html", {"account": account})
    policy = current_policy()
    issued = services.certificate_issue(account=account, center_name=policy.center_name, today=timezone.localdate())
    verify_url = request.build_absolute_uri(reverse("deposits:verify"))
    try:
        pdf = certificate_pdf(issued.snapshot, code=issued.code, verify_url=verify_url)
    except CertificateUnavailable as exc:
        return render(request, "deposits/certificate.html", {"account": account, "error": str(exc)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="deposit-certificate-{account.grzh}.pdf"'
    return response


def verify(request):
    """Public: anyone holding the code sees what was certified (masked), and when."""
    code = (request.GET.get("code") or "").strip().upper()
    found = DepositCertificate.objects.filter(code=code).first() if code else None
    return render(request, "deposits/verify.html", {"code": code, "certificate": found})
