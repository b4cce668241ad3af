"""SMS providers' adapters behind `SmsBackend`, through their official SDKs: Alibaba Cloud SMS (dysmsapi
2017-05-25) and Tencent Cloud SMS (sms 2021-01-11). GJJ_SMS_BACKEND=aliyun or tencent picks one.

Chinese providers send templates, not free text: the verification-code template (GJJ_SMS_TEMPLATE) with the
code as its parameter, under the center's registered signature (GJJ_SMS_SIGN_NAME). A refusal the person can
act on (too frequent, a wrong number) or cannot (the center's SMS balance, the provider down) becomes a Chinese
SmsError; a transient failure (network, 5xx, the provider's throttling of the API) is tried again with
back-off. Every answer is recorded as an SmsDelivery (accepted with the provider's message id, or failed with
its code) — never the text, never the code, never the key in any log."""

import json
import logging
import time
from dataclasses import dataclass

from django.conf import settings

from gjj_portal.identity import mask_phone

from .models import SmsDelivery
from .sms import SmsBackend, SmsError

log = logging.getLogger("gjj.sms")

TOO_OFTEN = "短信发送过于频繁，请稍后再试。"
BAD_NUMBER = "手机号码无法接收短信，请核对手机号后重试。"
UNAVAILABLE = "短信服务暂时不可用，请稍后再试或拨打服务热线。"


@dataclass
class Answer:
    """One provider call's outcome: accepted (message id) or refused (code); transient means try again."""

    accepted: bool
    code: str = ""
    message_id: str = ""
    request_id: str = ""
    transient: bool = False


class ProviderSmsBackend(SmsBackend):
    name = ""
    # The provider's error codes → what the person is told; anything else is UNAVAILABLE (and logged).
    errors: dict[str, str] = {}
    transient_codes: set[str] = set()

    def send(self, phone, text, *, params=None):
        params = params or {}
        attempts, answer = 0, Answer(False, "not_sent")
        delays = [*settings.GJJ_SMS_RETRY_DELAYS, None]
        for delay in delays:
            attempts += 1
            answer = self._attempt(phone, params)
            if answer.accepted or not answer.transient or delay is None:
                break
            time.sleep(delay)
        SmsDelivery.objects.create(
            provider=self.name,
            phone=phone,
            template=settings.GJJ_SMS_TEMPLATE,
            state=SmsDelivery.State.ACCEPTED if answer.accepted else SmsDelivery.State.FAILED,
            provider_message_id=answer.message_id[:100],
            provider_request_id=answer.request_id[:100],
            error_code=answer.code[:100] if not answer.accepted else "",
            attempts=attempts,
        )
        if not answer.accepted:
            said = self.errors.get(answer.code)
            if said is None or said == UNAVAILABLE:
                log.error("SMS provider %s refused a message to %s: %s", self.name, mask_phone(phone), answer.code)
            raise SmsError(said or UNAVAILABLE)

    def _attempt(self, phone: str, params: dict) -> Answer:
        try:
            return self.call(phone, params)
        except Exception as exc:  # the SDKs raise their own kinds for network errors and 5xx answers
            code = getattr(exc, "code", None) or getattr(exc, "get_code", lambda: None)() or type(exc).__name__
            return Answer(False, str(code), transient=str(code) not in self.errors or code in self.transient_codes)

    def call(self, phone: str, params: dict) -> Answer:
        raise NotImplementedError


