"""授权管理 in the browser: the partner applications a person let read their data (granted from the app), and
撤销授权 — the same consents and the same service the API uses, for a depositor who uses only the web."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gjj_portal.access import depositor_required

from .models import PartnerApp, PartnerConsent
from .services import consent_withdraw


@depositor_required
def consents(request):
    rows = PartnerConsent.objects.filter(user=request.user).select_related("app").order_by("-granted_at")
    return render(request, "api/consents.html", {"consents": rows})


@require_POST
@depositor_required
def consent_end(request, client_id):
    app = PartnerApp.objects.filter(client_id=client_id).first()
    if app is None or not consent_withdraw(user=request.user, app=app):
        raise Http404  # another person's, or nothing open: nothing to say about it
    messages.success(request, f"已撤销对“{app.name}”的授权，该应用不能再查询您的信息。")
    return redirect("consents:list")
