from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "住房公积金管理中心 · 业务审核"
admin.site.site_title = "公积金业务审核"
admin.site.index_title = "审核与运维"
# No side menu: the queues' columns (审核时限, 提交时间) need the width at 1280 px; the index and the breadcrumbs
# lead everywhere the menu did.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("hall.ops_urls")),
    path("captcha/", include("captcha.urls")),
    path("api/v1/", include("api.urls")),
    path("", include("api.web_urls")),
    path("accounts/", include("accounts.urls")),
    path("", include("hall.urls")),
    path("withdrawals/", include("withdrawals.urls")),
    path("messages/", include("messages_center.urls")),
    path("loans/", include("loans.urls")),
    path("unit/", include("deposits.unit_urls")),
    path("", include("crosscenter.urls")),
    path("", include("hall.home_urls")),
    path("", include("deposits.urls")),
]

handler400 = "gjj_portal.views.bad_request"
handler403 = "gjj_portal.views.permission_denied"
handler404 = "gjj_portal.views.page_not_found"
handler500 = "gjj_portal.views.server_error"
