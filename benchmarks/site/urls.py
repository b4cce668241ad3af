"""The portal's URLs and a bare view behind the depositor login: the least a personal page can cost
(the whole middleware stack, the session read from Redis and the person fetched), with nothing of its
own to query or render. benchmarks/pages.py measures the pages against it and against /healthz/."""

from django.http import HttpResponse
from django.urls import include, path

from gjj_portal.access import depositor_required


@depositor_required
def bare_personal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/bare-personal/", bare_personal),
    path("", include("gjj_portal.urls")),
]

handler400 = "gjj_portal.views.bad_request"
handler403 = "gjj_portal.views.permission_denied"
handler404 = "gjj_portal.views.page_not_found"
handler500 = "gjj_portal.views.server_error"
