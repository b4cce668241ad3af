from django.http import Http404
from django.shortcuts import render

from accounts.decorators import depositor_required

from .selectors import account_recent_entries


@depositor_required
def home(request):
    """我的公积金: the account at a glance and the last entries."""
    account = getattr(request.user, "account", None)
    if account is None:
        raise Http404
    return render(
        request,
        "deposits/home.html",
        {"account": account, "entries": account_recent_entries(account=account, limit=10)},
    )
