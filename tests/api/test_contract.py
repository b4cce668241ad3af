"""Every operation of the published document: 401 without a token (or a partner key), 404 for another person's
object, never a 5xx under the forms' hostile values, refusals in the one error shape. The operations are read
from /api/v1/openapi.json, so a new endpoint is covered (or fails here until it is listed) without editing."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from messages_center.services import message_send
from tests.test_fuzz import HOSTILE
from tests.test_privacy import _standing
from tests.withdrawals.helpers import submitted_rent
from withdrawals.models import WithdrawalApplication

from .conftest import log_in

PUBLIC = {"auth_captcha", "auth_login", "auth_login_sms", "auth_refresh"}
# path parameter → how to make `owner`'s object the parameter addresses (its value in the URL)
OWNED = {
    "application_id": lambda owner: str(submitted_rent(owner, region="大连市").public_id),
    "message_id": lambda owner: str(message_send(recipient=owner, business="测试", title="t", body="b").public_id),
    "contract_no": lambda owner: _contract(owner),
    "standing_id": lambda owner: str(_standing(owner).public_id),
    "kind": None,  # not an object: the withdrawal types
    "client_id": None,  # a partner application, not a person's object (consent_withdraw of an unknown one: 404)
}


@pytest.fixture(autouse=True)
def _business_hours(monkeypatch):
    """Inside every window (提前还款: working days 7:00–17:00), so what is checked is the object, not the clock."""
    from tests.api.test_app_channel import WEDNESDAY_10

    monkeypatch.setattr("policy.middleware.business_now", lambda: WEDNESDAY_10)


def _contract(owner):
    from tests.loans.conftest import make_contract

    return make_contract(owner.account).contract_no


def operations(api):
    for op_id, (method, path, op) in api.ops.items():
        yield op_id, method, path, op


def path_values(op, value="x"):
    return {p["name"]: value for p in op.get("parameters", []) if p["in"] == "path"}


def test_every_operation_needs_a_token_or_a_key(api, policy):
    checked = 0
    for op_id, method, template, op in operations(api):
        if op_id in PUBLIC:
            continue
        url = template
        for name in path_values(op):
            url = url.replace("{" + name + "}", str(uuid.uuid4()) if name.endswith("_id") else "rent")
        status, _, raw = api.http(method, url, {}, {}, media="application/json", body={})
        assert status == 401, (op_id, status, raw[:200])
        body = json.loads(raw)
        assert (
            body["code"] in ("not_authenticated", "token_invalid")
            and body["message"] == "请先登录。"
            or body["message"].startswith("登录")
        ), body
        checked += 1
    assert checked >= 25


def test_another_persons_objects_answer_404(api, depositor, other_depositor):
    for user in (depositor, other_depositor):
        user.set_password("demo1234")
        user.save()
    unknown = {p["name"] for _, _, _, op in operations(api) for p in op.get("parameters", []) if p["in"] == "path"}
    assert unknown <= set(OWNED), f"list these path parameters in OWNED: {unknown - set(OWNED)}"
    objects = {name: make(other_depositor) for name, make in OWNED.items() if make}
    log_in(api, depositor.id_number)
    tried = 0
    for op_id, _method, _, op in operations(api):
        names = set(path_values(op))
        if not names & set(objects) or op_id in PUBLIC:
            continue
        values = {n: objects.get(n, "rent") for n in names}
        content = op.get("requestBody", {}).get("content", {})
        wants_key = any(p["in"] == "header" and p["name"] == "Idempotency-Key" for p in op.get("parameters", []))
        headers = {"Idempotency-Key": str(uuid.uuid4())} if wants_key else None
        if "multipart/form-data" in content:
            status, error = _multipart(api, op_id, values)
        else:
            body = {} if "application/json" in content else None
            status, error = api.call(op_id, path=values, body=body, headers=headers)
        assert status == 404, (op_id, status, error)
        assert error["code"] == "not_found"
        tried += 1
    assert tried >= 10
    assert WithdrawalApplication.objects.filter(applicant=other_depositor).count() >= 1


def _multipart(api, op_id, values):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return api.call(op_id, path=values, body={"slot": "租赁合同"}, files={"files": SimpleUploadedFile("a.png", b"x")})


BODY_VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
)


@pytest.mark.untraced
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_hostile_bodies_never_make_a_5xx_nor_a_row(api_fuzz, data):
    api, depositor, contract_no = api_fuzz
    before = WithdrawalApplication.objects.count()
    for op_id, method, template, op in operations(api):
        if op_id in ("auth_logout", "auth_logout_all", "me_password_change"):
            continue
        if method == "get":
            names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            query = data.draw(st.fixed_dictionaries({}, optional={n: st.sampled_from(HOSTILE) for n in names}))
            url = template
            for name in path_values(op):
                url = url.replace("{" + name + "}", contract_no if name == "contract_no" else str(uuid.uuid4()))
            status, _, raw = api.http("get", url, query, {"Authorization": f"Bearer {api.token}"})
            assert status < 500, (op_id, query, raw[:300])
            continue
        declared = api.resolve(
            op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        )
        fields = list(declared.get("properties", {})) + ["unknown"]
        body = data.draw(
            st.one_of(
                st.fixed_dictionaries({}, optional={f: BODY_VALUES for f in fields}),
                BODY_VALUES,
            )
        )
        url = template
        for name in path_values(op):
            value = {
                "kind": data.draw(st.sampled_from(["rent", "hpf_loan", "retirement", "x"])),
                "contract_no": contract_no,
            }
            url = url.replace("{" + name + "}", str(value.get(name, uuid.uuid4())))
        headers = {
            "Authorization": f"Bearer {api.token}",
            "Idempotency-Key": data.draw(st.sampled_from(["", "k" * 65, str(uuid.uuid4()), "\u202e"])),
        }
        status, content_type, raw = api.http(method, url, {}, headers, media="application/json", body=body)
        assert status < 500, (op_id, body, raw[:300])
        if status >= 400:
            error = json.loads(raw)
            assert error["code"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]), (op_id, error)
    # Only a well-formed rent body could make an application; hostile ones make none.
    assert WithdrawalApplication.objects.count() == before


@pytest.fixture
def api_fuzz(api, depositor):
    depositor.set_password("demo1234")
    depositor.save()
    log_in(api, depositor.id_number)
    return api, depositor, _contract(depositor)
