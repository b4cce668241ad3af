"""Local stand-ins for the SMS providers, speaking each one's documented protocol over HTTP on 127.0.0.1:

- Alibaba Cloud SMS (dysmsapi 2017-05-25, RPC style, V3 signature ACS3-HMAC-SHA256: the canonical request of
  method, path, sorted query, signed headers and the payload's SHA-256; HMAC-SHA256 with the AccessKey secret);
- Tencent Cloud SMS (2021-01-11, TC3-HMAC-SHA256: the canonical request, then the key derived from
  "TC3" + SecretKey through the date, the service and "tc3_request").

Each checks the signature (a wrong secret is refused as the provider refuses it), answers in the provider's
shape, and keeps what it accepted. Numbers with a fixed meaning make the provider's refusals: 13900000001 is
over the provider's frequency limit, 13900000002 is not a valid number, 13900000003 finds the center's balance
empty; `fail_next` answers that many requests with a 503 first (a provider having a bad moment)."""

import hashlib
import hmac
import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

SECRET_ID, SECRET = "LTAI-test-key-id", "test-secret-0123456789"
TOO_OFTEN, BAD_NUMBER, NO_BALANCE = "13900000001", "13900000002", "13900000003"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


@dataclass
class FakeProvider:
    kind: str  # "aliyun" | "tencent"
    accepted: list = field(default_factory=list)  # (phone, params)
    refused_signatures: int = 0
    requests: int = 0
    fail_next: int = 0
    url: str = ""

    def code_for(self, phone: str) -> str:
        return next(params for sent_to, params in reversed(self.accepted) if sent_to == phone)["code"]

    # Alibaba Cloud ---------------------------------------------------------------------------------------------
    def aliyun(self, method, path, headers, body) -> tuple[int, dict]:
        parts = urlsplit(path)
        query = parse_qsl(parts.query, keep_blank_values=True)
        auth = headers.get("authorization", "")
        fields = dict(item.split("=", 1) for item in auth.removeprefix("ACS3-HMAC-SHA256 ").split(","))
        signed = fields.get("SignedHeaders", "").split(";")
        canonical_query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(query))
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip()}\n" for name in signed)
        canonical = "\n".join(
            [method, parts.path or "/", canonical_query, canonical_headers, ";".join(signed), _sha256(body)]
        )
        expected = hmac.new(
            SECRET.encode(), f"ACS3-HMAC-SHA256\n{_sha256(canonical.encode())}".encode(), hashlib.sha256
        ).hexdigest()
        request_id = str(uuid.uuid4())
        if fields.get("Credential") != SECRET_ID or not hmac.compare_digest(fields.get("Signature", ""), expected):
            self.refused_signatures += 1
            return 400, {
                "Code": "IncompleteSignature",
                "Message": "The request signature does not conform to Aliyun standards.",
                "RequestId": request_id,
            }
        if headers.get("x-acs-action") != "SendSms":
            return 404, {"Code": "InvalidAction.NotFound", "RequestId": request_id}
        args = dict(query)
        phone = args.get("PhoneNumbers", "")
        refusal = {
            TOO_OFTEN: "isv.BUSINESS_LIMIT_CONTROL",
            BAD_NUMBER: "isv.MOBILE_NUMBER_ILLEGAL",
            NO_BALANCE: "isv.AMOUNT_NOT_ENOUGH",
        }.get(phone)
        if refusal:
            return 200, {"Code": refusal, "Message": refusal, "RequestId": request_id}
        if not args.get("SignName") or not args.get("TemplateCode"):
            return 200, {"Code": "isv.SMS_SIGNATURE_ILLEGAL", "Message": "签名不合法", "RequestId": request_id}
        self.accepted.append((phone, json.loads(args.get("TemplateParam") or "{}")))
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"{len(self.accepted)}^0", "RequestId": request_id}

    # Tencent Cloud ---------------------------------------------------------------------------------------------
    def tencent(self, method, path, headers, body) -> tuple[int, dict]:
        auth = headers.get("authorization", "")
        request_id = str(uuid.uuid4())
        try:
            credential = auth.split("Credential=")[1].split(",")[0]
            secret_id, date, service, _tail = credential.split("/")
            signed = auth.split("SignedHeaders=")[1].split(",")[0].strip()
            signature = auth.split("Signature=")[1].strip()
        except (IndexError, ValueError):
            self.refused_signatures += 1
            return 200, {
                "Response": {
                    "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad"},
                    "RequestId": request_id,
                }
            }
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n" for name in signed.split(";"))
        canonical = "\n".join([method, "/", "", canonical_headers, signed, _sha256(body)])
        timestamp = headers.get("x-tc-timestamp", "")
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{date}/{service}/tc3_request\n{_sha256(canonical.encode())}"
        key = _hmac(_hmac(_hmac(("TC3" + SECRET).encode(), date), service), "tc3_request")
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if secret_id != SECRET_ID or not hmac.compare_digest(signature, expected):
            self.refused_signatures += 1
            return 200, {
                "Response": {
                    "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "签名验证失败"},
                    "RequestId": request_id,
                }
            }
        if headers.get("x-tc-action") != "SendSms":
            return 200, {"Response": {"Error": {"Code": "InvalidAction", "Message": "no"}, "RequestId": request_id}}
        args = json.loads(body or b"{}")
        phone = (args.get("PhoneNumberSet") or [""])[0].removeprefix("+86")
        code = {
            TOO_OFTEN: "LimitExceeded.PhoneNumberThirtySecondLimit",
            BAD_NUMBER: "InvalidParameterValue.IncorrectPhoneNumber",
            NO_BALANCE: "FailedOperation.InsufficientBalanceInSmsPackage",
        }.get(phone, "Ok")
        if code == "Ok":
            self.accepted.append((phone, {"code": (args.get("TemplateParamSet") or [""])[0]}))
        status = {
            "SerialNo": f"2433:{uuid.uuid4().int % 10**12}",
            "PhoneNumber": f"+86{phone}",
            "Fee": 1,
            "SessionContext": "",
            "Code": code,
            "Message": "send success" if code == "Ok" else code,
            "IsoCode": "CN",
        }
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}


def serve(provider: FakeProvider):
    """Start the fake on a free port; returns (provider, stop)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            provider.requests += 1
            if provider.fail_next > 0:
                provider.fail_next -= 1
                status, answer = 503, {"Code": "ServiceUnavailable", "Message": "busy", "RequestId": "x"}
                if provider.kind == "tencent":
                    answer = {"Response": {"Error": {"Code": "InternalError", "Message": "busy"}, "RequestId": "x"}}
            else:
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, answer = getattr(provider, provider.kind)(self.command, self.path, headers, body)
            data = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop():
        server.shutdown()
        server.server_close()

    return provider, stop