class AliyunSmsBackend(ProviderSmsBackend):
    """Alibaba Cloud SMS: SendSms with PhoneNumbers, SignName, TemplateCode, TemplateParam (JSON)."""

    name = "aliyun"
    errors = {
        "isv.BUSINESS_LIMIT_CONTROL": TOO_OFTEN,
        "isv.DAY_LIMIT_CONTROL": TOO_OFTEN,
        "isv.MOBILE_NUMBER_ILLEGAL": BAD_NUMBER,
        "isv.MOBILE_COUNT_OVER_LIMIT": BAD_NUMBER,
        "isv.BLACK_KEY_CONTROL_LIMIT": BAD_NUMBER,
        "isv.AMOUNT_NOT_ENOUGH": UNAVAILABLE,
        "isv.OUT_OF_SERVICE": UNAVAILABLE,
        "isv.SMS_SIGNATURE_ILLEGAL": UNAVAILABLE,
        "isv.SMS_TEMPLATE_ILLEGAL": UNAVAILABLE,
    }
    transient_codes = {"Throttling", "Throttling.User", "ServiceUnavailable", "InternalError"}

    def call(self, phone, params):
        from alibabacloud_dysmsapi20170525 import models
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi

        endpoint = settings.GJJ_SMS_ENDPOINT or "dysmsapi.aliyuncs.com"
        config = openapi.Config(
            access_key_id=settings.GJJ_SMS_ACCESS_KEY_ID,
            access_key_secret=settings.GJJ_SMS_ACCESS_KEY_SECRET,
            endpoint=endpoint.split("://", 1)[-1],
            protocol="http" if endpoint.startswith("http://") else "https",
            connect_timeout=3000,
            read_timeout=5000,
        )
        request = models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=settings.GJJ_SMS_SIGN_NAME,
            template_code=settings.GJJ_SMS_TEMPLATE,
            template_param=json.dumps(params, ensure_ascii=False),
        )
        body = Client(config).send_sms(request).body
        if body.code == "OK":
            return Answer(True, message_id=body.biz_id or "", request_id=body.request_id or "")
        return Answer(
            False, body.code or "", request_id=body.request_id or "", transient=body.code in self.transient_codes
        )


class TencentSmsBackend(ProviderSmsBackend):
    """Tencent Cloud SMS: SendSms with PhoneNumberSet (+86…), SmsSdkAppId, SignName, TemplateId, TemplateParamSet."""

    name = "tencent"
    errors = {
        "LimitExceeded.PhoneNumberThirtySecondLimit": TOO_OFTEN,
        "LimitExceeded.PhoneNumberOneHourLimit": TOO_OFTEN,
        "LimitExceeded.PhoneNumberDailyLimit": TOO_OFTEN,
        "LimitExceeded.PhoneNumberSameContentDailyLimit": TOO_OFTEN,
        "InvalidParameterValue.IncorrectPhoneNumber": BAD_NUMBER,
        "FailedOperation.PhoneNumberInBlacklist": BAD_NUMBER,
        "FailedOperation.InsufficientBalanceInSmsPackage": UNAVAILABLE,
        "UnauthorizedOperation.SmsSdkAppIdVerifyFail": UNAVAILABLE,
        "FailedOperation.SignatureIncorrectOrUnapproved": UNAVAILABLE,
        "FailedOperation.TemplateIncorrectOrUnapproved": UNAVAILABLE,
    }
    transient_codes = {"RequestLimitExceeded", "InternalError", "ClientNetworkError", "ServerNetworkError"}

    def call(self, phone, params):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import models, sms_client

        endpoint = settings.GJJ_SMS_ENDPOINT or "sms.tencentcloudapi.com"
        http = HttpProfile(
            endpoint=endpoint.split("://", 1)[-1],
            protocol="http" if endpoint.startswith("http://") else "https",
            reqTimeout=5,
        )
        client = sms_client.SmsClient(
            credential.Credential(settings.GJJ_SMS_ACCESS_KEY_ID, settings.GJJ_SMS_ACCESS_KEY_SECRET),
            settings.GJJ_SMS_REGION or "ap-guangzhou",
            ClientProfile(httpProfile=http),
        )
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [f"+86{phone}"]
        request.SmsSdkAppId = settings.GJJ_SMS_APP_ID
        request.SignName = settings.GJJ_SMS_SIGN_NAME
        request.TemplateId = settings.GJJ_SMS_TEMPLATE
        request.TemplateParamSet = [str(v) for v in params.values()]
        response = client.SendSms(request)
        status = response.SendStatusSet[0]
        if status.Code == "Ok":
            return Answer(True, message_id=status.SerialNo or "", request_id=response.RequestId or "")
        return Answer(
            False, status.Code or "", request_id=response.RequestId or "", transient=status.Code in self.transient_codes
        )
