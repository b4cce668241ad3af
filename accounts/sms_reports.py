"""短信状态报告: the providers push, for each message they accepted, whether it reached the handset — Alibaba
Cloud's HTTP batch push (a JSON list of {biz_id, success, err_code, report_time, …}) and Tencent Cloud's status
callback (a JSON list of {sid, report_status: SUCCESS | FAIL, errmsg, user_receive_time, …}). Each report moves
the matching receipt from 服务商已受理 to 已送达 or 未送达 (never back; an unknown id changes nothing).

The providers sign neither push: only addresses on GJJ_SMS_REPORT_NETWORKS (the provider's published callback
ranges, or the center's gateway) are heard, everyone else gets 404. Each answer is in the provider's own
acknowledgement shape, so it does not push the same report again."""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from gjj_portal.http import client_ip, in_networks

from .models import SmsDelivery

ACK = {
    "aliyun": ({"code": 0, "msg": "成功"}, {"code": 1, "msg": "报文格式错误"}),
    "tencent": ({"result": 0, "errmsg": "OK"}, {"result": 1, "errmsg": "bad report"}),
}


def _reports(provider: str, items: list) -> list[tuple[str, bool, str]]:
    """(message id, delivered?, the provider's code) for each well-formed item."""
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        if provider == "aliyun":
            found.append((str(item.get("biz_id") or ""), item.get("success") is True, str(item.get("err_code") or "")))
        else:
            status = str(item.get("report_status") or "")
            found.append((str(item.get("sid") or ""), status == "SUCCESS", str(item.get("errmsg") or status)))
    return [r for r in found if r[0]]


def sms_reports_apply(*, provider: str, reports: list[tuple[str, bool, str]]) -> int:
    """Mark each accepted receipt delivered or not; returns how many changed."""
    changed, now = 0, timezone.now()
    for message_id, delivered, code in reports:
        changed += SmsDelivery.objects.filter(
            provider=provider, provider_message_id=message_id, state=SmsDelivery.State.ACCEPTED
        ).update(
            state=SmsDelivery.State.DELIVERED if delivered else SmsDelivery.State.UNDELIVERED,
            error_code="" if delivered else code[:100],
            reported_at=now,
        )
    return changed


@csrf_exempt
@require_POST
def sms_report(request, provider):
    if provider not in ACK or not in_networks(client_ip(request), settings.GJJ_SMS_REPORT_NETWORKS):
        raise Http404
    ok, bad = ACK[provider]
    try:
        items = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return JsonResponse(bad, status=400, json_dumps_params={"ensure_ascii": False})
    if not isinstance(items, list):
        return JsonResponse(bad, status=400, json_dumps_params={"ensure_ascii": False})
    sms_reports_apply(provider=provider, reports=_reports(provider, items))
    return JsonResponse(ok, json_dumps_params={"ensure_ascii": False})
