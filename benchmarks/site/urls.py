"""The portal's URLs and a bare view behind the depositor login: the least a personal page can cost
(the whole middleware stack, the session read from Redis and the person fetched), with nothing of its
own to query or render. benchmarks/pages.py measures the pages against it and against /bench/bare/."""

from django.http import HttpResponse
from django.urls import include, path
from rest_framework.response import Response

from api.views.base import DepositorView
from gjj_portal.access import depositor_required


def bare(request):
    """The least any page can cost: the whole middleware stack, anonymous, nothing queried (the portal's
    /healthz/ now reads beat's heartbeat and the payouts, so it is no longer that floor)."""
    return HttpResponse("ok", content_type="text/plain")


@depositor_required
def bare_personal(request):
    return HttpResponse("ok", content_type="text/plain")


class BareApi(DepositorView):
    """The least an app's call can cost: the token checked (one indexed read of the token with its person),
    the person allowed, a JSON answer — nothing queried or serialized of its own (benchmarks/app_api.py)."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/bare-personal/", bare_personal),
    path("bench/bare-api/", BareApi.as_view()),
    path("", include("gjj_portal.urls")),
]

handler400 = "gjj_portal.views.bad_request"
handler403 = "gjj_portal.views.permission_denied"
handler404 = "gjj_portal.views.page_not_found"
handler500 = "gjj_portal.views.server_error"
